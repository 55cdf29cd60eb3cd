import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { RegistryClient } from '../../oci/index.ts';
import { mapPool } from '../../oci/index.ts';
import type { PackageImage, PackageManifest } from '../../packages/format.ts';
import { walkPackage } from '../../packages/reader.ts';

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
  /**
   * Spool big blobs to temp files while the archive stream moves on, so several uploads run at once
   * (default true). Off: each big blob streams straight from the archive into its upload, one at a time.
   */
  readAhead?: boolean;
  /** Called once the bytes to upload are known, before any is sent (violet re-execs with tunables there). */
  beforeTransfer?: (bytes: number) => void;
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
  opts.beforeTransfer?.(total);
  let done = 0;
  const progress = (n: number) => opts.onProgress?.((done = Math.min(total, done + n)), total);
  const manifests = new Map<string, Buffer>();
  const wanted = new Set(pending.flatMap((t) => (t.image.blobs ?? []).filter(isManifest).map((b) => b.digest)));
  // Pass 1 streams big blobs straight into their uploads; whatever failed is retried from a spool in pass 2.
  let failed = await uploadPass(opts, needs, wanted, manifests, progress, summary, false);
  for (let pass = 0; failed.size > 0 && pass < 2; pass++) {
    const retry = new Map([...needs].filter(([d]) => failed.has(d)));
    failed = await uploadPass(opts, retry, new Set(), manifests, progress, summary, true);
  }
  if (failed.size) throw new Error(`could not upload ${failed.size} blob(s) (${[...failed.keys()].slice(0, 3).join(", ")}): ${[...failed.values()][0]}`);
  for (const t of pending) await putManifests(client, t, manifests, signal);
  return summary;
}

/**
 * One sequential pass over the archive: small missing blobs go to a bounded pool from memory, big ones are
 * uploaded straight from the archive stream (no temp copy) unless `spool` is set (retries, replayable).
 * Returns the blobs that failed, with their error.
 */
async function uploadPass(opts: ImagePushOptions, needs: Map<string, Need>, wanted: Set<string>, manifests: Map<string, Buffer>, progress: (n: number) => void, summary: ImagePushSummary, spool: boolean): Promise<Map<string, string>> {
  const { client, signal } = opts;
  const failed = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();
  const readAhead = spool || (opts.readAhead ?? process.env.VIOLET_READ_AHEAD !== '0');
  const dir = readAhead ? await mkdtemp(join(tmpdir(), 'violet-push-')) : '';
  const track = (digest: string, job: Promise<void>) => {
    const wrapped = job.catch((err: Error) => void failed.set(digest, err.message)).finally(() => inFlight.delete(wrapped));
    inFlight.add(wrapped);
    return wrapped;
  };
  try {
    await walkPackage(opts.file, async (entry) => {
      const digest = entry.path.startsWith('oci/blobs/') ? entry.path.slice('oci/blobs/'.length).replace('/', ':') : '';
      const need = needs.get(digest);
      const stream = entry.stream as unknown as NodeJS.ReadableStream;
      if (!need && !wanted.has(digest)) return drain(stream);
      if (!need || entry.size <= MEMORY_BLOB_MAX || readAhead) {
        // The pool bounds how many spooled blobs wait on disk (page cache) at once.
        if (need && readAhead) while (inFlight.size >= (opts.concurrency ?? 4)) await Promise.race(inFlight);
        const source = await spoolEntry(stream, entry.size, join(dir || tmpdir(), digest.replace(':', '-')), readAhead || entry.size <= MEMORY_BLOB_MAX);
        if (wanted.has(digest)) manifests.set(digest, await bufferOf(source));
        if (!need) return;
        while (inFlight.size >= (opts.concurrency ?? 4)) await Promise.race(inFlight);
        track(digest, uploadBlob(client, digest, need, source, signal, progress, summary));
        return;
      }
      await track(digest, uploadBlob(client, digest, need, { stream }, signal, progress, summary));
      await drain(stream);
    }, { signal });
    await Promise.all(inFlight);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  return failed;
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

type Spooled = { memory: Buffer } | { file: string } | { stream: NodeJS.ReadableStream };

async function spoolEntry(stream: NodeJS.ReadableStream, size: number, file: string, allowFile: boolean): Promise<Spooled> {
  if (size <= MEMORY_BLOB_MAX || !allowFile) return { memory: await bufferOf({ stream }) };
  await pipeline(stream, createWriteStream(file));
  return { file };
}

async function bufferOf(source: Spooled): Promise<Buffer> {
  if ('memory' in source) return source.memory;
  if ('file' in source) return (await import('node:fs/promises')).readFile(source.file);
  const chunks: Buffer[] = [];
  for await (const c of source.stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream as AsyncIterable<Buffer>) void _;
}

/** A blob source for the OCI client: memory and files replay on retry, a live stream only once. */
function blobSource(source: Spooled): string | (() => Readable) {
  if ('file' in source) return source.file;
  if ('memory' in source) return () => Readable.from([source.memory]);
  let used = false;
  return () => {
    if (used) throw new Error('the archive stream cannot be replayed; the blob will be retried from a spool');
    used = true;
    return source.stream as unknown as Readable;
  };
}

async function uploadBlob(client: RegistryClient, digest: string, need: Need, source: Spooled, signal: AbortSignal | undefined, progress: (n: number) => void, summary: ImagePushSummary): Promise<void> {
  const desc = { digest, size: need.size, mediaType: need.mediaType };
  const src = blobSource(source);
  let last = 0;
  const [first, ...others] = need.repositories;
  const result = await client.pushBlob(first, desc, src, { signal, skipExistsCheck: true, onProgress: (n) => progress(n - last + 0 * (last = n)) });
  if (result === 'pushed') {
    summary.blobsPushed++;
    summary.bytesPushed += need.size;
  }
  for (const repo of others) {
    const r = await client.pushBlob(repo, desc, 'stream' in source ? () => Readable.from([]) : src, { signal, mountFrom: first });
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
