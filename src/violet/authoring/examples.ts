import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestImageLayout } from '../../oci/fixtures.ts';
import { detectSourceType, packageSource } from './build.ts';
import { readBundleSource } from './bundle.ts';
import { readPluginSource } from './plugin.ts';

/** Example sources under `examplesDir/<kind>/<name>`. */
export function exampleSources(examplesDir: string): string[] {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(examplesDir, d.name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(examplesDir, d.name, e.name)))
    .sort();
}

/** Images an example references (they get synthetic stand-ins). */
async function referencedImages(dir: string): Promise<string[]> {
  const type = detectSourceType(dir);
  if (type === 'bundle') return (await readBundleSource(dir)).relatedImages;
  if (type === 'plugin') return (await readPluginSource(dir)).images;
  return [];
}

/**
 * Builds every example into `outDir`: synthetic multi-arch images (small random layers) for each
 * referenced image go into an OCI layout under `workDir`, then the normal packaging runs.
 */
export async function buildExamples(examplesDir: string, outDir: string, workDir: string, layerBytes = 16 * 1024): Promise<string[]> {
  const layout = join(workDir, 'images');
  const built: string[] = [];
  for (const source of exampleSources(examplesDir)) {
    for (const ref of await referencedImages(source)) {
      await writeTestImageLayout(layout, { tag: ref, layers: [layerBytes, layerBytes * 2], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
    }
    built.push((await packageSource(source, { imagesLayout: layout, outDir })).file);
  }
  return built;
}
