/** Blob endpoints: HEAD/GET (with Range)/DELETE, and upload sessions (POST, PATCH, GET, PUT, DELETE, mount). */
import type { FileHandle } from 'node:fs/promises';
import type { ServerHttp2Stream } from 'node:http2';
import { open } from 'node:fs/promises';
import type { Deps } from './deps.ts';
import { RegistryError } from './errors.ts';
import { isNotFound } from './fsutil.ts';
import type { Ctx } from './http.ts';
import { hasBody, header, parseContentRange, send } from './http.ts';
import type { Digest, DigestAlgorithm } from './names.ts';
import { parseDigest, parseName } from './names.ts';
import { rangeHeader } from './uploads.ts';
import { sendFileRange } from './send-file.ts';

function blobUnknown(name: string, d: Digest): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${d.value} is not in repository "${name}"`, { detail: { digest: d.value } });
}

/** HEAD/GET a blob, streaming from disk; a single `Range` gives 206 + Content-Range. */
export async function getBlob(ctx: Ctx, deps: Deps, name: string, d: Digest): Promise<void> {
  if ((await deps.store.repoBlobSize(name, d)) === undefined) throw blobUnknown(name, d);
  let fh: FileHandle;
  try {
    fh = await open(deps.store.blobPath(d), 'r'); // an open handle keeps the bytes readable even if GC unlinks now
  } catch (err) {
    if (isNotFound(err)) throw blobUnknown(name, d);
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const range = parseRange(header(ctx, 'range'), size);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': d.value, ETag: `"${d.value}"`, 'Accept-Ranges': 'bytes', 'Cache-Control': 'max-age=31536000' };
    if (range === 'unsatisfiable') {
      throw new RegistryError('RANGE_NOT_SATISFIABLE', `requested range is outside the blob's ${size} bytes`, { headers: { 'Content-Range': `bytes */${size}` } });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    headers['Content-Length'] = Math.max(end - start + 1, 0);
    if (ctx.method === 'HEAD' || size === 0) return send(ctx, range ? 206 : 200, headers);
    const all = { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers };
    const h2 = (ctx.res as unknown as { stream?: ServerHttp2Stream }).stream;
    if (h2 && typeof h2.respondWithFD === 'function') return await respondWithFile(h2, fh, range ? 206 : 200, all, start, end - start + 1);
    ctx.res.writeHead(range ? 206 : 200, all);
    await sendFileRange(ctx.res, fh, start, end - start + 1).catch(() => undefined); // the client went away mid-body
  } finally {
    await fh.close();
  }
}

/**
 * HTTP/2: nghttp2 reads the body straight from the file descriptor (no JS stream in between); resolves when
 * the stream is done so the handle can be closed.
 */
function respondWithFile(h2: ServerHttp2Stream, fh: FileHandle, status: number, headers: Record<string, string | number>, offset: number, length: number): Promise<void> {
  return new Promise((resolve) => {
    h2.once('close', resolve);
    h2.once('error', () => resolve());
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    h2.respondWithFD(fh.fd, { ':status': status, ...lower }, { offset, length, waitForTrailers: false });
  });
}

/** Parses one `bytes=` range (RFC 9110 §14.1.2); several ranges are ignored (a full 200 is allowed). */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** DELETE a blob: unlinks it from the repository (202); the bytes go at the next GC if nothing else uses them. */
export async function deleteBlob(ctx: Ctx, deps: Deps, name: string, d: Digest): Promise<void> {
  if (!(await deps.store.unlinkBlob(name, d))) throw blobUnknown(name, d);
  send(ctx, 202, { 'Docker-Content-Digest': d.value });
}

/** POST /v2/<name>/blobs/uploads/: mount (201), monolithic upload with ?digest= (201), or a new session (202). */
export async function postUpload(ctx: Ctx, deps: Deps, name: string): Promise<void> {
  const mount = ctx.query.get('mount');
  const from = ctx.query.get('from');
  if (mount && from && (await tryMount(deps, name, parseDigest(mount), parseName(from)))) {
    return blobCreated(ctx, name, parseDigest(mount));
  }
  const digestParam = ctx.query.get('digest');
  if (digestParam) {
    const d = parseDigest(digestParam);
    const uuid = await deps.uploads.start(name, d.algorithm);
    await deps.uploads.finish(name, uuid, d, ctx.req);
    deps.noteReferenced([d.value]);
    return blobCreated(ctx, name, d);
  }
  const algorithm = ctx.query.get('digest-algorithm') ?? 'sha256';
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RegistryError('DIGEST_INVALID', `digest algorithm "${algorithm.slice(0, 20)}" is not supported; use sha256 or sha512`);
  }
  const uuid = await deps.uploads.start(name, algorithm as DigestAlgorithm);
  uploadAccepted(ctx, name, uuid, 0);
}

/** Links a blob readable in `from` into `name`; false when `from` does not have it. */
async function tryMount(deps: Deps, name: string, d: Digest, from: string): Promise<boolean> {
  return deps.commitLock.withShared(async () => {
    if ((await deps.store.repoBlobSize(from, d)) === undefined) return false;
    await deps.store.touchBlob(d);
    await deps.store.linkBlob(name, d);
    deps.noteReferenced([d.value]);
    return true;
  });
}

/** PATCH a chunk: appended at the current offset (Content-Range must continue it, else 416). */
export async function patchUpload(ctx: Ctx, deps: Deps, name: string, uuid: string): Promise<void> {
  const range = parseContentRange(ctx);
  const offset = await deps.uploads.append(name, uuid, ctx.req, range?.start);
  uploadAccepted(ctx, name, uuid, offset);
}

/** GET an upload's status: 204 with `Range: 0-<last byte>`. */
export async function uploadStatus(ctx: Ctx, deps: Deps, name: string, uuid: string): Promise<void> {
  const offset = await deps.uploads.offset(name, uuid);
  send(ctx, 204, uploadHeaders(name, uuid, offset));
}

/** PUT ?digest= closes a session (with an optional final chunk): 201 when the digest matches. */
export async function putUpload(ctx: Ctx, deps: Deps, name: string, uuid: string): Promise<void> {
  const digestParam = ctx.query.get('digest');
  if (!digestParam) throw new RegistryError('DIGEST_INVALID', 'closing an upload needs ?digest=<digest of the whole blob>');
  const d = parseDigest(digestParam);
  const range = parseContentRange(ctx);
  await deps.uploads.finish(name, uuid, d, hasBody(ctx) ? ctx.req : undefined, range?.start);
  deps.noteReferenced([d.value]);
  blobCreated(ctx, name, d);
}

/** DELETE cancels a session (204). */
export async function cancelUpload(ctx: Ctx, deps: Deps, name: string, uuid: string): Promise<void> {
  await deps.uploads.cancel(name, uuid);
  send(ctx, 204, {});
}

function uploadHeaders(name: string, uuid: string, offset: number): Record<string, string> {
  return { Location: `/v2/${name}/blobs/uploads/${uuid}`, Range: rangeHeader(offset), 'Docker-Upload-UUID': uuid };
}

function uploadAccepted(ctx: Ctx, name: string, uuid: string, offset: number): void {
  send(ctx, 202, uploadHeaders(name, uuid, offset));
}

function blobCreated(ctx: Ctx, name: string, d: Digest): void {
  send(ctx, 201, { Location: `/v2/${name}/blobs/${d.value}`, 'Docker-Content-Digest': d.value });
}
