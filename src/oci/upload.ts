import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { repositoryScope } from './auth.ts';
import type { ClientCore } from './client.ts';
import { assertDigest } from './digest.ts';
import { OciError } from './errors.ts';
import { assertRepository } from './reference.ts';
import { withRetries } from './transport.ts';
import type { Descriptor } from './types.ts';

/** Where blob bytes come from: a file path, or a factory called once per attempt. */
export type BlobSource = string | (() => Readable | Promise<Readable>);

/** `skipped`: the blob was already there; `mounted`: linked from another repository; `pushed`: uploaded. */
export type PushResult = 'pushed' | 'skipped' | 'mounted';

export interface PushBlobOptions {
  signal?: AbortSignal;
  /** Bytes of this blob sent so far; never decreases, also across retries. */
  onProgress?: (bytes: number) => void;
  /** A repository on the same registry that has the blob: try a cross-repo mount first. */
  mountFrom?: string;
  /** Skip the HEAD check (the caller already knows the blob is missing). */
  skipExistsCheck?: boolean;
}

const FALLBACK_STATUS = new Set([400, 405, 415, 416, 501]);
const FALLBACK_CODES = new Set(['UNSUPPORTED', 'BLOB_UPLOAD_INVALID', 'SIZE_INVALID']);

/**
 * HEAD, then mount or upload (monolithic PUT up to `monolithicMaxBytes`, chunked PATCH above, each falling back
 * to the other when the registry refuses it). A failed attempt restarts the blob in a new upload session.
 */
export async function pushBlob(core: ClientCore, repo: string, desc: Descriptor, source: BlobSource, opts: PushBlobOptions): Promise<PushResult> {
  assertRepository(repo);
  assertDigest(desc.digest);
  let best = 0;
  const progress = (n: number) => {
    if (n > best) opts.onProgress?.((best = n));
  };
  const scopes = [repositoryScope(repo, ['pull', 'push']), ...(opts.mountFrom ? [repositoryScope(opts.mountFrom, ['pull'])] : [])];
  const s: Session = { core, repo, desc, source, scopes, signal: opts.signal, progress };
  if (!opts.skipExistsCheck && (await exists(s))) {
    progress(desc.size);
    return 'skipped';
  }
  return withRetries(async () => {
    const started = await startSession(s, opts.mountFrom);
    if (started === 'mounted') {
      progress(desc.size);
      return 'mounted';
    }
    await uploadWithFallback(s, started);
    return 'pushed';
  }, { retries: core.options.retries ?? 3, baseDelayMs: core.options.retryDelayMs ?? 250, signal: opts.signal });
}

interface Session {
  core: ClientCore;
  repo: string;
  desc: Descriptor;
  source: BlobSource;
  scopes: string[];
  signal?: AbortSignal;
  progress: (n: number) => void;
}

async function exists(s: Session): Promise<boolean> {
  const res = await s.core.call({ method: 'HEAD', url: s.core.url(`/v2/${s.repo}/blobs/${s.desc.digest}`), scopes: s.scopes, expect: [200, 404], what: `HEAD blob ${s.desc.digest}`, follow: true, signal: s.signal });
  res.body.resume();
  return res.status === 200;
}

async function startSession(s: Session, mountFrom?: string): Promise<URL | 'mounted'> {
  const query = mountFrom ? `?mount=${encodeURIComponent(s.desc.digest)}&from=${encodeURIComponent(mountFrom)}` : '';
  const url = s.core.url(`/v2/${s.repo}/blobs/uploads/${query}`);
  const res = await s.core.call({ method: 'POST', url, scopes: s.scopes, expect: [201, 202], what: `start upload of ${s.desc.digest} to ${s.repo}`, signal: s.signal, retries: 0 });
  res.body.resume();
  if (res.status === 201 && mountFrom) return 'mounted';
  return location(s, res.headers.location, url);
}

function location(s: Session, value: string | undefined, requestUrl: URL): URL {
  if (!value) throw new OciError('PROTOCOL', `registry ${s.core.registry} started an upload without a Location header`, { registry: s.core.registry });
  return new URL(value, requestUrl);
}

