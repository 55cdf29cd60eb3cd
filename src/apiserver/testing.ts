/**
 * Test harness for in-process API server integration tests (`api-*.test.ts`): a real HTTP server on
 * 127.0.0.1 around `createApiServer` over memory storage, a small fetch wrapper, a newline-delimited
 * watch reader and a CRD fixture. Not imported by production code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Storage } from '../storage/index.ts';
import { createMemoryStorage } from '../storage/index.ts';
import type { ApiServer, ApiServerOptions, UserInfo } from './index.ts';
import { createApiServer } from './index.ts';

export const ADMIN = 'admin';
export const VIEWER = 'viewer';

/** The authenticator of the brief: `admin` may do anything, `viewer` is read-only. */
export function testAuthenticate(token: string): UserInfo | undefined {
  if (token === ADMIN) return { name: 'admin', groups: [] };
  if (token === VIEWER) return { name: 'viewer', groups: [], readOnly: true };
  return undefined;
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface RequestOptions {
  /** Bearer token; default admin. `null` sends no Authorization header. */
  token?: string | null;
  /** JSON-serialised unless a string. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  api: ApiServer;
  storage: Storage;
  request(method: string, path: string, opts?: RequestOptions): Promise<Reply>;
  get(path: string, opts?: RequestOptions): Promise<Reply>;
  post(path: string, body: unknown, opts?: RequestOptions): Promise<Reply>;
  put(path: string, body: unknown, opts?: RequestOptions): Promise<Reply>;
  patch(path: string, body: unknown, contentType: string, opts?: RequestOptions): Promise<Reply>;
  del(path: string, body?: unknown, opts?: RequestOptions): Promise<Reply>;
  watch(path: string, opts?: RequestOptions): Promise<WatchStream>;
  close(): Promise<void>;
}

/** Starts an API server on memory storage behind plain HTTP on an ephemeral port. */
export async function startTestServer(extra: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const storage = createMemoryStorage();
  const api = createApiServer({ storage, authenticate: testAuthenticate, ...extra });
  await api.start();
  const server = http.createServer(api.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const watches = new Set<WatchStream>();

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? ADMIN : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (opts.accept) headers.Accept = opts.accept;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return {
    url,
    api,
    storage,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    patch: (path, body, contentType, opts) => request('PATCH', path, { ...opts, body, contentType }),
    del: (path, body, opts) => request('DELETE', path, { ...opts, body }),
    async watch(path, opts = {}) {
      const w = await openWatch(url + path, opts);
      watches.add(w);
      return w;
    },
    async close() {
      for (const w of watches) w.close();
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** A watch response read line by line. */
export interface WatchStream {
  status: number;
  headers: Headers;
  /** The next event; rejects after `timeoutMs` without one, resolves undefined when the stream ended. */
  next(timeoutMs?: number): Promise<WatchEvent | undefined>;
  /** Collects events until none arrives for `quietMs`, the stream ends, or `maxMs` passed. */
  drain(quietMs?: number, maxMs?: number): Promise<WatchEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

async function openWatch(url: string, opts: RequestOptions): Promise<WatchStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? ADMIN : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.accept) headers.Accept = opts.accept;
  const res = await fetch(url, { headers, signal: abort.signal });
  const queue: WatchEvent[] = [];
  const waiters: ((e: WatchEvent | undefined) => void)[] = [];
  let done = false;
  let endResolve!: () => void;
  const ended = new Promise<void>((r) => (endResolve = r));
  const push = (e: WatchEvent | undefined) => {
    const w = waiters.shift();
    if (w) w(e);
    else if (e) queue.push(e);
  };
  void (async () => {
    let buf = '';
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) push(JSON.parse(line) as WatchEvent);
        }
      }
    } catch {
      // aborted or reset
    }
    if (buf.trim()) {
      try {
        push(JSON.parse(buf) as WatchEvent);
      } catch {
        // non-JSON tail (e.g. a Status body of a non-200 reply is read via text below)
      }
    }
    done = true;
    while (waiters.length) waiters.shift()!(undefined);
    endResolve();
  })();

  function next(timeoutMs = 3000): Promise<WatchEvent | undefined> {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        reject(new Error(`no watch event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (e: WatchEvent | undefined) => {
        clearTimeout(timer);
        resolve(e);
      };
      waiters.push(waiter);
    });
  }

  async function drain(quietMs = 300, maxMs = 3000): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    const deadline = Date.now() + maxMs;
    for (;;) {
      let e: WatchEvent | undefined;
      const wait = Math.min(quietMs, deadline - Date.now());
      if (wait <= 0) return out;
      try {
        e = await next(wait);
      } catch {
        return out;
      }
      if (!e) return out;
      out.push(e);
    }
  }

  return { status: res.status, headers: res.headers, next, drain, ended, close: () => abort.abort() };
}

/** A namespaced CRD `widgets.example.com` (v1, status subresource, printer columns, shortName wd). */
export function widgetCRD(group = 'example.com'): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer' },
                    color: { type: 'string' },
                    tags: { type: 'object', additionalProperties: { type: 'string' } },
                  },
                },
                status: { type: 'object', properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer' } } },
              },
            },
          },
        },
      ],
    },
  };
}

/** Creates a CRD and waits until its resources are served (discovery lists the group version). */
export async function createCRD(srv: TestServer, crd: Record<string, unknown> = widgetCRD(), prefix = ''): Promise<void> {
  const res = await srv.post(`${prefix}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, crd);
  if (res.status !== 201) throw new Error(`creating CRD: ${res.status} ${res.text}`);
  const spec = crd.spec as { group: string; versions: { name: string }[] };
  await waitFor(async () => (await srv.get(`${prefix}/apis/${spec.group}/${spec.versions[0].name}`)).status === 200, 'CRD served');
}

/** Polls `check` every 20 ms until true or `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function configMap(name: string, extra: { labels?: Record<string, string>; data?: Record<string, string>; namespace?: string } = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: extra.labels, namespace: extra.namespace }, data: extra.data ?? { a: '1' } };
}

export function widget(name: string, spec: Record<string, unknown> = { size: 1 }, labels?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, labels }, spec };
}

export const CM = '/api/v1/namespaces/default/configmaps';
export const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';
