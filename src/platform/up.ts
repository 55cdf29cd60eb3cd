import { createSecureServer } from 'node:http2';
import type { Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleRegistryGc, handleTokenRequest, handleWhoAmI } from './auth-endpoint.ts';
import { randomBytes } from 'node:crypto';
import { writeFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApiServer } from '../apiserver/index.ts';
import type { ApiServer } from '../apiserver/index.ts';
import { openSqliteStorage } from '../storage/index.ts';
import { StatusError } from '../kube/index.ts';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { ensureDataDir, writeRuntime } from './datadir.ts';
import { ensureTls } from './tls.ts';
import { ADMIN_ROLE, UserStore } from './users.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import { CLUSTER_CRD, GLOBAL_CLUSTER_LABELS, clusterObject } from './clusters.ts';
import { ARTIFACT_CRDS } from '../artifacts/index.ts';
import { AGENT_CRDS, startClusterAgent } from '../agent/index.ts';
import { GLOBAL_PLUGIN_CRDS, startPluginCenter } from '../plugins/index.ts';
import { DEFAULT_CATALOG_SOURCES, OLM_CRDS, startPackageServer } from '../olm/index.ts';
import { startOlm } from '../olm/operators/index.ts';
import { createCatalogSourceContent } from '../olm/catalogsource/index.ts';
import { createNodeSimulator } from '../simulator/index.ts';
import type { PackageServer } from '../olm/index.ts';
import { createKubeClient } from '../kube/index.ts';
import { createRegistryClient } from '../oci/index.ts';
import { createRegistry } from '../registry/index.ts';
import { CHART_CRDS, createChartRepository, isChartRepositoryPath } from '../charts/index.ts';
import type { Registry, RegistryAuth } from '../registry/index.ts';
import { isPlatformAdmin } from './users.ts';
import { OPERATOR_UPGRADES_PATH, handleOperatorUpgrades } from './upgrades-endpoint.ts';

/** Every cluster's platform CRDs, by component. */
const PLATFORM_CRDS: KubeObject[] = [...ARTIFACT_CRDS, ...OLM_CRDS, ...AGENT_CRDS];
/** CRDs only the global cluster serves (cluster plugins are published there). */
const GLOBAL_CRDS: KubeObject[] = [...GLOBAL_PLUGIN_CRDS, ...CHART_CRDS];

export interface UpOptions {
  dataDir: string;
  host?: string;
  port?: number;
  adminPassword?: string;
  tlsSans?: string[];
  /** Let anyone pull from the platform registry without credentials (default false). */
  anonymousPull?: boolean;
  compactionIntervalMs?: number;
  minRequestTimeoutSeconds?: number;
  /** Where progress lines go (the CLI prints them; tests may silence them). */
  log?: (line: string) => void;
}

export interface Platform {
  url: string;
  port: number;
  caFile: string;
  kubeconfigPath: string;
  /** `host:port` of the platform registry (same port as the API). */
  registryHost: string;
  registry: Registry;
  adminToken: string;
  api: ApiServer;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'cpaas-system'];

