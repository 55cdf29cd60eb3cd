import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { walkPackage } from '../../packages/reader.ts';
import type { ImagePushOptions, ImagePushSummary } from './images.ts';

/** One push's shared state: options, manifests kept for the end, progress and the summary. */
export interface Transfer {
  opts: ImagePushOptions;
  manifests: Map<string, Buffer>;
  progress: (n: number) => void;
  summary: ImagePushSummary;
}

/** A blob the destination lacks: its size, type and every repository that needs it. */
export interface Need {
  size: number;
  mediaType: string;
  repositories: string[];
}

/** Blobs up to this size are held in memory; bigger ones are spooled to a temp file so uploads can retry. */
const MEMORY_BLOB_MAX = 4 * 1024 * 1024;

/**
 * One sequential pass over the archive: small missing blobs go to a bounded pool from memory, big ones are
 * uploaded straight from the archive stream (no temp copy) unless `spool` is set (retries, replayable).
 * Returns the blobs that failed, with their error.
 */
export async function sequentialPass(t: Transfer, needs: Map<string, Need>, wanted: Set<string>, spool: boolean): Promise<Map<string, string>> {
  const { opts, manifests } = t;
  const { signal } = opts;
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
        track(digest, uploadBlob(t, digest, need, source));
        return;
      }
      await track(digest, uploadBlob(t, digest, need, { stream }));
      await drain(stream);
    }, { signal });
    await Promise.all(inFlight);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  return failed;
}

export type Spooled = { memory: Buffer } | { file: string } | { stream: NodeJS.ReadableStream } | { open: () => Readable };

async function spoolEntry(stream: NodeJS.ReadableStream, size: number, file: string, allowFile: boolean): Promise<Spooled> {
  if (size <= MEMORY_BLOB_MAX || !allowFile) return { memory: await bufferOf({ stream }) };
  await pipeline(stream, createWriteStream(file));
  return { file };
}

export async function bufferOf(source: Spooled): Promise<Buffer> {
  if ('memory' in source) return source.memory;
  if ('file' in source) return (await import('node:fs/promises')).readFile(source.file);
  if ('open' in source) return bufferOf({ stream: source.open() });
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
  if ('open' in source) return source.open;
  let used = false;
  return () => {
    if (used) throw new Error('the archive stream cannot be replayed; the blob will be retried from a spool');
    used = true;
    return source.stream as unknown as Readable;
  };
}

export async function uploadBlob(t: Transfer, digest: string, need: Need, source: Spooled): Promise<void> {
  const { opts: { client, signal }, progress, summary } = t;
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

