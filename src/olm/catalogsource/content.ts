/**
 * The per-cluster "catalog content" of CatalogSources with `spec.image` (file-based catalog images in any OCI
 * registry), and the CatalogSource status OLM keeps (shared/reference/olm.md §3.1). One instance per cluster is
 * shared by the packageserver (PackageManifests) and the catalog operator (the resolver's Catalog[]).
 */
import type { Informer, KubeClient, KubeObject } from '../../kube/index.ts';
import { createInformer } from '../../kube/index.ts';
import type { ImageReference, RegistryClient } from '../../oci/index.ts';
import { createRegistryClient, parseReference } from '../../oci/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { parseFileBasedCatalog, readCatalogImage } from '../catalog/index.ts';
import type { CatalogWithDeprecations, FileBasedCatalog } from '../catalog/index.ts';
import { DEFAULT_POLL_MS, formatGoDuration, parseGoDuration } from './duration.ts';

/** CatalogSource annotation: `"true"` pulls the catalog image over plain HTTP (registries other than the platform's). */
export const PLAIN_HTTP_ANNOTATION = 'marketplace.alauda.io/plain-http';
/** CatalogSource label of the platform's ArtifactVersion-backed catalogs (src/olm/defaults.ts). */
export const CATALOG_CONTENT_LABEL = 'cpaas.io/catalog-content';
/** `status.reason` values (olm.md §3.1). */
export const REGISTRY_SERVER_ERROR = 'RegistryServerError';
export const INVALID_INTERVAL_ERROR = 'InvalidIntervalError';

/** A CatalogSource by name and namespace (the resolver's `CatalogKey`). */
export interface CatalogSourceRef {
  source: string;
  sourceNamespace: string;
}

/** The status fields this source owns. */
export interface CatalogSourceStatus {
  connectionState?: { address?: string; lastObservedState: string; lastConnect?: string };
  latestImageRegistryPoll?: string;
  reason?: string;
  message?: string;
}

export interface CatalogSourceContentOptions {
  kube: KubeClient;
  signal: AbortSignal;
  /** The platform registry's client (admin token); images whose host is `platformRegistry.registry` are pulled through it. */
  platformRegistry?: RegistryClient;
  /** Client for any other registry (default: anonymous `createRegistryClient`, https unless `plain`). */
  registryClient?: (registry: string, plain: boolean) => RegistryClient;
  /** Delay before retrying a failed pull (default 30 s, never more than the poll interval). */
  retryMs?: number;
  now?: () => Date;
  onError?: (what: string, err: unknown) => void;
}

/** What {@link createCatalogSourceContent} returns. */
export interface CatalogSourceContent {
  /** Starts the CatalogSource informer (all namespaces); resolves after its first list (pulls continue in the background). */
  start(): Promise<void>;
  /** The catalogs pulled from images so far (source, namespace, displayName and publisher from the CatalogSource). */
  catalogs(): CatalogWithDeprecations[];
  /** The image catalog of one CatalogSource, if pulled. */
  catalog(namespace: string, name: string): CatalogWithDeprecations | undefined;
  /** Called with the CatalogSources whose content changed (new digest pulled, or the CatalogSource deleted). */
  onChange(listener: (changed: CatalogSourceRef[]) => void): void;
}

interface Entry {
  namespace: string;
  name: string;
  /** What a sync depends on; status-only updates leave it unchanged and are ignored. */
  specKey: string;
  image?: string;
  digest?: string;
  content?: FileBasedCatalog;
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}

/**
 * Watches CatalogSources in every namespace. For each `grpc` one with `spec.image`: pulls the file-based catalog
 * (HEAD the tag first; the image is re-read only when its digest changed), keeps it as a Catalog, polls per
 * `spec.updateStrategy.registryPoll.interval`, and writes `status.connectionState` / `latestImageRegistryPoll` /
 * `reason` / `message` through `/status` when they change. The ArtifactVersion-backed catalogs
 * (`cpaas.io/catalog-content=artifactversions`) get `connectionState.lastObservedState: READY`.
 * @example
 * const content = createCatalogSourceContent({ kube, platformRegistry, signal });
 * await content.start();
 * content.onChange((refs) => …); content.catalogs();
 */
