import type { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { http } from '../kube/node-http.ts';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { OciError, toOciError } from './errors.ts';
import { rawGet } from './raw-get.ts';

/** TLS and connection settings of one registry client. */
export interface TransportOptions {
  /** Extra CA certificate(s), PEM. */
  ca?: string | Buffer;
  insecureSkipTLSVerify?: boolean;
  maxSockets?: number;
  userAgent?: string;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer, or a stream factory (called once per attempt). */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal;
  /** A big download: a GET on a connection of its own, body read straight off the socket (raw-get.ts). */
  rawBody?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: URL;
}

/** Keep-alive HTTP/1.1 agents shared by every request of one client. */
export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Follows redirects for GET/HEAD, never forwarding Authorization to another host (distribution-spec). */
  sendFollowing(req: HttpRequest, maxRedirects?: number): Promise<HttpResponse>;
  close(): void;
}

/** @example const t = createTransport({ ca: pem }); const res = await t.send({ method: 'GET', url: new URL('https://r/v2/') }); */
export function createTransport(opts: TransportOptions = {}): Transport {
  const maxSockets = opts.maxSockets ?? 8;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets, ca: opts.ca, rejectUnauthorized: !opts.insecureSkipTLSVerify });
  const userAgent = opts.userAgent ?? 'marketplace-oci/0.1';
  const rawOptions = { ca: opts.ca, rejectUnauthorized: !opts.insecureSkipTLSVerify, userAgent };
  // Hosts that answered a raw GET with something only the regular client handles (e.g. chunked bodies):
  // asked the regular way from then on, so a blob is not requested twice every time.
  const rawUnsupported = new Set<string>();
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.rawBody && req.method === 'GET' && !req.body && !rawUnsupported.has(req.url.host)) {
      const res = await rawGet(req, rawOptions);
      if (res !== 'unsupported') return res;
      rawUnsupported.add(req.url.host);
    }
    return sendOnce(req, req.url.protocol === 'https:' ? httpsAgent : httpAgent, userAgent);
  };
  return {
    send,
    async sendFollowing(req, maxRedirects = 5) {
      let current = req;
      for (let hop = 0; ; hop++) {
        const res = await send(current);
        const location = res.headers.location;
        if (![301, 302, 303, 307, 308].includes(res.status) || !location || current.body) return res;
        res.body.resume();
        if (hop >= maxRedirects) throw new OciError('PROTOCOL', `too many redirects from ${req.url.host}`);
        const next = new URL(location, current.url);
        const headers = { ...current.headers };
        if (next.host !== current.url.host) delete headers.Authorization;
        current = { ...current, url: next, headers };
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function sendOnce(req: HttpRequest, agent: HttpAgent, userAgent: string): Promise<HttpResponse> {
  const signal = req.signal;
  if (signal?.aborted) return Promise.reject(toOciError(signal.reason, req.url.host, signal));
  const headers: Record<string, string> = { 'User-Agent': userAgent, ...req.headers };
  if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
  else if (!req.body && req.method !== 'GET' && req.method !== 'HEAD') headers['Content-Length'] = '0';
  const mod = req.url.protocol === 'https:' ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    const cr = mod.request(req.url, { method: req.method, headers, agent, signal }, (res) => {
      const onAbort = () => res.destroy(toOciError(signal?.reason, req.url.host, signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      res.once('close', () => signal?.removeEventListener('abort', onAbort));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url });
    });
    cr.once('error', (err) => reject(toOciError(err, req.url.host, signal)));
    writeBody(cr, req.body);
  });
}

function writeBody(cr: ClientRequest, body: HttpRequest['body']): void {
  if (!body) return void cr.end();
  if (Buffer.isBuffer(body)) return void cr.end(body);
  let source: Readable;
  try {
    source = body();
  } catch (err) {
    return void cr.destroy(err as Error);
  }
  source.once('error', (err) => cr.destroy(err));
  cr.once('close', () => source.destroy());
  source.pipe(cr);
}

/** Reads a whole (small) response body, failing with TOO_LARGE past `limit` bytes. */
export async function readBody(res: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.destroy();
      throw new OciError('TOO_LARGE', `response body exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface RetryOptions {
  retries: number;
  /** First backoff delay; doubled per attempt, capped at 30 s. */
  baseDelayMs: number;
  signal?: AbortSignal;
  onRetry?: (err: OciError, attempt: number) => void;
}

/**
 * Runs `fn` again on retryable OciErrors (network, 5xx, 429 honouring Retry-After) with exponential backoff.
 * @example await withRetries(() => client.ping(), { retries: 3, baseDelayMs: 200 })
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const e = toOciError(err, undefined, opts.signal);
      if (!e.retryable || attempt >= opts.retries || opts.signal?.aborted) throw e;
      opts.onRetry?.(e, attempt + 1);
      const backoff = Math.min(30_000, opts.baseDelayMs * 2 ** attempt * (1 + Math.random() * 0.2));
      await sleep(Math.min(60_000, e.retryAfterMs ?? backoff), undefined, { signal: opts.signal }).catch(() => {
        throw toOciError(opts.signal?.reason, undefined, opts.signal);
      });
    }
  }
}

/** Parses Retry-After (seconds or HTTP date). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