/** Starts the embedded platform: HTTPS API server with logical clusters, on one port. */
export async function startPlatform(opts: UpOptions): Promise<Platform> {
  const log = opts.log ?? (() => {});
  const dataDir = ensureDataDir(opts.dataDir);
  const tls = await ensureTls(dataDir, opts.tlsSans);
  // A directory with only the CA, for tools that read a certs dir (skopeo --dest-cert-dir, docker certs.d).
  mkdirSync(join(dataDir, 'certs'), { recursive: true });
  writeFileSync(join(dataDir, 'certs', 'ca.crt'), tls.ca);
  const users = new UserStore(dataDir);
  const admin = ensureAdmin(users, dataDir, opts.adminPassword, log);
  const storage = openSqliteStorage(join(dataDir, 'state.db'));
  const apiRef: { current?: ApiServer } = {};
  const clusterNames = new Set<string>();
  const clusterServices: { start?: (cluster: string) => Promise<void>; client?: (cluster: string) => KubeClient | undefined } = {};
  const api = createApiServer({
    storage,
    authenticate: (token) => users.authenticate(token),
    clusterResource: { group: 'platform.tkestack.io', plural: 'clusters' },
    systemNamespaces: SYSTEM_NAMESPACES,
    compactionIntervalMs: opts.compactionIntervalMs,
    onClusterAdded: async (cluster) => {
      await installPlatformCRDs(apiRef.current!, cluster.name);
      clusterNames.add(cluster.name);
      await clusterServices.start?.(cluster.name);
    },
    minRequestTimeoutSeconds: opts.minRequestTimeoutSeconds,
  });
  apiRef.current = api;
  const registry = createRegistry({ root: join(dataDir, 'registry'), auth: registryAuth(users), anonymousPull: opts.anonymousPull ?? false, onError: (err) => log(`registry error: ${(err as Error).stack ?? err}`), onManifest: (event) => charts.onManifest(event) });
  const charts = createChartRepository({ root: join(dataDir, 'charts'), auth: registryAuth(users), anonymousGet: opts.anonymousPull ?? false, registry: registry.content, onError: (what, err) => log(`charts: ${what}: ${(err as Error).message}`) });
  await charts.start();
  await api.start();
  await bootstrapGlobal(api);
  const server = createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true }, (req, res) => route(req as unknown as IncomingMessage, res as unknown as ServerResponse));
  /** One HTTPS port: platform endpoints, then the Kubernetes API. */
  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/platform/v1/token') return void handleTokenRequest(users, req, res).catch((err) => sendPlain(res, 500, String(err)));
    if (path === '/platform/v1/whoami') return handleWhoAmI(users, req, res);
    if (path === '/platform/v1/registry/gc') return void handleRegistryGc(users, registry, req, res).catch((err) => sendPlain(res, 500, String(err)));
    if (OPERATOR_UPGRADES_PATH.test(path)) return void handleOperatorUpgrades(users, (c) => clusterServices.client?.(c), req, res).catch((err) => sendPlain(res, 500, String(err)));
    if (path === '/v2' || path.startsWith('/v2/')) return void registry.handle(req, res).catch((err) => sendPlain(res, 500, String(err)));
    if (isChartRepositoryPath(path)) return void charts.handle(req, res).catch((err) => sendPlain(res, 500, String(err)));
    api.handle(req, res);
  }
  trackConnections(server);
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, host, opts.port ?? 0);
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, buildKubeconfig({ baseUrl: url, caPem: tls.ca, token: admin.token, user: 'admin', clusters: ['global'] }), { mode: 0o600 });
  writeRuntime(dataDir, { pid: process.pid, host, port, url, startedAt: new Date().toISOString() });
  // Per-cluster services that talk to the platform through its API (packageserver now; OLM operators next).
  const services = new AbortController();
  await charts.watchChartRepos(createKubeClient({ server: url, token: admin.token, ca: tls.ca, userAgent: 'marketplace-charts' }), url, services.signal);
  const packageServers: PackageServer[] = [];
  const registryClient = createRegistryClient({ registry: `${host}:${port}`, ca: tls.ca, credentials: { token: admin.token }, userAgent: 'marketplace-packageserver' });
  // One chart render serves the same plugin in every cluster (the agents share it; each labels its own copy).
  const chartRenders = new Map<string, KubeObject[]>();
  const clusterUrl = (cluster: string) => (cluster === 'global' ? url : `${url}/kubernetes/${encodeURIComponent(cluster)}`);
  // A client per request for the platform's bulk operator upgrades (admin token), for clusters that exist.
  clusterServices.client = (cluster) => (clusterNames.has(cluster) ? createKubeClient({ server: clusterUrl(cluster), token: admin.token, ca: tls.ca, userAgent: 'marketplace-operator-upgrades' }) : undefined);
  clusterServices.start = async (cluster: string) => {
    const kube = createKubeClient({ server: clusterUrl(cluster), token: admin.token, ca: tls.ca, userAgent: 'marketplace-olm' });
    // CatalogSource content (FBC images) and status, shared by the packageserver and the catalog operator.
    const images = createCatalogSourceContent({ kube, platformRegistry: registryClient, signal: services.signal, onError: (what, err) => log(`${cluster}: ${what}: ${(err as Error).message}`) });
    await images.start();
    packageServers.push(await startPackageServer({ kube, registry: registryClient, signal: services.signal, images }));
    await startOlm({ kube, registry: registryClient, images, signal: services.signal, onError: (what, err) => log(`${cluster}: ${what}: ${(err as Error).message}`) });
    await createNodeSimulator({ kube, registry: registryClient, signal: services.signal }).start();
    // The cluster agent: AppReleases (what cluster plugins install) → rendered, applied, pruned objects.
    await startClusterAgent({ kube, registry: registryClient, ca: tls.ca, platformToken: admin.token, platformOrigin: new URL(url).origin, sharedRenders: chartRenders, signal: services.signal, onError: (what, err) => log(`${cluster}: ${what}: ${(err as Error).message}`) });
  };
  for (const cluster of clusterNames) await clusterServices.start(cluster);
  // The plugin center (global): ModuleConfigs per published plugin version, ModuleInfo installs via AppReleases.
  const pluginClients = new Map<string, KubeClient>();
  const pluginClusterClient = (cluster: string) => {
    if (!clusterNames.has(cluster)) return undefined;
    if (!pluginClients.has(cluster)) pluginClients.set(cluster, createKubeClient({ server: clusterUrl(cluster), token: admin.token, ca: tls.ca, userAgent: 'marketplace-plugins' }));
    return pluginClients.get(cluster);
  };
  await startPluginCenter({ kube: pluginClusterClient('global')!, registry: registryClient, clusterClient: pluginClusterClient, facts: { registryAddress: `${host.includes(':') ? `[${host}]` : host}:${port}` }, signal: services.signal, onError: (what, err) => log(`plugins: ${what}: ${(err as Error).message}`) });
  return {
    url,
    port,
    caFile: tls.caFile,
    kubeconfigPath,
    registryHost: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    registry,
    adminToken: admin.token,
    api,
    async close() {
      services.abort();
      await Promise.all(packageServers.map((p) => p.close()));
      server.close();
      for (const session of sessions(server)) session.destroy();
      await registry.close();
      await api.close();
    },
  };
}