/** Adds a query parameter without re-encoding the registry's own query (Location must be used as given). */
export function withQueryParam(url: URL, name: string, value: string): URL {
  const href = url.href.replace(/#.*$/, '');
  return new URL(`${href}${url.search ? '&' : '?'}${name}=${encodeURIComponent(value)}`);
}

async function uploadWithFallback(s: Session, loc: URL): Promise<void> {
  const chunked = s.desc.size > (s.core.options.monolithicMaxBytes ?? 512 * 1024 * 1024);
  try {
    await (chunked ? uploadChunked(s, loc) : uploadMonolithic(s, loc));
  } catch (err) {
    cancel(s, loc);
    const e = err as OciError;
    if (!(e instanceof OciError) || !(FALLBACK_STATUS.has(e.status ?? 0) || FALLBACK_CODES.has(e.registryCode ?? ''))) throw err;
    if (e.registryCode === 'DIGEST_INVALID') throw err;
    const again = await startSession(s);
    if (again === 'mounted') return;
    try {
      await (chunked ? uploadMonolithic(s, again) : uploadChunked(s, again));
    } catch (err2) {
      cancel(s, again);
      throw err2;
    }
  }
}

/** Fire-and-forget DELETE of an abandoned upload session (distribution-spec: clients SHOULD cancel). */
function cancel(s: Session, loc: URL): void {
  if (s.signal?.aborted) return;
  s.core
    .call({ method: 'DELETE', url: loc, scopes: s.scopes, expect: [200, 202, 204, 404], what: 'cancel upload', retries: 0, signal: AbortSignal.timeout(5000) })
    .then((res) => res.body.resume())
    .catch(() => undefined);
}

async function uploadMonolithic(s: Session, loc: URL): Promise<void> {
  const source = await openSource(s.source);
  let used = false;
  // A stream can be sent once; a second send (401 mid-upload) restarts the blob in a new session.
  const body = () => {
    if (used) throw new OciError('NETWORK', `blob ${s.desc.digest} must be re-sent; restarting its upload`, { retryable: true });
    used = true;
    return source.pipe(counter(s.progress));
  };
  try {
    const res = await s.core.call({
      method: 'PUT', url: withQueryParam(loc, 'digest', s.desc.digest), scopes: s.scopes, expect: [201, 204], retries: 0, signal: s.signal,
      what: `upload of ${s.desc.digest} to ${s.repo}`, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(s.desc.size) }, body,
    });
    res.body.resume();
    checkStoredDigest(s, res.headers['docker-content-digest']);
  } finally {
    source.destroy();
  }
}

async function uploadChunked(s: Session, loc: URL): Promise<void> {
  const chunkSize = s.core.options.chunkSize ?? 16 * 1024 * 1024;
  const source = await openSource(s.source);
  let offset = 0;
  try {
    for await (const chunk of chunks(source, chunkSize)) {
      const res = await s.core.call({
        method: 'PATCH', url: loc, scopes: s.scopes, expect: [202, 201, 204], retries: 0, signal: s.signal, body: chunk,
        what: `chunk ${offset}-${offset + chunk.length - 1} of ${s.desc.digest}`, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + chunk.length - 1}` },
      });
      res.body.resume();
      offset += chunk.length;
      s.progress(offset);
      if (res.headers.location) loc = new URL(res.headers.location, loc);
    }
  } finally {
    source.destroy();
  }
  const res = await s.core.call({ method: 'PUT', url: withQueryParam(loc, 'digest', s.desc.digest), scopes: s.scopes, expect: [201, 204], retries: 0, signal: s.signal, what: `finish upload of ${s.desc.digest}` });
  res.body.resume();
  checkStoredDigest(s, res.headers['docker-content-digest']);
}

function checkStoredDigest(s: Session, header: string | string[] | undefined): void {
  if (typeof header === 'string' && header && header !== s.desc.digest) {
    throw new OciError('DIGEST_MISMATCH', `registry ${s.core.registry} stored ${s.desc.digest} as ${header}`, { registry: s.core.registry });
  }
}

async function openSource(source: BlobSource): Promise<Readable> {
  return typeof source === 'string' ? createReadStream(source) : source();
}

function counter(report: (n: number) => void): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      report(sent);
      cb(null, chunk);
    },
  });
}

/** Re-slices a stream into fixed-size Buffers (the last one shorter); memory stays at about one chunk. */
export async function* chunks(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const data of source) {
    let buf = data;
    while (length + buf.length >= size) {
      const take = size - length;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      buf = buf.subarray(take);
      parts = [];
      length = 0;
    }
    if (buf.length) {
      parts.push(buf);
      length += buf.length;
    }
  }
  if (length) yield Buffer.concat(parts);
}
