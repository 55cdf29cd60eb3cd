import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { KubeObject } from '../../kube/index.ts';
import { chartImages, readChartYaml } from './chart.ts';
import type { ChartYaml } from './chart.ts';
import { readYaml } from './files.ts';

export interface PluginSource {
  modulePluginYaml: string;
  modulePlugin: KubeObject;
  chart: ChartYaml;
  /** Where the chart travels as an OCI artifact, e.g. `registry.example.com/acp/chart-demo:v1.0.0`. */
  chartRef: string;
  images: string[];
  displayName: string;
  lifecycleType?: 'Core' | 'Aligned' | 'Agnostic';
}

/**
 * A cluster-plugin chart directory: `module-plugin.yaml` at the root, `scripts/plugin-config.yaml`
 * (mandatory, even if empty), images under `values.yaml` `global.images`, registry in `global.registry.address`.
 */
export async function readPluginSource(dir: string): Promise<PluginSource> {
  const modulePluginYaml = await readFile(join(dir, 'module-plugin.yaml'), 'utf8').catch(() => {
    throw new Error(`${join(dir, 'module-plugin.yaml')} not found: a cluster plugin chart needs its ModulePlugin document`);
  });
  const modulePlugin = parse(modulePluginYaml) as KubeObject;
  if (modulePlugin?.kind !== 'ModulePlugin' || modulePlugin.apiVersion !== 'cluster.alauda.io/v1alpha1') throw new Error(`${join(dir, 'module-plugin.yaml')} must be a cluster.alauda.io/v1alpha1 ModulePlugin`);
  await readYaml(join(dir, 'scripts', 'plugin-config.yaml'), 'scripts/plugin-config.yaml (mandatory, may be {})');
  const chart = await readChartYaml(dir);
  const values = await readYaml<{ global?: { registry?: { address?: string } } }>(join(dir, 'values.yaml'), 'values.yaml');
  const registry = values?.global?.registry?.address ?? 'docker.io';
  const spec = modulePlugin.spec as { mainChart?: string };
  const chartPath = spec.mainChart ?? `acp/chart-${chart.name}`;
  const displayName = parseDisplayName(modulePlugin.metadata.annotations?.['cpaas.io/display-name']) ?? modulePlugin.metadata.name!;
  const lifecycle = modulePlugin.metadata.labels?.['cpaas.io/lifecycle-type'];
  return {
    modulePluginYaml,
    modulePlugin,
    chart,
    chartRef: `${registry}/${chartPath}:${chart.version.startsWith('v') ? chart.version : `v${chart.version}`}`,
    images: await chartImages(dir, registry),
    displayName,
    lifecycleType: lifecycle ? ((lifecycle[0].toUpperCase() + lifecycle.slice(1).toLowerCase()) as PluginSource['lifecycleType']) : undefined,
  };
}

function parseDisplayName(annotation: string | undefined): string | undefined {
  if (!annotation) return undefined;
  try {
    const names = JSON.parse(annotation) as { en?: string };
    return names.en;
  } catch {
    return annotation;
  }
}
