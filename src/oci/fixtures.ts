import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';

/**
 * Test and benchmark images: writes OCI image layouts (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
 * with random, uncompressed tar layers of chosen sizes, single-platform or a two-platform index.
 */

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

export interface TestImageOptions {
  /** Tag recorded as org.opencontainers.image.ref.name in index.json. */
  tag: string;
  /** Layer payload sizes in bytes (each layer is a tar with one random file). */
  layers: number[];
  /** Several platforms → an image index; default one linux/amd64 manifest. */
  platforms?: { os: string; architecture: string }[];
}

export interface TestImage {
  /** The top descriptor (index when multi-platform, else the manifest) as listed in index.json. */
  root: Descriptor;
  /** Every blob digest in the layout (configs, layers, manifests). */
  blobs: string[];
  totalBytes: number;
}

/** Writes (or adds to) an OCI layout at `dir` holding one test image under `tag`. */
export async function writeTestImageLayout(dir: string, opts: TestImageOptions): Promise<TestImage> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const platforms = opts.platforms ?? [{ os: 'linux', architecture: 'amd64' }];
  const blobs: string[] = [];
  let totalBytes = 0;
  const manifests: Descriptor[] = [];
  for (const platform of platforms) {
    const layers: Descriptor[] = [];
    for (const size of opts.layers) {
      const layer = await writeRandomTarBlob(dir, size);
      layers.push({ mediaType: MEDIA_TYPES.layerTar, ...layer });
    }
    const config = { architecture: platform.architecture, os: platform.os, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, config: {} };
    const configDesc = await writeJsonBlob(dir, config, MEDIA_TYPES.config);
    const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: configDesc, layers };
    const manifestDesc = { ...(await writeJsonBlob(dir, manifest, MEDIA_TYPES.manifest)), platform };
    manifests.push(manifestDesc);
    blobs.push(...layers.map((l) => l.digest), configDesc.digest, manifestDesc.digest);
    totalBytes += layers.reduce((n, l) => n + l.size, 0) + configDesc.size + manifestDesc.size;
  }
  let root: Descriptor;
  if (manifests.length === 1) {
    const { platform: _p, ...only } = manifests[0];
    root = only;
  } else {
    root = await writeJsonBlob(dir, { schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests }, MEDIA_TYPES.index);
    blobs.push(root.digest);
    totalBytes += root.size;
  }
  root = { ...root, annotations: { 'org.opencontainers.image.ref.name': opts.tag } };
  await writeIndex(dir, root);
  return { root, blobs, totalBytes };
}

async function writeIndex(dir: string, entry: Descriptor): Promise<void> {
  const path = join(dir, 'index.json');
  let index: { schemaVersion: number; manifests: Descriptor[] } = { schemaVersion: 2, manifests: [] };
  try {
    index = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8')));
  } catch {
    // new layout
  }
  const tag = entry.annotations!['org.opencontainers.image.ref.name'];
  index.manifests = [...index.manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] !== tag), entry];
  await writeFile(path, JSON.stringify(index));
}

export async function writeJsonBlob(dir: string, value: unknown, mediaType: string): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { mediaType, digest, size: bytes.length };
}

const CHUNK = 1 << 20;

/** A tar archive with one file of `size` random bytes, streamed to disk and hashed on the way. */
async function writeRandomTarBlob(dir: string, size: number): Promise<{ digest: string; size: number }> {
  const tmp = join(dir, 'blobs', 'sha256', `.tmp-${randomBytes(6).toString('hex')}`);
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  let written = 0;
  const write = async (buf: Buffer) => {
    hash.update(buf);
    written += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  await write(tarHeader(`data-${randomBytes(4).toString('hex')}.bin`, size));
  for (let left = size; left > 0; left -= CHUNK) await write(randomBytes(Math.min(CHUNK, left)));
  await write(Buffer.alloc((512 - (size % 512)) % 512 + 1024));
  out.end();
  await once(out, 'close');
  const digest = `sha256:${hash.digest('hex')}`;
  await rename(tmp, join(dir, 'blobs', 'sha256', digest.slice(7)));
  return { digest, size: written };
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}
