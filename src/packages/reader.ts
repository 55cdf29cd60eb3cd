import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { StatusError } from '../kube/errors.ts';
import type { PackageManifest } from './format.ts';
import { LAYOUT_PREFIX, MANIFEST_ENTRY, MAX_MANIFEST_BYTES, manifestProblems } from './format.ts';
import { readUstarHeader } from './tar-writer.ts';

/** What a visitor sees: a validated regular-file entry whose bytes it must consume (or `resume()`). */
export interface PackageEntry {
  /** Normalised relative path, e.g. `oci/blobs/sha256/<hex>`. */
  path: string;
  size: number;
  stream: ReadEntry;
}

/** Directories a package may contain besides manifest.json. */
const ALLOWED_PREFIXES = [LAYOUT_PREFIX, 'bundle/', 'plugin/', 'chart/'];
/** Anything outside oci/blobs is metadata and must stay small. */
const MAX_METADATA_ENTRY_BYTES = 16 * 1024 * 1024;

export function packageError(file: string, problem: string): StatusError {
  return StatusError.badRequest(`invalid package ${file}: ${problem}`);
}

/**
 * Reads only the head of the archive: the first entry must be manifest.json (≤ 1 MiB). Inflates just enough
 * for that entry and parses its ustar header here (tar is not even loaded: start-up is most of a no-op
 * push); a first header of another kind (pax, GNU long name) goes through the full tar reader.
 */
export async function readPackageManifest(file: string, signal?: AbortSignal): Promise<PackageManifest> {
  await assertReadable(file);
  const head = await inflateHead(file, signal);
  const h = head.length >= 512 ? readUstarHeader(head.subarray(0, 512)) : undefined;
  if (h && (h.type === '0' || h.type === '\0') && !h.empty && h.checksumValid && Number.isSafeInteger(h.size)) {
    const unsafe = pathProblem(h.path);
    if (unsafe) throw packageError(file, unsafe);
    if (normalise(h.path) !== MANIFEST_ENTRY) throw packageError(file, `the first entry must be ${MANIFEST_ENTRY}, found "${h.path}"`);
    if (h.size > MAX_MANIFEST_BYTES) throw packageError(file, `manifest.json is ${h.size} bytes; at most ${MAX_MANIFEST_BYTES} are allowed`);
    if (head.length < 512 + h.size) throw packageError(file, describeArchiveError(new Error('unexpected end of the manifest entry')));
    return parseManifest(file, head.subarray(512, 512 + h.size));
  }
  let manifest: PackageManifest | undefined;
  await walkPackage(file, async (entry) => {
    manifest = await readManifestEntry(file, entry);
    return 'stop';
  }, { signal, stopAfterManifest: true });
  if (!manifest) throw packageError(file, 'the archive is empty');
  return manifest;
}

/** The first 512 + MAX_MANIFEST_BYTES inflated bytes at most, fewer once the first entry is complete. */
async function inflateHead(file: string, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  let want = 512 + MAX_MANIFEST_BYTES;
  const source = createReadStream(file, { highWaterMark: 64 * 1024, signal });
  const gunzip = createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of source.pipe(gunzip) as AsyncIterable<Buffer>) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= 512 && want === 512 + MAX_MANIFEST_BYTES) {
        const head = parts.length === 1 ? parts[0] : Buffer.concat(parts);
        const { size } = readUstarHeader(head.subarray(0, 512));
        want = 512 + Math.min(Number.isSafeInteger(size) ? size : 0, MAX_MANIFEST_BYTES);
      }
      if (length >= want) break;
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw packageError(file, describeArchiveError(err));
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(parts);
}

async function readManifestEntry(file: string, entry: PackageEntry): Promise<PackageManifest> {
  if (entry.size > MAX_MANIFEST_BYTES) throw packageError(file, `manifest.json is ${entry.size} bytes; at most ${MAX_MANIFEST_BYTES} are allowed`);
  const chunks: Buffer[] = [];
  for await (const chunk of entry.stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return parseManifest(file, Buffer.concat(chunks));
}

function parseManifest(file: string, bytes: Buffer): PackageManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw packageError(file, `manifest.json is not valid JSON (${(err as Error).message})`);
  }
  const problems = manifestProblems(parsed);
  if (problems.length) throw packageError(file, `manifest.json: ${problems.join('; ')}`);
  return parsed as PackageManifest;
}