/** Registry access for platform users: admins push, everyone with an account pulls. */
function registryAuth(users: UserStore): RegistryAuth {
  return {
    checkPassword: (username, password) => {
      const user = users.checkPassword(username, password);
      return user && { name: user.username, canPush: isPlatformAdmin(user) };
    },
    checkToken: (token) => {
      const user = users.userForToken(token);
      return user && { name: user.username, canPush: isPlatformAdmin(user) };
    },
    issueToken: (identity, ttlSeconds) => users.signToken(identity.name, ttlSeconds).token,
  };
}

/** Creates `admin` on first start (password from the flag or generated and printed once). */
function ensureAdmin(users: UserStore, dataDir: string, password: string | undefined, log: (l: string) => void): { token: string } {
  const tokenFile = join(dataDir, 'admin.token');
  if (!users.hasUser('admin') || password) {
    const pw = password ?? randomBytes(12).toString('base64url');
    users.upsertUser('admin', pw, 'System', [ADMIN_ROLE]);
    if (!password) log(`created user "admin" with password: ${pw}   (shown once; change it with --admin-password)`);
  }
  if (existsSync(tokenFile)) return { token: readFileSync(tokenFile, 'utf8').trim() };
  const { token } = users.issueToken('admin');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  return { token };
}

/** CRDs every cluster gets (Artifacts now; OLM and plugins later). Idempotent. */
async function installPlatformCRDs(api: ApiServer, cluster: string): Promise<void> {
  const crdDef = api.cluster(cluster)!.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  const crds = cluster === 'global' ? [...PLATFORM_CRDS, ...GLOBAL_CRDS] : PLATFORM_CRDS;
  for (const crd of crds) await createIfAbsent(api, crdDef, undefined, crd, cluster);
  const catsrcDef = api.cluster(cluster)!.registry.lookup('operators.coreos.com', 'v1alpha1', 'catalogsources')!;
  for (const cs of DEFAULT_CATALOG_SOURCES) await createIfAbsent(api, catsrcDef, 'cpaas-system', cs, cluster);
}

/** The platform's own objects in `global`: the Cluster CRD and the global Cluster. */
async function bootstrapGlobal(api: ApiServer): Promise<void> {
  const global = api.cluster('global')!;
  const crdDef = global.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  await createIfAbsent(api, crdDef, undefined, CLUSTER_CRD);
  const clusterDef = global.registry.lookup('platform.tkestack.io', 'v1', 'clusters')!;
  await createIfAbsent(api, clusterDef, undefined, clusterObject('global', GLOBAL_CLUSTER_LABELS));
}

async function createIfAbsent(api: ApiServer, def: Parameters<ApiServer['store']['create']>[1], namespace: string | undefined, obj: KubeObject, cluster = 'global'): Promise<void> {
  try {
    await api.store.create(cluster, def, namespace, structuredClone(obj), { dryRun: false, fieldManager: 'marketplace', fieldValidation: 'Strict' });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  }
}

function sendPlain(res: ServerResponse, code: number, text: string): void {
  if (!res.headersSent) res.writeHead(code, { 'Content-Type': 'text/plain' });
  res.end(text);
}

function listen(server: Http2SecureServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

const openSessions = new WeakMap<Http2SecureServer, Set<{ destroy(): void }>>();

function sessions(server: Http2SecureServer): Set<{ destroy(): void }> {
  return openSessions.get(server) ?? new Set();
}

/** Tracks sessions and HTTP/1 sockets so close() does not wait for open watches. */
export function trackConnections(server: Http2SecureServer): void {
  const set = new Set<{ destroy(): void }>();
  openSessions.set(server, set);
  server.on('session', (s) => {
    set.add(s);
    s.on('close', () => set.delete(s));
  });
  server.on('secureConnection', (sock) => {
    set.add(sock);
    sock.on('close', () => set.delete(sock));
  });
}
