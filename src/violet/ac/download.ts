import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { chunksOf } from '../../oci/chunks.ts';
import { writeChunks } from '../../oci/writev.ts';
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
  for await (const chunk of chunksOf(createReadStream(path, { highWaterMark: 1 << 20 }))) hash.update(chunk);
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
      const size = (await stat(part)).size;
      if (size === task.size) return { fetched, hex: used.digest('hex') };
      throw new Error(`the connection was cut (it ended at byte ${size} of ${task.size})`);
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
  const res = await client.open(task.url, have > 0 ? { range: `bytes=${have}-` } : {}, { big: task.size - have >= 1024 * 1024 });
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
  await receiveToPart(res, part, append, (chunk) => {
    hash.update(chunk);
    progress.advance(task.file, chunk.length);
  });
  return hash;
}

/**
 * Appends the body to `.part` in ~1 MiB `writev` batches on the thread pool while the next bytes arrive.
 * Whatever was received is written before an error is passed on — a dropped connection keeps every byte
 * that came before it (what the next attempt resumes from).
 */
async function receiveToPart(body: IncomingMessage, part: string, append: boolean, onChunk: (chunk: Buffer) => void): Promise<void> {
  await writeChunks(() => open(part, append ? 'a' : 'w'), body, { onChunk });
}

/** Node says only "aborted" or a code for a dropped connection. */
function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (err.message === 'aborted' || code === 'ECONNRESET') return `the connection was cut (${code ?? err.message})`;
  if (err.message === 'the stream closed before its end') return 'the connection was cut (closed)';
  return err.message;
}

function contentRangeStart(res: IncomingMessage): number {
  return Number(/^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1] ?? -1);
}
