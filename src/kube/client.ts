import { Agent, request } from 'node:https';
import { http } from './node-http.ts';
const { request: httpRequest, Agent: HttpAgent } = http;
import type { KubeObject } from './types.ts';
import { apiVersionOf } from './types.ts';
import { StatusError, fromStatus } from './errors.ts';

/** Where a resource lives in the URL space. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export interface KubeClientOptions {
  /** Cluster URL, e.g. `https://platform:6443` (global) or `https://platform:6443/kubernetes/business`. */
  server: string;
  token?: string;
  /** PEM CA bundle to trust (the platform CA). */
  ca?: string | Buffer;
  userAgent?: string;
  timeoutMs?: number;
}

/**
 * A small JSON client for the Kubernetes API (what controllers and violet need: get, list, create,
 * server-side apply, patch, delete). Errors are the project's StatusError, rebuilt from the Status body.
 * @example
 * const kube = createKubeClient({ server, token, ca });
 * await kube.apply(ARTIFACTS, { apiVersion: 'app.alauda.io/v1alpha1', kind: 'Artifact', metadata: { name: 'x', namespace: 'cpaas-system' }, spec }, 'violet');
 */
export function createKubeClient(opts: KubeClientOptions): KubeClient {
  return new KubeClient(opts);
}

export class KubeClient {
  private readonly opts: KubeClientOptions;
  private readonly agent: Agent | InstanceType<typeof HttpAgent>;

  constructor(opts: KubeClientOptions) {
    this.opts = opts;
    this.agent = opts.server.startsWith('https:') ? new Agent({ keepAlive: true, ca: opts.ca }) : new HttpAgent({ keepAlive: true });
  }

  path(r: ResourceRef, namespace?: string, name?: string, sub?: string): string {
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
  }

  get<T extends KubeObject = KubeObject>(r: ResourceRef, name: string, namespace?: string): Promise<T> {
    return this.request<T>('GET', this.path(r, namespace, name));
  }

  async tryGet<T extends KubeObject = KubeObject>(r: ResourceRef, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(r, name, namespace);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  list<T extends KubeObject = KubeObject>(r: ResourceRef, opts: { namespace?: string; labelSelector?: string } = {}): Promise<{ items: T[]; metadata: { resourceVersion?: string } }> {
    const q = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    return this.request('GET', this.path(r, opts.namespace) + q);
  }

  create<T extends KubeObject = KubeObject>(r: ResourceRef, obj: KubeObject): Promise<T> {
    return this.request<T>('POST', this.path(r, obj.metadata.namespace), obj);
  }

  /** Server-side apply (force: this manager owns what it sets). Creates when absent. */
  apply<T extends KubeObject = KubeObject>(r: ResourceRef, obj: KubeObject, fieldManager: string, opts: { subresource?: string } = {}): Promise<T> {
    const body = { apiVersion: apiVersionOf(r.group, r.version), ...obj };
    const q = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true&fieldValidation=Strict`;
    return this.request<T>('PATCH', this.path(r, obj.metadata.namespace, obj.metadata.name, opts.subresource) + q, body, 'application/apply-patch+yaml');
  }

  patch<T extends KubeObject = KubeObject>(r: ResourceRef, name: string, namespace: string | undefined, patch: unknown, type: 'merge' | 'json' = 'merge'): Promise<T> {
    return this.request<T>('PATCH', this.path(r, namespace, name), patch, type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json');
  }

  delete(r: ResourceRef, name: string, namespace?: string): Promise<unknown> {
    return this.request('DELETE', this.path(r, namespace, name), { propagationPolicy: 'Background' });
  }

  /** One request; non-2xx responses become StatusError. */
  request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(this.opts.server.replace(/\/$/, '') + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.opts.userAgent ?? 'marketplace-kube-client' };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    if (payload) {
      headers['Content-Type'] = contentType;
      // Node sends DELETE bodies without framing unless told the length.
      headers['Content-Length'] = String(payload.length);
    }
    const send = url.protocol === 'https:' ? request : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent as Agent, timeout: this.opts.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          if ((res.statusCode ?? 500) >= 300) reject(fromStatus((json as object) ?? { message: text || `HTTP ${res.statusCode}` }, res.statusCode ?? 500));
          else resolve(json as T);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on('error', (err) => reject(StatusError.unavailable(`cannot reach ${url.origin}: ${err.message}`)));
      req.end(payload);
    });
  }

  /** What a watch needs to reach the same server with the same credentials. */
  connection(): { server: string; token?: string; ca?: string | Buffer; agent?: Agent } {
    return { server: this.opts.server, token: this.opts.token, ca: this.opts.ca, agent: this.agent instanceof Agent ? this.agent : undefined };
  }

  close(): void {
    this.agent.destroy();
  }
}
