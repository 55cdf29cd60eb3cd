import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, writevSync } from 'node:fs';
import { mkdir, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseChecksumFile } from '../../packages/index.ts';
import type { PortalClient } from './client.ts';

/**
 * Verified, resumable downloads: each package goes to `<file>.part` (continued with an HTTP Range request
 * after an interruption, in this run or the next), is checked against the portal's sha256 and only then
 * renamed to its final name — a good file is never replaced by a bad one.
 */

export interface DownloadTask {
  file: string;
  /** Path on the portal, e.g. `/files/<file>`. */
  url: string;
  size: number;
  /** Side files the portal has for it (`sha256` always, `sig` when signed). */
  sidecars: string[];
}

export interface DownloadOutcome {
  file: string;
  status: 'downloaded' | 'present' | 'failed';
  /** Body bytes fetched in this run. */
  fetched: number;
  /** Bytes already in the `.part` file when this run started on it. */
  resumedFrom: number;
  error?: string;
}

export interface ProgressSink {
  start(file: string, total: number, done: number): void;
  advance(file: string, bytes: number): void;
  finish(outcome: DownloadOutcome): void;
}

export interface DownloadOptions {
  dir: string;
  concurrency?: number;
  /** Attempts after a broken connection (each resumes where the last stopped). */
  retries?: number;
  retryDelayMs?: number;
  progress?: ProgressSink;
}

const NO_PROGRESS: ProgressSink = { start() {}, advance() {}, finish() {} };

/** Downloads every task (a bounded pool), each verified; never throws for one file's failure. */
export async function downloadAll(client: PortalClient, tasks: DownloadTask[], opts: DownloadOptions): Promise<DownloadOutcome[]> {
  await mkdir(opts.dir, { recursive: true });
  const outcomes: DownloadOutcome[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      outcomes[i] = await downloadOne(client, tasks[i], opts).catch((err: Error) => ({ file: tasks[i].file, status: 'failed' as const, fetched: 0, resumedFrom: 0, error: err.message }));
      (opts.progress ?? NO_PROGRESS).finish(outcomes[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, tasks.length) }, worker));
  return outcomes;
}

async function fetchSmall(client: PortalClient, path: string): Promise<Buffer> {
  const res = await client.open(path);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function sha256OfFile(path: string, hash: Hash = createHash('sha256')): Promise<Hash> {
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), new Transform({ transform: (c, _e, cb) => (hash.update(c), cb()) }));
  return hash;
}

/** The sha256 the portal publishes for a task (its `.sha256` side file). */
export async function expectedSha256(client: PortalClient, task: DownloadTask): Promise<{ hex: string; text: Buffer }> {
  const text = await fetchSmall(client, `${task.url}.sha256`);
  const hex = parseChecksumFile(text.toString('utf8'), task.file)?.toLowerCase();
  if (!hex) throw new Error(`the portal's checksum file for ${task.file} has no sha256 for it; ask the vendor to republish it`);
  return { hex, text };
}

/** Whether `<dir>/<file>` exists with the portal's checksum (`violet ac download-app --check`). */
export async function isDownloaded(client: PortalClient, task: DownloadTask, dir: string): Promise<boolean> {
  const final = join(dir, task.file);
  if (!existsSync(final)) return false;
  const { hex } = await expectedSha256(client, task);
  return (await sha256OfFile(final)).digest('hex') === hex;
}

async function downloadOne(client: PortalClient, task: DownloadTask, opts: DownloadOptions): Promise<DownloadOutcome> {
  const progress = opts.progress ?? NO_PROGRESS;
  const final = join(opts.dir, task.file);
  const { hex, text } = await expectedSha256(client, task);
  const sig = task.sidecars.includes('sig') ? await fetchSmall(client, `${task.url}.sig`) : undefined;
  if (existsSync(final) && (await sha256OfFile(final)).digest('hex') === hex) {
    await writeSidecars(final, text, sig);
    return { file: task.file, status: 'present', fetched: 0, resumedFrom: 0 };
  }
  const part = `${final}.part`;
  const resumedFrom = existsSync(part) ? (await stat(part)).size : 0;
  let { fetched, hex: actual } = await fetchToPart(client, task, part, opts, progress);
  if (actual !== hex && resumedFrom > 0) {
    // The old .part may be from another version of the file: start over once before calling it corrupt.
    await unlink(part);
    const again = await fetchToPart(client, task, part, opts, progress);
    fetched += again.fetched;
    actual = again.hex;
  }
  if (actual !== hex) {
    await unlink(part).catch(() => undefined);
    throw new Error(`checksum mismatch for ${task.file}: the portal's .sha256 says ${hex}, the downloaded bytes hash to ${actual}. The file on the portal is corrupt or was replaced; the download was discarded${existsSync(final) ? ` and the existing ${task.file} left untouched` : ''}. Retry later or ask the vendor to republish it`);
  }
  await writeSidecars(final, text, sig, part);
  return { file: task.file, status: 'downloaded', fetched, resumedFrom };
}

