import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { RegistryClient } from '../../oci/index.ts';
import { mapPool } from '../../oci/index.ts';
import type { PackageImage, PackageManifest } from '../../packages/index.ts';
import { walkPackage } from '../../packages/index.ts';

/** Where one package image goes in the destination registry. */
export interface ImageTarget {
  image: PackageImage;
  repository: string;
  tag: string;
}

export interface ImagePushSummary {
  images: number;
  imagesSkipped: number;
  blobsPushed: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesPushed: number;
}

export interface ImagePushOptions {
  file: string;
  manifest: PackageManifest;
  client: RegistryClient;
  targets: ImageTarget[];
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

type Blob = NonNullable<PackageImage['blobs']>[number];
const isManifest = (b: Blob) => /manifest|index/.test(b.mediaType) && !b.mediaType.includes('layer');
/** Blobs up to this size are held in memory; bigger ones are spooled to a temp file so uploads can retry. */
const MEMORY_BLOB_MAX = 4 * 1024 * 1024;

/**
 * Pushes a package's images without unpacking it: first from the head alone (which images and blobs the
 * registry already has), then — only if something is missing — one sequential pass over the archive that
 * hands each missing blob to a bounded pool of uploads, and finally the manifests, children first, the
 * root under its tag. Shared blobs are uploaded once and mounted into the other repositories.
 */
export async function pushPackageImages(opts: ImagePushOptions): Promise<ImagePushSummary> {
  const { client, signal } = opts;
  const summary: ImagePushSummary = { images: opts.targets.length, imagesSkipped: 0, blobsPushed: 0, blobsMounted: 0, blobsSkipped: 0, bytesPushed: 0 };
  const pending: ImageTarget[] = [];
  for (const t of opts.targets) {
    if (await ensureTagged(client, t, signal)) summary.imagesSkipped++;
    else pending.push(t);
  }
  if (pending.length === 0) return summary;
  const needs = await missingBlobs(client, pending, summary, opts.concurrency ?? 4, signal);
  const total = [...needs.values()].reduce((n, x) => n + x.size, 0);
  let done = 0;
  const manifests = new Map<string, Buffer>();
  const spool = await mkdtemp(join(tmpdir(), 'violet-push-'));
  const inFlight = new Set<Promise<void>>();
  try {
    await walkPackage(opts.file, async (entry) => {
      const digest = entry.path.startsWith('oci/blobs/') ? entry.path.slice('oci/blobs/'.length).replace('/', ':') : '';
      const need = needs.get(digest);
      const wantManifest = pending.some((t) => t.image.blobs?.some((b) => b.digest === digest && isManifest(b)));
      if (!need && !wantManifest) return void (await drain(entry.stream as unknown as NodeJS.ReadableStream));
      const source = await spoolEntry(entry.stream as unknown as NodeJS.ReadableStream, entry.size, join(spool, digest.replace(':', '-')));
      if (wantManifest) manifests.set(digest, await bufferOf(source));
      if (!need) return;
      while (inFlight.size >= (opts.concurrency ?? 4)) await Promise.race(inFlight);
      const job = uploadBlob(client, digest, need, source, signal, (n) => opts.onProgress?.((done += n), total), summary).finally(() => inFlight.delete(job));
      inFlight.add(job);
    }, { signal });
    await Promise.all(inFlight);
    for (const t of pending) await putManifests(client, t, manifests, signal);
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
  return summary;
}

/** True when the image is already there (by digest); makes sure the tag points at it. */
async function ensureTagged(client: RegistryClient, t: ImageTarget, signal?: AbortSignal): Promise<boolean> {
  if (!(await client.headManifest(t.repository, t.image.digest, { signal }))) return false;
  const tagged = await client.headManifest(t.repository, t.tag, { signal });
  if (tagged?.digest !== t.image.digest) {
    const m = await client.getManifest(t.repository, t.image.digest, { signal });
    await client.putManifest(t.repository, t.tag, m.bytes, m.mediaType, { signal });
  }
  return true;
}

interface Need {
  size: number;
  mediaType: string;
  repositories: string[];
}

/** Non-manifest blobs each pending repository lacks (HEAD in a bounded pool). */
async function missingBlobs(client: RegistryClient, pending: ImageTarget[], summary: ImagePushSummary, concurrency: number, signal?: AbortSignal): Promise<Map<string, Need>> {
  const checks = pending.flatMap((t) => (t.image.blobs ?? []).filter((b) => !isManifest(b)).map((b) => ({ t, b })));
  const unique = [...new Map(checks.map((c) => [`${c.t.repository}@${c.b.digest}`, c])).values()];
  const needs = new Map<string, Need>();
  await mapPool(unique, concurrency, async ({ t, b }) => {
    if (await client.headBlob(t.repository, b.digest, { signal })) {
      summary.blobsSkipped++;
      return;
    }
    const need = needs.get(b.digest) ?? { size: b.size, mediaType: b.mediaType, repositories: [] };
    need.repositories.push(t.repository);
    needs.set(b.digest, need);
  });
  return needs;
}

type Spooled = { memory: Buffer } | { file: string };

async function spoolEntry(stream: NodeJS.ReadableStream, size: number, file: string): Promise<Spooled> {
  if (size <= MEMORY_BLOB_MAX) return { memory: await bufferOf({ stream }) };
  await pipeline(stream, createWriteStream(file));
  return { file };
}

async function bufferOf(source: Spooled | { stream: NodeJS.ReadableStream }): Promise<Buffer> {
  if ('memory' in source) return source.memory;
  if ('file' in source) return (await import('node:fs/promises')).readFile(source.file);
  const chunks: Buffer[] = [];
  for await (const c of source.stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream as AsyncIterable<Buffer>) void _;
}

async function uploadBlob(client: RegistryClient, digest: string, need: Need, source: Spooled, signal: AbortSignal | undefined, progress: (n: number) => void, summary: ImagePushSummary): Promise<void> {
  const desc = { digest, size: need.size, mediaType: need.mediaType };
  const src = 'file' in source ? source.file : () => Readable.from([source.memory]);
  let last = 0;
  const [first, ...others] = need.repositories;
  const result = await client.pushBlob(first, desc, src, { signal, skipExistsCheck: true, onProgress: (n) => progress(n - last + 0 * (last = n)) });
  if (result === 'pushed') {
    summary.blobsPushed++;
    summary.bytesPushed += need.size;
  }
  for (const repo of others) {
    const r = await client.pushBlob(repo, desc, src, { signal, mountFrom: first });
    if (r === 'mounted') summary.blobsMounted++;
    else if (r === 'pushed') summary.blobsPushed++;
  }
  if ('file' in source) await rm(source.file, { force: true });
}

async function putManifests(client: RegistryClient, t: ImageTarget, manifests: Map<string, Buffer>, signal?: AbortSignal): Promise<void> {
  const ordered = (t.image.blobs ?? []).filter(isManifest);
  for (const m of ordered) {
    const bytes = manifests.get(m.digest);
    if (!bytes) throw new Error(`the package lacks manifest ${m.digest} of ${t.image.ref}`);
    const isRoot = m.digest === t.image.digest;
    await client.putManifest(t.repository, isRoot ? t.tag : m.digest, bytes, m.mediaType, { signal });
  }
}
