/** HTTP plumbing shared by the handlers; works for node:http, https and http2-compat requests. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RegistryError } from './errors.ts';

/** A parsed request: raw path (never decoded or normalised), query and the original objects. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
}

/** Splits `req.url` without normalising the path (WHATWG URL would resolve `%2e%2e` and `..`). */
export function makeCtx(req: IncomingMessage, res: ServerResponse): Ctx {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return { req, res, method: (req.method ?? 'GET').toUpperCase(), path: q < 0 ? url : url.slice(0, q), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

/** A request header as one string. */
export function header(ctx: Ctx, name: string): string | undefined {
  const value = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The host the client used (Host or HTTP/2 :authority), restricted to host[:port] characters. */
export function requestHost(ctx: Ctx): string {
  const host = header(ctx, ':authority') ?? header(ctx, 'host') ?? 'localhost';
  return /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : 'localhost';
}

/** `https` when the connection is TLS. */
export function requestScheme(ctx: Ctx): 'http' | 'https' {
  return (ctx.req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
}

/** Sends a response with headers and an optional body (no body for HEAD). */
export function send(ctx: Ctx, status: number, headers: Record<string, string | number>, body?: Buffer | string): void {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const all: Record<string, string | number> = { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers };
  if (bytes && all['Content-Length'] === undefined) all['Content-Length'] = bytes.length;
  if (!bytes && all['Content-Length'] === undefined) all['Content-Length'] = 0;
  ctx.res.writeHead(status, all);
  ctx.res.end(ctx.method === 'HEAD' ? undefined : bytes);
}

/** Sends a JSON body. */
export function sendJson(ctx: Ctx, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(ctx, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

/** Sends a registry error in the spec's format. */
export function sendError(ctx: Ctx, err: RegistryError): void {
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  sendJson(ctx, err.status, err.toBody(), err.headers);
}

/** Reads the whole body, refusing more than `limit` bytes with `tooLarge()`. Only for small bodies. */
export async function readBody(ctx: Ctx, limit: number, tooLarge: () => RegistryError): Promise<Buffer> {
  const declared = Number(header(ctx, 'content-length') ?? NaN);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** True when the request carries a body (Content-Length > 0 or chunked transfer / HTTP/2 data). */
export function hasBody(ctx: Ctx): boolean {
  const length = header(ctx, 'content-length');
  if (length !== undefined) return Number(length) > 0;
  return header(ctx, 'transfer-encoding') !== undefined || ctx.req.httpVersionMajor === 2;
}

/** Parses `Content-Range: <start>-<end>` (also tolerates a `bytes ` / `bytes=` prefix). */
export function parseContentRange(ctx: Ctx): { start: number; end: number } | undefined {
  const raw = header(ctx, 'content-range');
  if (raw === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(raw.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new RegistryError('RANGE_NOT_SATISFIABLE', `malformed Content-Range "${raw.slice(0, 60)}": expected <start>-<end>, inclusive`);
  }
  const range = { start: Number(m[1]), end: Number(m[2]) };
  const length = header(ctx, 'content-length');
  if (length !== undefined && Number(length) !== range.end - range.start + 1) {
    throw new RegistryError('SIZE_INVALID', `Content-Range ${raw} covers ${range.end - range.start + 1} bytes but Content-Length is ${length}`);
  }
  return range;
}

/** Parses the `n` paging parameter: undefined when absent; 400 when not a non-negative integer. */
export function pageSize(ctx: Ctx, max: number): number | undefined {
  const n = ctx.query.get('n');
  if (n === null || n === '') return undefined;
  if (!/^\d+$/.test(n)) throw new RegistryError('UNSUPPORTED', `invalid page size n=${n.slice(0, 20)}: expected a non-negative integer`, { status: 400 });
  return Math.min(Number(n), max);
}

/** One page of an ASCII-sorted list after `last`, plus the `Link` header when more remain. */
export function paginate(items: string[], ctx: Ctx, max: number): { page: string[]; link?: string } {
  const n = pageSize(ctx, max);
  const last = ctx.query.get('last');
  const rest = last ? items.filter((i) => i > last) : items;
  const page = n === undefined ? rest.slice(0, max) : rest.slice(0, n);
  if (n === 0 || page.length >= rest.length) return { page };
  const next = new URLSearchParams({ n: String(n ?? max), last: page[page.length - 1] });
  return { page, link: `<${ctx.path}?${next.toString()}>; rel="next"` };
}
