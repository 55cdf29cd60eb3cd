import type { KubeClient, ResourceRef } from './client.ts';
import type { KubeObject } from './types.ts';
import { StatusError } from './errors.ts';
import { watchStream } from './watch.ts';

export type InformerEvent = 'add' | 'update' | 'delete';
export type InformerHandler<T extends KubeObject> = (event: InformerEvent, obj: T, old?: T) => void;

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  /** Server-side watch timeout; the informer re-watches from the last resourceVersion. */
  watchTimeoutSeconds?: number;
  /** Backoff after an error (doubles up to 30 s). */
  retryDelayMs?: number;
}

/**
 * List+watch cache of one resource (client-go's reflector + store): keeps a map by namespace/name, resumes
 * watches from the last resourceVersion (bookmarks included), re-lists on 410 Gone, backs off on errors,
 * and calls the handler for every change. `synced` resolves after the first list.
 * @example
 * const inf = createInformer(kube, SUBSCRIPTIONS, { namespace: 'ns' });
 * inf.on((ev, obj) => queue.add(keyOf(obj)));
 * await inf.start(signal); await inf.synced;
 */
export function createInformer<T extends KubeObject = KubeObject>(client: KubeClient, resource: ResourceRef, opts: InformerOptions = {}): Informer<T> {
  return new Informer<T>(client, resource, opts);
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly client: KubeClient;
  private readonly resource: ResourceRef;
  private readonly opts: InformerOptions;
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandler<T>[] = [];
  private resourceVersion = '';
  private markSynced!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.markSynced = r));

  constructor(client: KubeClient, resource: ResourceRef, opts: InformerOptions) {
    this.client = client;
    this.resource = resource;
    this.opts = opts;
  }

  on(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.cache.get(key(namespace, name));
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Runs until the signal aborts. */
  start(signal: AbortSignal): Promise<void> {
    return this.run(signal);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let delay = this.opts.retryDelayMs ?? 200;
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watch(signal);
        delay = this.opts.retryDelayMs ?? 200;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof StatusError && err.code === 410) this.resourceVersion = '';
        else {
          await sleep(delay, signal);
          delay = Math.min(delay * 2, 30_000);
        }
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.client.list<T>(this.resource, { namespace: this.opts.namespace, labelSelector: this.opts.labelSelector });
    const seen = new Set<string>();
    for (const obj of list.items) {
      const k = key(obj.metadata.namespace, obj.metadata.name!);
      seen.add(k);
      this.apply('ADDED', obj);
    }
    for (const [k, old] of this.cache) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.emit('delete', old);
      }
    }
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    this.markSynced();
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const path = this.client.path(this.resource, this.opts.namespace);
    const opts = this.client.connection();
    for await (const ev of watchStream<T>({ ...opts, path, resourceVersion: this.resourceVersion, labelSelector: this.opts.labelSelector, timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300, signal })) {
      this.resourceVersion = ev.object.metadata.resourceVersion ?? this.resourceVersion;
      if (ev.type !== 'BOOKMARK') this.apply(ev.type, ev.object);
    }
  }

  private apply(type: string, obj: T): void {
    // Like client-go's informer transforms: controllers never read managedFields, so the cache drops them.
    delete obj.metadata.managedFields;
    const k = key(obj.metadata.namespace, obj.metadata.name!);
    const old = this.cache.get(k);
    if (type === 'DELETED') {
      this.cache.delete(k);
      this.emit('delete', obj);
      return;
    }
    this.cache.set(k, obj);
    if (!old) this.emit('add', obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old);
  }

  private emit(event: InformerEvent, obj: T, old?: T): void {
    for (const h of this.handlers) h(event, obj, old);
  }
}

function key(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
