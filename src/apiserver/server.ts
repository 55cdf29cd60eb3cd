import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Storage } from '../storage/types.ts';
import { StatusError } from '../kube/index.ts';
import type { Authenticator, ClusterState, RequestContext, ServerHooks, UserInfo } from './context.ts';
import type { Req, Res } from './http.ts';
import { parseAccept, sendError, sendJson } from './http.ts';
import { ROOT_CLUSTER, parseApiPath, splitCluster } from './paths.ts';
import type { ApiRequest } from './paths.ts';
import { ResourceRegistry } from './registry.ts';
import { ObjectStore } from './store.ts';
import { builtinResources, versionInfo } from './builtin/index.ts';
import { CRDController } from './controllers/crds.ts';
import { GarbageCollector } from './controllers/gc.ts';
import { NamespaceController } from './controllers/namespaces.ts';
import { Aggregator } from './aggregator/controller.ts';
import { proxyRequest } from './aggregator/proxy.ts';
import { serveDiscovery, serveOpenApi } from './handlers/meta.ts';
import { serveResource } from './handlers/resource.ts';

export interface ApiServerOptions {
  storage: Storage;
  authenticate: Authenticator;
  /** Logical clusters besides `global` are the objects of this cluster-scoped resource in `global`. */
  clusterResource?: { group: string; plural: string };
  bookmarkIntervalMs?: number;
  /** Storage compaction period; history older than one period is dropped (kube: 5 min). */
  compactionIntervalMs?: number;
  /** Watches without timeoutSeconds last between this and twice this (kube --min-request-timeout). */
  minRequestTimeoutSeconds?: number;
  /** Called once a logical cluster is served (start-up and new clusters): install CRDs etc. */
  onClusterAdded?: (cluster: ClusterState) => Promise<void>;
  /** Namespaces every cluster starts with. */
  systemNamespaces?: string[];
}

export interface ApiServer {
  /** Node http/https/http2-compat request listener. */
  handle(req: Req | Http2ServerRequest, res: Res | Http2ServerResponse): void;
  start(): Promise<void>;
  close(): Promise<void>;
  addCluster(name: string): Promise<ClusterState>;
  cluster(name: string): ClusterState | undefined;
  store: ObjectStore;
}

