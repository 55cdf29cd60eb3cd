/** HTTPS client for the platform's API server: HTTP/1.1 keep-alive agents, the platform CA, the admin bearer token. */
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Response {
  status: number;
  body: Buffer;
  /** Request start to response headers (≈ server time: handlers build the body before writing headers). */
  headersMs: number;
  /** Request start to the last body byte. */
  totalMs: number;
}

export interface CallOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
}

export interface ListBody {
  metadata: { resourceVersion?: string; continue?: string };
  items?: unknown[];
  rows?: unknown[];
}

export class Client {
  readonly base: string;
  readonly ca: Buffer;
  readonly token: string;

  /** `url` from the ready line; CA and token from `<dataDir>/ca.crt` and `<dataDir>/admin.token`. */
  constructor(url: string, dataDir: string) {
    this.base = url;
    this.ca = readFileSync(join(dataDir, 'ca.crt'));
    this.token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  }

  agent(maxSockets: number, keepAlive = true): Agent {
    return new Agent({ keepAlive, maxSockets, ca: this.ca });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  call(agent: Agent, method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers = this.headers({ Accept: opts.accept ?? 'application/json' });
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const t0 = performance.now();
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(this.base + path, { agent, method, ca: this.ca, headers }, (res) => {
        const headersMs = performance.now() - t0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headersMs, totalMs: performance.now() - t0 }));
        res.on('error', reject);
      });
      req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json<T>(agent: Agent, method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.call(agent, method, path, opts);
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body.toString().slice(0, 500)}`);
    return JSON.parse(res.body.toString()) as T;
  }

  /**
   * Lists `collection` following `continue` (pages of `limit`, or one request without it), as kubectl does.
   * headersMs = Σ request → headers over pages; totalMs = first request → last body (bodies are parsed in between).
   */
  async listPages(agent: Agent, collection: string, limit: number | undefined, accept?: string): Promise<{ headersMs: number; totalMs: number; bytes: number; pages: number; items: number }> {
    let cont: string | undefined;
    const out = { headersMs: 0, totalMs: 0, bytes: 0, pages: 0, items: 0 };
    const t0 = performance.now();
    for (let page = 0; page < 1000; page++) {
      const q = new URLSearchParams();
      if (limit) q.set('limit', String(limit));
      if (cont) q.set('continue', cont);
      const res = await this.call(agent, 'GET', `${collection}${q.size ? `?${q}` : ''}`, { accept, timeoutMs: 120_000 });
      if (res.status !== 200) throw new Error(`list: HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`);
      const body = JSON.parse(res.body.toString()) as ListBody;
      out.headersMs += res.headersMs;
      out.bytes += res.body.length;
      out.pages++;
      out.items += (body.items ?? body.rows ?? []).length;
      cont = body.metadata.continue;
      if (!cont) break;
    }
    out.totalMs = performance.now() - t0;
    return out;
  }

  /** Opens a watch stream (one request, no timeout): `onStatus` once headers arrive, `onLine` for every non-empty NDJSON line; errors are ignored. */
  watch(agent: Agent, path: string, onStatus: (status: number) => void, onLine: (text: string) => void): ClientRequest {
    const req = httpsRequest(this.base + path, { agent, ca: this.ca, headers: this.headers({ Accept: 'application/json' }) }, (res) => {
      onStatus(res.statusCode ?? 0);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const text = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (text) onLine(text);
        }
      });
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end();
    return req;
  }
}
