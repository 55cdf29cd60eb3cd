import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFilesImage, addHelmChartArtifact, buildPackage, copyLayoutImage } from '../../packages/index.ts';
import type { BuildPackageInput, PackageManifest, PackageType } from '../../packages/index.ts';
import { readBundleSource } from './bundle.ts';
import { packChart } from './chart.ts';
import { readPluginSource } from './plugin.ts';
import { pullImage } from './pull.ts';
import type { PullOptions } from './pull.ts';

export interface PackageSourceOptions {
  /** OCI layout holding the related images, tagged by their full reference. */
  imagesLayout?: string;
  /** Images missing from the layout are pulled from their registries (all platforms). */
  pull?: PullOptions;
  /** Where the bundle image is pushed from, e.g. `registry.example.com/acp/demo-operator-bundle:v0.1.0`. */
  bundleImage?: string;
  arch?: string;
  outDir: string;
}

/** What kind of source a directory is: an OLM bundle, a cluster-plugin chart, or a plain Helm chart. */
export function detectSourceType(dir: string): PackageType {
  if (existsSync(join(dir, 'metadata', 'annotations.yaml')) && existsSync(join(dir, 'manifests'))) return 'bundle';
  if (existsSync(join(dir, 'module-plugin.yaml'))) return 'plugin';
  if (existsSync(join(dir, 'Chart.yaml'))) return 'chart';
  throw new Error(`cannot tell what ${dir} is: expected an operator bundle (manifests/ + metadata/annotations.yaml), a cluster plugin chart (module-plugin.yaml) or a Helm chart (Chart.yaml)`);
}

/** Builds `<name>[.<channel>].<arch>.<version>.tgz` from a source directory. */
export async function packageSource(dir: string, opts: PackageSourceOptions): Promise<{ file: string; manifest: PackageManifest }> {
  const layout = mkdtempSync(join(tmpdir(), 'violet-layout-'));
  try {
    const type = detectSourceType(dir);
    const input = type === 'bundle' ? await bundleInput(dir, layout, opts) : type === 'plugin' ? await pluginInput(dir, layout, opts) : await chartInput(dir, layout, opts);
    await collectImages(input.manifest.relatedImages, layout, opts.imagesLayout, opts.pull);
    return await buildPackage({ ...input, layoutDir: layout, outDir: opts.outDir });
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}

type Input = Omit<BuildPackageInput, 'layoutDir' | 'outDir'>;

async function bundleInput(dir: string, layout: string, opts: PackageSourceOptions): Promise<Input> {
  const src = await readBundleSource(dir);
  const artifact = opts.bundleImage ?? `${registryOf(src.relatedImages[0])}/${src.metadata.package}-bundle:v${src.version.replace(/^v/, '')}`;
  await addFilesImage(layout, artifact, src.files, { 'operators.operatorframework.io.bundle.package.v1': src.metadata.package });
  return {
    manifest: { type: 'bundle', name: src.metadata.package, displayName: src.displayName, version: src.version, channel: src.metadata.defaultChannel, arch: opts.arch ?? 'ALL', artifact, relatedImages: src.relatedImages, bundle: src.metadata },
    files: src.files.map((f) => ({ path: `bundle/${f.path}`, source: f.data })),
  };
}

async function pluginInput(dir: string, layout: string, opts: PackageSourceOptions): Promise<Input> {
  const src = await readPluginSource(dir);
  const { chart, fileName, tgz } = await packChart(dir);
  await addHelmChartArtifact(layout, src.chartRef, tgz, chart);
  const chartPath = `plugin/charts/${fileName}`;
  return {
    manifest: {
      type: 'plugin',
      name: src.modulePlugin.metadata.name!,
      displayName: src.displayName,
      version: chart.version,
      arch: opts.arch ?? 'ALL',
      artifact: src.chartRef,
      relatedImages: src.images,
      plugin: { modulePlugin: src.modulePluginYaml, charts: [{ name: chart.name, version: chart.version, path: chartPath }], lifecycleType: src.lifecycleType },
    },
    files: [{ path: 'plugin/module-plugin.yaml', source: Buffer.from(src.modulePluginYaml) }, { path: chartPath, source: tgz }],
  };
}

async function chartInput(dir: string, layout: string, opts: PackageSourceOptions): Promise<Input> {
  const { chart, fileName, tgz } = await packChart(dir);
  const artifact = `charts/${chart.name}:${chart.version}`;
  await addHelmChartArtifact(layout, artifact, tgz, chart);
  const path = `chart/${fileName}`;
  return {
    manifest: { type: 'chart', name: chart.name, displayName: chart.name, version: chart.version, arch: opts.arch ?? 'ALL', artifact, relatedImages: [], chart: { chartName: chart.name, chartVersion: chart.version, appVersion: chart.appVersion, path } },
    files: [{ path, source: tgz }],
  };
}

async function collectImages(refs: string[], layout: string, from: string | undefined, pull: PullOptions | undefined): Promise<void> {
  const missing: string[] = [];
  for (const ref of refs) if (!from || !(await copyLayoutImage(from, layout, ref))) missing.push(ref);
  if (missing.length && pull) {
    for (const ref of missing.splice(0)) await pullImage(ref, layout, pull);
  }
  if (missing.length) throw new Error(`these images are not in ${from ? `the OCI layout ${from}` : 'any image source'}: ${missing.join(', ')}. Put them in an OCI layout (e.g. skopeo copy --all docker://IMAGE oci:DIR:IMAGE) and pass --images DIR, or pass --pull to fetch them from their registries`);
}

function registryOf(ref: string | undefined): string {
  if (!ref) return 'docker.io/library';
  const slash = ref.lastIndexOf('/');
  return slash > 0 ? ref.slice(0, slash) : 'docker.io/library';
}