export type EntryVisitor = (entry: PackageEntry, index: number) => Promise<void | 'stop'>;

/**
 * Streams a .tgz package entry by entry, refusing anything hostile before the visitor sees it:
 * absolute paths, `..`, links and devices, entries outside the known directories, a first entry that
 * is not manifest.json, oversized metadata, truncated or corrupt gzip/tar.
 */
export async function walkPackage(file: string, visit: EntryVisitor, opts: { signal?: AbortSignal; stopAfterManifest?: boolean } = {}): Promise<void> {
  await assertReadable(file);
  const { Parser } = await import('tar'); // loaded when needed: ~20 ms of start-up otherwise
  const file$ = createReadStream(file, { highWaterMark: 1 << 20 });
  // Inflate on zlib's thread pool (tar's own gunzip is synchronous on the main thread), then parse plain tar.
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const source = { destroy: () => (file$.destroy(), gunzip.destroy()) };
  const parser = new Parser({ strict: true });
  let index = 0;
  let chain: Promise<void | 'stop'> = Promise.resolve();
  let stopped = false;
  return new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      stopped = true;
      source.destroy();
      reject(err instanceof StatusError ? err : packageError(file, describeArchiveError(err)));
    };
    opts.signal?.addEventListener('abort', () => fail(opts.signal!.reason), { once: true });
    parser.on('entry', (entry: ReadEntry) => {
      const i = index++;
      if (stopped) return void entry.resume();
      const problem = entryProblem(entry, i);
      if (problem) return fail(packageError(file, problem));
      if (entry.type === 'Directory') return void entry.resume();
      chain = chain.then(async (prev) => {
        if (prev === 'stop' || stopped) return 'stop';
        const result = await visit({ path: normalise(entry.path), size: entry.size ?? 0, stream: entry }, i);
        if (result === 'stop') {
          stopped = true;
          source.destroy();
          resolve();
        }
        return result;
      });
      chain.catch(fail);
    });
    parser.on('error', fail);
    parser.on('warn', (_code: string, message: string) => fail(new Error(message)));
    parser.on('end', () => chain.then(() => (stopped ? undefined : index === 0 ? fail(packageError(file, 'the archive is empty')) : resolve()), fail));
    file$.on('error', fail);
    gunzip.on('error', fail);
    file$.pipe(gunzip).pipe(parser as unknown as NodeJS.WritableStream);
  });
}

function entryProblem(entry: ReadEntry, index: number): string | undefined {
  const raw = entry.path;
  const path = normalise(raw);
  const unsafe = pathProblem(raw);
  if (unsafe) return unsafe;
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') return `entry "${raw}" is a ${entry.type}; packages may only contain regular files`;
  if (index === 0 && path !== MANIFEST_ENTRY) return `the first entry must be ${MANIFEST_ENTRY}, found "${raw}"`;
  if (index > 0 && path === MANIFEST_ENTRY) return `${MANIFEST_ENTRY} appears twice`;
  if (index > 0 && entry.type !== 'Directory' && !ALLOWED_PREFIXES.some((p) => path.startsWith(p))) return `unexpected entry "${raw}" (allowed: ${ALLOWED_PREFIXES.join(', ')})`;
  if (!path.startsWith(`${LAYOUT_PREFIX}blobs/`) && (entry.size ?? 0) > MAX_METADATA_ENTRY_BYTES) return `entry "${raw}" is ${entry.size} bytes; metadata entries are limited to ${MAX_METADATA_ENTRY_BYTES}`;
  return undefined;
}

function pathProblem(raw: string): string | undefined {
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) return `entry "${raw}" has an absolute path`;
  if (normalise(raw).split('/').some((seg) => seg === '..') || raw.includes('\\')) return `entry "${raw}" escapes the archive`;
  return undefined;
}

function normalise(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}

function describeArchiveError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/unexpected end|truncated|TAR_BAD_ARCHIVE|zlib|incorrect header check|invalid/i.test(message)) return `the archive is truncated or corrupt (${message}); download it again and check it with \`violet verify\``;
  return message;
}

async function assertReadable(file: string): Promise<void> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw packageError(file, 'not a regular file');
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw StatusError.badRequest(`cannot read package ${file}: ${(err as Error).message}`);
  }
}
