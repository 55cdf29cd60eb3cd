import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarBuffer } from '../../packages/index.ts';
import { readTree, readYaml } from './files.ts';

export interface ChartYaml {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  [key: string]: unknown;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Reads and validates Chart.yaml like `helm lint` would for name and version. */
export async function readChartYaml(dir: string): Promise<ChartYaml> {
  const chart = await readYaml<ChartYaml>(join(dir, 'Chart.yaml'), 'Chart.yaml');
  if (!chart?.name || !NAME.test(chart.name)) throw new Error(`${join(dir, 'Chart.yaml')}: chart name ${JSON.stringify(chart?.name)} must be lowercase letters, digits and '-'`);
  if (!chart.version || !SEMVER.test(String(chart.version))) throw new Error(`${join(dir, 'Chart.yaml')}: version ${JSON.stringify(chart.version)} is not semantic versioning (e.g. 1.2.3)`);
  chart.version = String(chart.version);
  return chart;
}

/** `helm package` equivalent: `<name>-<version>.tgz` with every file under `<name>/`. */
export async function packChart(dir: string): Promise<{ chart: ChartYaml; fileName: string; tgz: Buffer }> {
  const chart = await readChartYaml(dir);
  const files = await readTree(dir, `${chart.name}/`);
  void basename;
  return { chart, fileName: `${chart.name}-${chart.version}.tgz`, tgz: gzipSync(tarBuffer(files)) };
}

/** Images a platform chart declares under `global.images.<key>.{repository,tag}` (registry-less repositories). */
export async function chartImages(dir: string, registry: string): Promise<string[]> {
  const values = await readYaml<{ global?: { images?: Record<string, { repository?: string; tag?: string }> } }>(join(dir, 'values.yaml'), 'values.yaml').catch(() => ({}) as never);
  const images = values?.global?.images ?? {};
  return Object.values(images)
    .filter((i) => i?.repository)
    .map((i) => `${registry}/${i.repository}:${i.tag ?? 'latest'}`);
}
