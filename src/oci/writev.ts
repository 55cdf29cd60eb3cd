import type { FileHandle } from 'node:fs/promises';
import { chunksOf } from './chunks.ts';

/** Writes every byte of `parts` with `writev` (a short write continues where it stopped). */
export async function writevAll(fh: FileHandle, parts: Buffer[]): Promise<void> {
  let rest = parts;
  while (rest.length) {
    const { bytesWritten } = await fh.writev(rest);
    rest = after(rest, bytesWritten);
  }
}

/** The buffers after the first `skip` bytes. */
function after(parts: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    out.push(skip ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}

export interface WriteChunksOptions {
  /** Called for each chunk as it arrives, before it is written (hash, size guard, progress). */
  onChunk?: (chunk: Buffer) => void;
  /** Called once a batch is in the file (e.g. a hash that must match the file even if the body breaks off). */
  onWritten?: (parts: Buffer[], bytes: number) => void;
  /** fdatasync in the background after this many written bytes, so a final fsync has only the tail left. */
  syncEveryBytes?: number;
  signal?: AbortSignal;
}

const WRITE_BATCH_BYTES = 1 << 20;
/** writev takes at most IOV_MAX (1024) buffers. */
const WRITE_BATCH_PARTS = 512;

/**
 * Writes a body into the file `open()` gives, in ~1 MiB `writev` batches of the chunks as they came (TLS
 * delivers ~16 KiB ones; every write is a thread-pool round trip, and joining them would copy every byte
 * into fresh memory). The body is listened to before the file is opened, so nothing that arrives meanwhile
 * is lost if the connection then drops; on an error, whatever was received is written before it passes on.
 * Closes the file; returns the bytes written.
 */
export async function writeChunks(open: () => Promise<FileHandle>, body: AsyncIterable<Buffer> | NodeJS.ReadableStream, opts: WriteChunksOptions = {}): Promise<number> {
  const chunks = chunksOf(body);
  const first = chunks.next();
  first.catch(() => undefined); // awaited below
  const fh = await open().catch(async (err: unknown) => {
    await chunks.return(undefined);
    throw err;
  });
  let batch: Buffer[] = [];
  let batched = 0;
  let written = 0;
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const flush = async () => {
    const parts = batch;
    const bytes = batched;
    batch = [];
    batched = 0;
    if (!parts.length) return;
    await writevAll(fh, parts);
    written += bytes;
    opts.onWritten?.(parts, bytes);
    unsynced += bytes;
    if (opts.syncEveryBytes && unsynced >= opts.syncEveryBytes && !syncing) {
      unsynced = 0;
      syncing = fh.datasync().catch(() => undefined).finally(() => (syncing = undefined));
    }
  };
  try {
    for (let r = await first; !r.done; r = await chunks.next()) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      opts.onChunk?.(r.value);
      batch.push(r.value);
      batched += r.value.length;
      if (batched >= WRITE_BATCH_BYTES || batch.length >= WRITE_BATCH_PARTS) await flush();
    }
    await flush();
  } catch (err) {
    await chunks.return(undefined);
    await flush().catch(() => undefined); // the original error matters more
    throw err;
  } finally {
    await syncing;
    await fh.close();
  }
  return written;
}