export function createCatalogSourceContent(opts: CatalogSourceContentOptions): CatalogSourceContent {
  const { kube, signal } = opts;
  const now = () => (opts.now ? opts.now() : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const informer: Informer = createInformer(kube, OLM_RESOURCES.CatalogSource, {});
  const entries = new Map<string, Entry>();
  const listeners: ((changed: CatalogSourceRef[]) => void)[] = [];
  const clients = new Map<string, RegistryClient>();
  let cache: CatalogWithDeprecations[] | undefined;

  const changed = (e: Entry) => {
    cache = undefined;
    for (const l of listeners) l([{ source: e.name, sourceNamespace: e.namespace }]);
  };

  signal.addEventListener('abort', () => {
    for (const e of entries.values()) clearTimeout(e.timer);
    for (const c of clients.values()) c.close();
  }, { once: true });

  informer.on((ev, cs) => {
    const namespace = cs.metadata.namespace!;
    const name = cs.metadata.name!;
    const key = `${namespace}/${name}`;
    const existing = entries.get(key);
    if (ev === 'delete') {
      if (!existing) return;
      clearTimeout(existing.timer);
      entries.delete(key);
      if (existing.content) changed(existing);
      return;
    }
    const specKey = specKeyOf(cs);
    if (existing && existing.specKey === specKey) {
      // Status or unrelated metadata: only the display fields of the Catalog can have changed.
      if (existing.content) cache = undefined;
      return;
    }
    const entry: Entry = existing ?? { namespace, name, specKey, running: false, again: false };
    entry.specKey = specKey;
    const image = imageOf(cs);
    if (entry.image !== image) {
      entry.image = image;
      entry.digest = undefined;
      if (entry.content && !image) {
        entry.content = undefined;
        changed(entry);
      }
    }
    entries.set(key, entry);
    schedule(entry, 0);
  });

  function schedule(e: Entry, ms: number): void {
    clearTimeout(e.timer);
    if (signal.aborted) return;
    e.timer = setTimeout(() => void run(e), ms);
    e.timer.unref?.();
  }

  async function run(e: Entry): Promise<void> {
    if (e.running) {
      e.again = true;
      return;
    }
    e.running = true;
    try {
      do {
        e.again = false;
        await sync(e).catch((err) => {
          if (!signal.aborted) opts.onError?.(`catalogsource ${e.namespace}/${e.name}`, err);
        });
      } while (e.again && !signal.aborted);
    } finally {
      e.running = false;
    }
  }

  async function sync(e: Entry): Promise<void> {
    const cs = informer.get(e.name, e.namespace);
    if (!cs || entries.get(`${e.namespace}/${e.name}`) !== e) return;
    if (cs.metadata.labels?.[CATALOG_CONTENT_LABEL] === 'artifactversions') {
      const state = (cs.status as CatalogSourceStatus | undefined)?.connectionState;
      await writeStatus(cs, { connectionState: { ...state, lastObservedState: 'READY', lastConnect: state?.lastObservedState === 'READY' && state.lastConnect ? state.lastConnect : now() } });
      return;
    }
    const image = imageOf(cs);
    if (!image) return;
    const poll = pollOf(cs);
    const polled = now();
    const failure = await pull(e, cs, image);
    if (signal.aborted) return;
    await writeStatus(cs, imageStatus(cs, image, poll, polled, failure));
    if (failure) schedule(e, Math.min(opts.retryMs ?? 30_000, poll.ms));
    else if (poll.configured) schedule(e, poll.ms);
  }

  /** HEADs the image and reads it when its digest changed; returns the failure message, if any. */
  async function pull(e: Entry, cs: KubeObject, image: string): Promise<string | undefined> {
    try {
      const ref = parseReference(image);
      const client = clientFor(ref, cs);
      const wanted = ref.digest ?? ref.tag!;
      let digest = (await client.headManifest(ref.repository, wanted, { signal }))?.digest;
      if (digest === undefined) throw new Error(`manifest ${ref.repository}:${wanted} not found on registry ${ref.registry}`);
      if (!digest) digest = (await client.getManifest(ref.repository, wanted, { signal })).descriptor.digest;
      if (digest === e.digest && e.content) return undefined;
      const content = parseFileBasedCatalog(await readCatalogImage(client, ref.repository, digest, signal));
      if (e.image !== image || entries.get(`${e.namespace}/${e.name}`) !== e) return undefined;
      e.content = content;
      e.digest = digest;
      changed(e);
      return undefined;
    } catch (err) {
      return `couldn't pull catalog image ${image}: ${(err as Error).message ?? String(err)}`;
    }
  }

  /** Merge-patches the owned status fields through `/status`, only when they differ from what is stored. */
  async function writeStatus(cs: KubeObject, next: CatalogSourceStatus): Promise<void> {
    const cur = (cs.status ?? {}) as CatalogSourceStatus;
    const owned = (s: CatalogSourceStatus) => JSON.stringify([s.connectionState?.address, s.connectionState?.lastObservedState, s.connectionState?.lastConnect, s.latestImageRegistryPoll, s.reason, s.message]);
    if (owned(cur) === owned(next)) return;
    const patch = { status: { connectionState: next.connectionState ?? null, latestImageRegistryPoll: next.latestImageRegistryPoll ?? null, reason: next.reason ?? null, message: next.message ?? null } };
    const path = kube.path(OLM_RESOURCES.CatalogSource, cs.metadata.namespace, cs.metadata.name, 'status');
    await kube.request('PATCH', path, patch, 'application/merge-patch+json');
  }

  function clientFor(ref: ImageReference, cs: KubeObject): RegistryClient {
    if (opts.platformRegistry && ref.registry === opts.platformRegistry.registry) return opts.platformRegistry;
    const plain = cs.metadata.annotations?.[PLAIN_HTTP_ANNOTATION] === 'true';
    const key = `${plain ? 'http' : 'https'}://${ref.registry}`;
    let client = clients.get(key);
    if (!client) {
      client = opts.registryClient ? opts.registryClient(ref.registry, plain) : createRegistryClient({ registry: ref.registry, plain, userAgent: 'marketplace-catalog' });
      clients.set(key, client);
    }
    return client;
  }

  function build(): CatalogWithDeprecations[] {
    const out: CatalogWithDeprecations[] = [];
    for (const e of entries.values()) {
      const cs = informer.get(e.name, e.namespace);
      if (!e.content || !cs) continue;
      const spec = (cs.spec ?? {}) as { displayName?: string; publisher?: string };
      out.push({ source: e.name, sourceNamespace: e.namespace, displayName: spec.displayName, publisher: spec.publisher, ...e.content });
    }
    return out;
  }

  return {
    async start() {
      void informer.start(signal);
      await informer.synced;
    },
    catalogs() {
      cache ??= build();
      return cache;
    },
    catalog(namespace, name) {
      return this.catalogs().find((c) => c.source === name && c.sourceNamespace === namespace);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** The status of an image CatalogSource after a pull (or failed pull) at `polled`. */
function imageStatus(cs: KubeObject, image: string, poll: ReturnType<typeof pollOf>, polled: string, failure: string | undefined): CatalogSourceStatus {
  const cur = (cs.status ?? {}) as CatalogSourceStatus;
  const old = cur.connectionState;
  const state = failure ? 'TRANSIENT_FAILURE' : 'READY';
  const lastConnect = old?.lastObservedState === state && old.address === image && old.lastConnect ? old.lastConnect : polled;
  const next: CatalogSourceStatus = { connectionState: { address: image, lastObservedState: state, lastConnect } };
  const latest = poll.configured ? polled : cur.latestImageRegistryPoll;
  if (latest) next.latestImageRegistryPoll = latest;
  if (failure) {
    next.reason = REGISTRY_SERVER_ERROR;
    next.message = poll.error ? `${failure}; ${poll.error}` : failure;
  } else if (poll.error) {
    next.reason = INVALID_INTERVAL_ERROR;
    next.message = poll.error;
  }
  return next;
}

/** `spec.image` of a `grpc` CatalogSource, if any. */
function imageOf(cs: KubeObject): string | undefined {
  const spec = (cs.spec ?? {}) as { sourceType?: string; image?: string };
  return spec.sourceType === 'grpc' && typeof spec.image === 'string' && spec.image ? spec.image : undefined;
}

function specKeyOf(cs: KubeObject): string {
  const spec = (cs.spec ?? {}) as { sourceType?: string; image?: string; updateStrategy?: unknown };
  return JSON.stringify([spec.sourceType, spec.image, spec.updateStrategy, cs.metadata.annotations?.[PLAIN_HTTP_ANNOTATION], cs.metadata.labels?.[CATALOG_CONTENT_LABEL]]);
}

/** The poll interval: `configured` only with `spec.updateStrategy.registryPoll`; invalid values fall back to 15m with an error message. */
export function pollOf(cs: KubeObject): { configured: boolean; ms: number; error?: string } {
  const poll = ((cs.spec ?? {}) as { updateStrategy?: { registryPoll?: { interval?: unknown } } }).updateStrategy?.registryPoll;
  if (!poll) return { configured: false, ms: DEFAULT_POLL_MS };
  const raw = poll.interval;
  if (raw === undefined || raw === null || raw === '') return { configured: true, ms: DEFAULT_POLL_MS };
  let ms: number;
  try {
    ms = parseGoDuration(String(raw));
    if (!(ms > 0)) throw new Error(`time: non-positive interval "${raw}"`);
  } catch (err) {
    return { configured: true, ms: DEFAULT_POLL_MS, error: `error parsing spec.updateStrategy.registryPoll.interval. Using the default value of ${formatGoDuration(DEFAULT_POLL_MS)} instead. Error: ${(err as Error).message}` };
  }
  return { configured: true, ms: Math.max(ms, 1000) };
}
