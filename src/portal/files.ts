import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { notFound } from './errors.ts';

/**
 * Package downloads: single-range HTTP Range requests (resumable downloads), ETag/If-Range, and the
 * `.sha256` / `.sig` side files. A missing `.sha256` is computed once per file version and cached.
 */

export type Sidecar = 'sha256' | 'sig';
export const SIDECARS: readonly Sidecar[] = ['sha256', 'sig'];

export interface FileStore {
  /** Size and which side files a download will have. */
  describe(file: string): { size: number; sidecars: Sidecar[] };
  serve(req: IncomingMessage, res: ServerResponse, name: string): Promise<void>;
  /** Body bytes written per file name (for tests and the benchmark). */
  readonly bytesServed: Map<string, number>;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive [start, end]; undefined = no usable Range; 'unsatisfiable' = 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

const etagOf = (s: Stats) => `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;

export function createFileStore(dir: string, isPublished: (file: string) => boolean): FileStore {
  const checksums = new Map<string, { etag: string; line: string }>();
  const bytesServed = new Map<string, number>();
  const statOf = (file: string) => {
    if (!isPublished(file) || !existsSync(join(dir, file))) throw notFound(`file "${file}" is not published on this portal`);
    return statSync(join(dir, file));
  };

  async function checksumLine(file: string): Promise<string> {
    const onDisk = join(dir, `${file}.sha256`);
    if (existsSync(onDisk)) return readFile(onDisk, 'utf8');
    const etag = etagOf(statOf(file));
    const cached = checksums.get(file);
    if (cached?.etag === etag) return cached.line;
    const hash = createHash('sha256');
    await pipeline(createReadStream(join(dir, file), { highWaterMark: 1 << 20 }), hash);
    const line = `${hash.digest('hex')}  ${file}\n`;
    checksums.set(file, { etag, line });
    return line;
  }

  async function serveSidecar(res: ServerResponse, file: string, kind: Sidecar): Promise<void> {
    statOf(file);
    if (kind === 'sig' && !existsSync(join(dir, `${file}.sig`))) throw notFound(`"${file}" has no signature file on this portal`);
    const body = kind === 'sha256' ? Buffer.from(await checksumLine(file)) : undefined;
    const size = body ? body.length : statSync(join(dir, `${file}.sig`)).size;
    res.writeHead(200, { 'content-type': kind === 'sha256' ? 'text/plain; charset=utf-8' : 'application/pgp-signature', 'content-length': size });
    if (body) res.end(body);
    else await pipeline(createReadStream(join(dir, `${file}.sig`)), res);
  }

  async function serveBody(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
    const s = statOf(file);
    const etag = etagOf(s);
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? undefined : parseRange(req.headers.range, s.size);
    const headers = { 'accept-ranges': 'bytes', etag, 'content-type': 'application/octet-stream', 'last-modified': s.mtime.toUTCString() };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${s.size}`, 'content-length': 0 });
      return void res.end();
    }
    const { start, end } = range ?? { start: 0, end: s.size - 1 };
    const length = Math.max(0, end - start + 1);
    res.writeHead(range ? 206 : 200, { ...headers, 'content-length': length, ...(range ? { 'content-range': `bytes ${start}-${end}/${s.size}` } : {}) });
    if (req.method === 'HEAD' || length === 0) return void res.end();
    const stream = createReadStream(join(dir, file), { start, end, highWaterMark: 1 << 20 });
    stream.on('data', (c) => bytesServed.set(file, (bytesServed.get(file) ?? 0) + c.length));
    await pipeline(stream, res).catch(() => undefined); // the client went away: nothing to answer
  }

  return {
    bytesServed,
    describe(file) {
      const s = statOf(file);
      return { size: s.size, sidecars: SIDECARS.filter((k) => k === 'sha256' || existsSync(join(dir, `${file}.${k}`))) };
    },
    async serve(req, res, name) {
      const kind = SIDECARS.find((k) => name.endsWith(`.${k}`) && isPublished(name.slice(0, -(k.length + 1))));
      if (kind) return serveSidecar(res, name.slice(0, -(kind.length + 1)), kind);
      return serveBody(req, res, name);
    },
  };
}
