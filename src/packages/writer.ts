import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageManifest } from './format.ts';
import { LAYOUT_PREFIX, MANIFEST_ENTRY, PACKAGE_SCHEMA_VERSION, manifestProblems, packageFileName } from './format.ts';
import { blobPath, layoutImages, reachableBlobs } from './layout.ts';
import { PackageArchiveWriter } from './archive-writer.ts';

export interface BuildPackageInput {
  /** Everything but the fields derived from the layout (images, schemaVersion, createdAt). */
  manifest: Omit<PackageManifest, 'images' | 'schemaVersion' | 'createdAt' | 'createdBy'> & { createdBy?: string };
  /** OCI image layout with every image, tagged by its original reference (org.opencontainers.image.ref.name). */
  layoutDir: string;
  /** Type-specific files placed right after manifest.json (e.g. `plugin/module-plugin.yaml`). */
  files?: { path: string; source: string | Buffer }[];
  outDir: string;
}

/** Writes `<name>[.<channel>].<arch>.<version>.tgz` into outDir; returns its path and manifest. */
export async function buildPackage(input: BuildPackageInput): Promise<{ file: string; manifest: PackageManifest }> {
  const images = await layoutImages(input.layoutDir);
  for (const image of images) {
    const root = { digest: image.digest, mediaType: image.mediaType };
    image.blobs = await Promise.all((await reachableBlobs(input.layoutDir, [root])).map(async (b) => ({ digest: b.digest, mediaType: b.mediaType, size: b.size || (await stat(blobPath(input.layoutDir, b.digest))).size })));
  }
  const manifest: PackageManifest = {
    ...input.manifest,
    schemaVersion: PACKAGE_SCHEMA_VERSION,
    images,
    createdAt: new Date().toISOString(),
    createdBy: input.manifest.createdBy ?? 'violet',
  };
  const problems = manifestProblems(manifest);
  if (problems.length) throw new Error(`cannot build package ${manifest.name}: ${problems.join('; ')}`);
  const missing = [manifest.artifact, ...manifest.relatedImages].filter((ref) => !images.some((i) => i.ref === ref));
  if (missing.length) throw new Error(`cannot build package ${manifest.name}: the image layout lacks ${missing.join(', ')}`);
  const file = join(input.outDir, packageFileName(manifest));
  const tar = await PackageArchiveWriter.create(file);
  try {
    tar.addBuffer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2)));
    for (const f of input.files ?? []) tar.addBuffer(f.path, typeof f.source === 'string' ? await readFile(f.source) : f.source);
    tar.addBuffer(`${LAYOUT_PREFIX}oci-layout`, Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
    const index = JSON.parse(await readFile(join(input.layoutDir, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
    const kept = { schemaVersion: 2, manifests: index.manifests.filter((m) => images.some((i) => i.ref === m.annotations?.['org.opencontainers.image.ref.name'])) };
    tar.addBuffer(`${LAYOUT_PREFIX}index.json`, Buffer.from(JSON.stringify(kept)));
    for (const blob of await reachableBlobs(input.layoutDir, images)) {
      const [alg, hex] = blob.digest.split(':');
      const source = blobPath(input.layoutDir, blob.digest);
      await tar.addBlob(`${LAYOUT_PREFIX}blobs/${alg}/${hex}`, blob.digest, source, (await stat(source)).size, blob.mediaType ?? '');
    }
    await tar.finish();
  } catch (err) {
    await tar.abort();
    throw err;
  }
  return { file, manifest };
}