const FLOW_SCHEMA_UID = '6e1b4d35-5a7d-4f0e-9c1e-6d3f0d0c2a11';
const PRIORITY_LEVEL_UID = '0b9d3c57-2f4e-4a4b-8a0c-7d5e1f2a3b44';
const PUBLIC_PATHS = new Set(['version', 'healthz']);
const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * A Kubernetes-compatible API server hosting several logical clusters over one storage.
 * @example
 * const api = createApiServer({ storage, authenticate: (t) => (t === 'secret' ? { name: 'admin', groups: [] } : undefined) });
 * await api.start();
 * https.createServer(tlsOptions, api.handle).listen(6443);
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const store = new ObjectStore(options.storage);
  const clusters = new Map<string, ClusterState>();
  const shutdown = new AbortController();
  const lookup = (name: string) => clusters.get(name);
  const crds = new CRDController(store, lookup);
  new NamespaceController(store, lookup, shutdown.signal);
  const gc = new GarbageCollector(store, lookup, shutdown.signal);
  const aggregator = new Aggregator(store, lookup, shutdown.signal);
  const hooks: ServerHooks = {
    proxy(ctx, group, version) {
      const target = aggregator.target(ctx.cluster.name, group, version);
      if (!target) throw StatusError.unavailable('the server is currently unable to handle the request');
      return proxyRequest(target, ctx.relativeUrl, ctx.req, ctx.res, ctx.user);
    },
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
    minRequestTimeoutSeconds: options.minRequestTimeoutSeconds ?? 1800,
    serverAddress: (req) => String(req.headers.host ?? req.headers[':authority'] ?? ''),
    shutdown: shutdown.signal,
    watchLines: new Map(),
  };

  async function addCluster(name: string): Promise<ClusterState> {
    const existing = clusters.get(name);
    if (existing) return existing;
    const state: ClusterState = { name, registry: new ResourceRegistry(builtinResources()) };
    clusters.set(name, state);
    await crds.load(name, state.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!);
    await ensureNamespaces(store, state, options.systemNamespaces ?? DEFAULT_NAMESPACES);
    await aggregator.load(name);
    await options.onClusterAdded?.(state);
    return state;
  }

  async function loadLogicalClusters(): Promise<void> {
    const source = options.clusterResource;
    if (!source) return;
    store.onWrite((cluster, def, obj, deleted) => {
      if (cluster === ROOT_CLUSTER && def.group === source.group && def.plural === source.plural && !deleted) return addCluster(obj.metadata.name!).then(() => undefined);
    });
    const def = clusters.get(ROOT_CLUSTER)!.registry.byGroupResource(source.group, source.plural);
    if (!def) return;
    for (const obj of (await store.list(ROOT_CLUSTER, def, {})).items) await addCluster(obj.metadata.name!);
  }

  const handle = (rawReq: Req | Http2ServerRequest, rawRes: Res | Http2ServerResponse): void => {
    const req = rawReq as Req;
    const res = rawRes as Res;
    // Real API servers classify every request for Priority and Fairness and say so in these headers.
    res.setHeader('X-Kubernetes-Pf-Flowschema-Uid', FLOW_SCHEMA_UID);
    res.setHeader('X-Kubernetes-Pf-Prioritylevel-Uid', PRIORITY_LEVEL_UID);
    dispatch(req, res).catch((err) => sendError(res, err));
  };

  async function dispatch(req: Req, res: Res): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const { cluster: clusterName, rest } = splitCluster(url.pathname);
    const route = parseApiPath(rest);
    const user = await authenticate(req, route);
    const cluster = clusters.get(clusterName);
    if (!cluster) throw new StatusError(404, 'NotFound', `cluster "${clusterName}" not found`, { kind: 'clusters', name: clusterName });
    const ctx: RequestContext = { store, cluster, req, res, query: url.searchParams, accept: parseAccept(req), user, server: hooks, relativeUrl: rest + url.search };
    await route2handler(ctx, route);
  }

  async function authenticate(req: Req, route: ApiRequest): Promise<UserInfo> {
    const header = String(req.headers.authorization ?? '');
    const token = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    const user = token ? await options.authenticate(token) : undefined;
    if (user) return user;
    if (PUBLIC_PATHS.has(route.type)) return { name: 'system:anonymous', groups: ['system:unauthenticated'], readOnly: true };
    throw StatusError.unauthorized();
  }

  async function route2handler(ctx: RequestContext, route: ApiRequest): Promise<void> {
    switch (route.type) {
      case 'version':
        return sendJson(ctx.res, 200, versionInfo());
      case 'healthz':
        ctx.res.writeHead(200, { 'Content-Type': 'text/plain' });
        ctx.res.end('ok');
        return;
      case 'openapi-v2':
        throw StatusError.notFoundPath();
      case 'openapi-v3-index':
      case 'openapi-v3-doc':
        return serveOpenApi(ctx, route);
      case 'resource':
        return serveResource(ctx, route);
      case 'unknown':
        throw StatusError.notFoundPath();
      default:
        return serveDiscovery(ctx, route);
    }
  }

  return {
    handle,
    store,
    addCluster,
    cluster: lookup,
    async start() {
      await addCluster(ROOT_CLUSTER);
      await loadLogicalClusters();
      await gc.start();
      startCompaction(options.storage, options.compactionIntervalMs ?? 300_000, shutdown.signal);
    },
    async close() {
      shutdown.abort();
      await options.storage.close();
    },
  };
}

/** Like kube-apiserver: every period, compact at the revision seen one period earlier. */
function startCompaction(storage: Storage, intervalMs: number, signal: AbortSignal): void {
  let previous = 0;
  const timer = setInterval(() => {
    void (async () => {
      const current = await storage.currentRevision();
      if (previous > 0) await storage.compact(previous);
      previous = current;
    })().catch((err) => {
      if (!signal.aborted) console.error('compaction failed:', err);
    });
  }, intervalMs);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer));
}

async function ensureNamespaces(store: ObjectStore, cluster: ClusterState, names: string[]): Promise<void> {
  const def = cluster.registry.lookup('', 'v1', 'namespaces')!;
  for (const name of names) {
    if (await store.tryGet(cluster.name, def, undefined, name)) continue;
    await store.create(cluster.name, def, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore' }).catch((err) => {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    });
  }
}