/** Side files go to temporary names first, then the package and the side files are renamed into place. */
async function writeSidecars(final: string, sha: Buffer, sig: Buffer | undefined, part?: string): Promise<void> {
  const files: [string, Buffer][] = [[`${final}.sha256`, sha], ...(sig ? ([[`${final}.sig`, sig]] as [string, Buffer][]) : [])];
  for (const [name, body] of files) await writeFile(`${name}.tmp`, body);
  if (part) await rename(part, final);
  for (const [name] of files) await rename(`${name}.tmp`, name);
}

/**
 * Fills `<part>` up to the file's size, resuming by Range; retries broken connections. Returns the bytes
 * fetched and the sha256 of the whole `.part`, hashed as it streams (the kept prefix is hashed from disk).
 */
async function fetchToPart(client: PortalClient, task: DownloadTask, part: string, opts: DownloadOptions, progress: ProgressSink): Promise<{ fetched: number; hex: string }> {
  const retries = opts.retries ?? 3;
  let fetched = 0;
  const counting: ProgressSink = { ...progress, advance: (file, n) => ((fetched += n), progress.advance(file, n)) };
  for (let attempt = 0; ; attempt++) {
    let have = existsSync(part) ? (await stat(part)).size : 0;
    if (have > task.size) {
      await truncate(part, 0);
      have = 0;
    }
    progress.start(task.file, task.size, have);
    // After a failure the bytes on disk are the truth (a dropped write may not have reached the file).
    const hash = have > 0 ? await sha256OfFile(part) : createHash('sha256');
    if (have === task.size) return { fetched, hex: hash.digest('hex') };
    try {
      const used = await fetchRange({ client, task, part, progress: counting }, have, hash);
      if ((await stat(part)).size === task.size) return { fetched, hex: used.digest('hex') };
      throw new Error(`the portal ended the transfer of ${task.file} early`);
    } catch (err) {
      if (attempt >= retries) {
        const kept = existsSync(part) ? (await stat(part)).size : 0;
        throw new Error(`download of ${task.file} interrupted after ${attempt + 1} attempt(s): ${describeNetworkError(err as Error)}. ${kept} of ${task.size} bytes are kept in ${part}; run the same command again to resume`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 500) * 2 ** attempt));
    }
  }
}

/** One request for the rest of the file; appends on a matching 206, starts over on a 200. Returns the hash of what is in `.part`. */
async function fetchRange(t: { client: PortalClient; task: DownloadTask; part: string; progress: ProgressSink }, have: number, prefixHash: Hash): Promise<Hash> {
  const { client, task, part, progress } = t;
  const res = await client.open(task.url, have > 0 ? { range: `bytes=${have}-` } : {});
  const append = res.statusCode === 206 && contentRangeStart(res) === have;
  if (res.statusCode === 416) {
    res.resume();
    await truncate(part, 0); // our .part does not fit the file on the portal any more
    throw new Error('the partial download did not match the file on the portal; starting over');
  }
  if (res.statusCode !== 200 && !append) {
    res.resume();
    throw new Error(`unexpected answer ${res.statusCode} to a download request`);
  }
  const hash = append ? prefixHash : createHash('sha256');
  if (!append) progress.start(task.file, task.size, 0);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      progress.advance(task.file, chunk.length);
      cb(null, chunk);
    },
  });
  await pipeline(res, counter, partWriter(part, append));
  return hash;
}

/**
 * Appends to `.part` with synchronous ~1 MiB writes (page cache: microseconds), also when the pipeline is torn
 * down by a dropped connection: everything received before the drop is kept. A file write stream destroyed by
 * the error would drop what it still buffered — on a loaded machine, all of it.
 */
function partWriter(part: string, append: boolean): Writable {
  const fd = openSync(part, append ? 'a' : 'w');
  let batch: Buffer[] = [];
  let bytes = 0;
  const flush = () => {
    for (let i = 0; i < batch.length; ) {
      let n = writevSync(fd, batch.slice(i, i + 512));
      while (i < batch.length && n >= batch[i].length) n -= batch[i++].length;
      if (n > 0) batch[i] = batch[i].subarray(n);
    }
    batch = [];
    bytes = 0;
  };
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      batch.push(chunk);
      bytes += chunk.length;
      try {
        if (bytes >= 1 << 20) flush();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      try {
        flush();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    destroy(err, cb) {
      try {
        flush();
      } catch {
        // the original error matters more
      } finally {
        closeSync(fd);
      }
      cb(err);
    },
  });
}

/** Node says only "aborted" or a code for a dropped connection. */
function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (err.message === 'aborted' || code === 'ECONNRESET') return `the connection was cut (${code ?? err.message})`;
  return err.message;
}

function contentRangeStart(res: IncomingMessage): number {
  return Number(/^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1] ?? -1);
}
