import { readFileSync } from 'node:fs';
import { http } from '../../kube/node-http.ts';
const { Agent: HttpAgent, request: httpRequest } = http;
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The HTTP client of `violet ac`: JSON calls to the portal API and raw download requests, one keep-alive pool. */

export interface PortalClientOptions {
  url: string;
  token?: string;
  caFile?: string;
}

/** An answer of the portal that is not a success: status, the portal's reason and message. */
export class PortalRequestError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface PortalClient {
  readonly url: string;
  getJson<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  postJson<T>(path: string, body: unknown): Promise<T>;
  /** A streaming GET (downloads); the caller consumes or destroys the response. */
  /** `big`: a download of many bytes, over a connection of its own with the body read off the socket (oci/raw-get.ts). */
  open(path: string, headers?: Record<string, string>, opts?: { big?: boolean }): Promise<IncomingMessage>;
  close(): void;
}

export function normaliseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--ac-url "${url}" is not a URL: give it as https://host[:port]`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--ac-url "${url}" must start with https:// (or http://)`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

export function createPortalClient(opts: PortalClientOptions): PortalClient {
  const base = normaliseUrl(opts.url);
  const https = base.startsWith('https:');
  const ca = opts.caFile ? readFileSync(opts.caFile, 'utf8') : undefined;
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 16, ca }) : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  const auth = (): Record<string, string> => (opts.token ? { authorization: `Bearer ${opts.token}` } : {});

  function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<IncomingMessage> {
    const target = new URL(base + path);
    const requestFn = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = requestFn(target, { method, agent, headers: { ...auth(), ...headers } }, resolve);
      req.on('error', (err) => reject(new Error(`cannot reach the Customer Portal at ${base}: ${(err as NodeJS.ErrnoException).code ?? err.message}; check --ac-url (saved by violet ac login) and the network`)));
      req.end(body);
    });
  }

  /** A GET answered straight off the socket (Node's HTTP parser copies every body chunk); undefined: ask the regular way. */
  async function sendRaw(path: string, headers: Record<string, string>): Promise<IncomingMessage | undefined> {
    const { rawGet } = await import('../../oci/raw-get.ts');
    const url = new URL(base + path);
    const res = await rawGet({ method: 'GET', url, headers: { ...auth(), ...headers } }, { ca, rejectUnauthorized: true, userAgent: 'violet' }).catch((err: Error) => {
      throw new Error(`cannot reach the Customer Portal at ${base}: ${err.message}; check --ac-url (saved by violet ac login) and the network`);
    });
    if (res === 'unsupported' || [301, 302, 303, 307, 308].includes(res.status)) {
      if (res !== 'unsupported') res.body.destroy();
      return undefined;
    }
    return Object.assign(res.body, { statusCode: res.status, headers: res.headers });
  }

  async function json<T>(res: IncomingMessage, what: string): Promise<T> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: { reason?: string; message?: string } & Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PortalRequestError(res.statusCode ?? 0, 'BadResponse', `${what}: the portal answered ${res.statusCode} with something that is not JSON (is --ac-url the Customer Portal?)`);
    }
    if ((res.statusCode ?? 500) >= 400) throw new PortalRequestError(res.statusCode ?? 0, body.reason ?? 'Error', body.message ?? `${what}: HTTP ${res.statusCode}`);
    return body as T;
  }

  return {
    url: base,
    async getJson<T>(path: string, query: Record<string, string | undefined> = {}) {
      const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
      return json<T>(await send('GET', qs ? `${path}?${qs}` : path, { accept: 'application/json' }), `GET ${path}`);
    },
    async postJson<T>(path: string, body: unknown) {
      return json<T>(await send('POST', path, { 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify(body)), `POST ${path}`);
    },
    async open(path: string, headers: Record<string, string> = {}, o: { big?: boolean } = {}) {
      const res = (o.big && (await sendRaw(path, headers))) || (await send('GET', path, headers));
      if ((res.statusCode ?? 500) >= 400 && res.statusCode !== 416) await json(res, `GET ${path}`);
      return res;
    },
    close: () => agent.destroy(),
  };
}
