import { createHash } from 'node:crypto';
import type { PackageManifest } from './format.ts';
import { LAYOUT_PREFIX } from './format.ts';
import { packageError, readPackageManifest, walkPackage } from './reader.ts';

interface Descriptor {
  mediaType?: string;
  digest: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

const MAX_JSON_BLOB = 4 * 1024 * 1024;

/**
 * Reads the whole package once and proves it consistent before anything is pushed: every blob's
 * bytes match its digest, index.json names every image of manifest.json at the same digest, and
 * every blob those images reference is present. Returns the manifest.
 */
export async function checkPackage(file: string, signal?: AbortSignal): Promise<PackageManifest> {
  const manifest = await readPackageManifest(file, signal);
  const blobs = new Map<string, number>();
  const docs = new Map<string, Descriptor>();
  let index: Descriptor | undefined;
  await walkPackage(file, async (entry) => {
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    const isBlob = entry.path.startsWith(`${LAYOUT_PREFIX}blobs/`);
    const keep = entry.path === `${LAYOUT_PREFIX}index.json` || (isBlob && entry.size <= MAX_JSON_BLOB);
    for await (const chunk of entry.stream as AsyncIterable<Buffer>) {
      if (isBlob) hash.update(chunk);
      if (keep) chunks.push(chunk);
    }
    if (entry.path === `${LAYOUT_PREFIX}index.json`) index = parseJson(file, entry.path, Buffer.concat(chunks));
    if (!isBlob) return;
    const digest = digestOfPath(file, entry.path);
    if (`sha256:${hash.digest('hex')}` !== digest) throw packageError(file, `blob ${digest} does not match its content (corrupt or tampered package)`);
    blobs.set(digest, entry.size);
    const doc = keep ? manifestLike(Buffer.concat(chunks)) : undefined;
    if (doc) docs.set(digest, doc);
  }, { signal });
  if (!index) throw packageError(file, `${LAYOUT_PREFIX}index.json is missing`);
  for (const image of manifest.images) {
    const entry = index.manifests?.find((m) => m.digest === image.digest);
    if (!entry) throw packageError(file, `image ${image.ref} (${image.digest}) is not in ${LAYOUT_PREFIX}index.json`);
    checkReachable(file, image.digest, blobs, docs, new Set());
  }
  return manifest;
}

function checkReachable(file: string, digest: string, blobs: Map<string, number>, docs: Map<string, Descriptor>, seen: Set<string>): void {
  if (seen.has(digest)) return;
  seen.add(digest);
  if (!blobs.has(digest)) throw packageError(file, `blob ${digest} is referenced but missing`);
  const doc = docs.get(digest);
  if (!doc) return;
  for (const child of [...(doc.manifests ?? []), ...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) checkReachable(file, child.digest, blobs, docs, seen);
}

function digestOfPath(file: string, path: string): string {
  const m = /^oci\/blobs\/(sha256)\/([a-f0-9]{64})$/.exec(path);
  if (!m) throw packageError(file, `unexpected blob path "${path}"`);
  return `${m[1]}:${m[2]}`;
}

function parseJson(file: string, path: string, bytes: Buffer): Descriptor {
  try {
    return JSON.parse(bytes.toString('utf8')) as Descriptor;
  } catch {
    throw packageError(file, `${path} is not valid JSON`);
  }
}

/** Image manifests and indexes (schemaVersion 2); configs and layers are leaves. */
function manifestLike(bytes: Buffer): Descriptor | undefined {
  if (bytes[0] !== 0x7b) return undefined;
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Descriptor & { schemaVersion?: number };
    return doc.schemaVersion === 2 ? doc : undefined;
  } catch {
    return undefined;
  }
}
