import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestImageLayout } from '../oci/fixtures.ts';
import type { PackageManifest } from './format.ts';
import { buildPackage } from './writer.ts';

/** A small bundle package (bundle image + one related multi-arch image) for tests. */
export async function buildTestBundle(outDir = mkdtempSync(join(tmpdir(), 'mp-pkg-')), layerSize = 2048): Promise<{ file: string; manifest: PackageManifest; outDir: string }> {
  const layout = mkdtempSync(join(tmpdir(), 'mp-layout-'));
  await writeTestImageLayout(layout, { tag: 'harbor.demo.io/acp/topolvm-operator-bundle:v2.3.0', layers: [layerSize] });
  await writeTestImageLayout(layout, { tag: 'harbor.demo.io/acp/topolvm-operator:v2.3.0', layers: [layerSize, layerSize * 2], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
  const { file, manifest } = await buildPackage({
    outDir,
    layoutDir: layout,
    manifest: {
      type: 'bundle',
      name: 'topolvm-operator',
      displayName: 'NativeStor',
      version: '2.3.0',
      arch: 'ALL',
      channel: 'stable',
      artifact: 'harbor.demo.io/acp/topolvm-operator-bundle:v2.3.0',
      relatedImages: ['harbor.demo.io/acp/topolvm-operator:v2.3.0'],
      bundle: { package: 'topolvm-operator', channels: ['stable'], defaultChannel: 'stable', csvName: 'topolvm-operator.v2.3.0', csvVersion: '2.3.0', sourceType: 'Alauda', provider: 'Alauda' },
    },
  });
  return { file, manifest, outDir };
}
