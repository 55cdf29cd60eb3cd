/**
 * Cluster plugin benchmark: a real `marketplace up` subprocess; generated plugin sources (module-plugin.yaml,
 * scripts/plugin-config.yaml, a Helm chart whose images are listed in values.yaml global.images, synthetic image
 * stand-ins) packaged with violet's own packaging and pushed with the real `violet push` CLI; then
 *   1. push → ModuleConfig `<plugin>-<version>` with status.readyForDeploy (from violet's "updated" line, and
 *      from the ModulePlugin's watch event: the controller's own latency),
 *   2. ModuleInfo POST → status.phase Running for a chart of 20 objects, one install per workload cluster,
 *   3. N plugins × M clusters installed at once (wall time until all Running, platform CPU and peak RSS).
 * Workload clusters are created with `marketplace cluster create`. Loopback TLS only. Prints figures,
 * asserts nothing. See bench/README.md for what each figure means.
 *
 * Run: node bench/plugins.ts                 (20 plugins, 10 clusters: 20 × 10 = 200 installs)
 *      node bench/plugins.ts 20 10 --spread  (20 installs, plugin i into cluster i mod 10)
 *      node bench/plugins.ts 4 2             (quick look: 4 plugins, 2 clusters, 8 installs)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:https';
import type { KubeObject } from '../src/kube/index.ts';
import { writeTestImageLayout } from '../src/oci/fixtures.ts';
import { packageSource } from '../src/violet/authoring/build.ts';
import { Client } from './lib/apiclient.ts';
import { violetPush as pushWithViolet } from './lib/violet.ts';
import { runBench, tempDir } from './lib/cleanup.ts';
import { CLI, startPlatform } from './lib/platform.ts';
import type { Platform } from './lib/platform.ts';
import { measured, procCpuMs, procMemory, resetPeak, sleep } from './lib/proc.ts';
import { fmt, lineWriter, mib, ms, secs, section } from './lib/report.ts';
import { median, percentile } from './lib/stats.ts';


const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PLUGINS = Math.max(1, Math.min(100, Number(args[0] ?? 20) || 20));
const CLUSTERS = Math.max(1, Math.min(50, Number(args[1] ?? 10) || 10));
/** --spread: one install per plugin (plugin i → cluster i mod CLUSTERS) instead of every plugin in every cluster. */
const SPREAD = process.argv.includes('--spread');
const BIG_INSTALLS = Math.min(5, CLUSTERS);
const POST_CONNECTIONS = 4;
const RSS_SAMPLE_MS = 200;
/** Every wait is bounded; a phase that hits its cap reports what it managed. */
const WAIT_CAP_MS = 60_000;
const MASS_CAP_MS = 600_000;
const OVERALL_CAP_MS = 1_500_000;

const VERSION = '1.0.0';
const TAG = `v${VERSION}`;
const SOURCE_REGISTRY = 'registry.example.com';
const CHART_NAMESPACE = 'cpaas-system';
const BIG = 'bench-big';
const ADMIN_PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
const GROUP_PATH = '/apis/cluster.alauda.io/v1alpha1';
const line = lineWriter(58);

const pluginName = (i: number) => `bench-plugin-${String(i).padStart(2, '0')}`;
const clusterName = (c: number) => `bench-c${String(c).padStart(2, '0')}`;
const LABEL = { cluster: 'cpaas.io/cluster-name', module: 'cpaas.io/module-name', type: 'cpaas.io/module-type' };

// ---------------------------------------------------------------------------------------------
// generated plugin sources (not timed)

function modulePluginYaml(name: string): string {
  return `apiVersion: cluster.alauda.io/v1alpha1
kind: ModulePlugin
metadata:
  name: ${name}
  annotations:
    cpaas.io/module-name: ${name}
    cpaas.io/display-name: '{"en": "Bench ${name}", "zh": "Bench ${name}"}'
  labels:
    cpaas.io/module-type: plugin
    cpaas.io/module-name: ${name}
    cpaas.io/lifecycle-type: agnostic
spec:
  name: ${name}
  logo: ""
  description: {en: A generated plugin of the plugin benchmark., zh: 基准测试生成的插件。}
  deleteable: true
  mainChart: acp/chart-${name}
  appReleases:
  - name: ${name}
    namespace: ${CHART_NAMESPACE}
    chartVersions:
    - {name: acp/chart-${name}, releaseName: ${name}, version: ${TAG}}
  affinity:
    clusterAffinity:
      matchExpressions:
      - {key: cpaas.io/os-linux, operator: Exists}
      matchLabels:
        cpaas.io/arch-amd64: "true"
  upgradeRiskLevel: Low
`;
}

const pluginConfigYaml = (name: string) => `supportedUpgradeVersions: ">= v1.0.0"
mustUpgrade: false
config: {}
valuesTemplates:
  acp/chart-${name}: |
    replicas: << .Replicas >>
    clusterName: << .ClusterName >>
deployDescriptors: []
editDescriptors: []
`;

const image = (key: string) => `{{ .Values.global.registry.address }}/{{ .Values.global.images.${key}.repository }}:{{ .Values.global.images.${key}.tag }}`;
const meta = (kind: string, apiVersion: string, name: string, namespaced = true) =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: {{ .Release.Name }}-${name}\n${namespaced ? '  namespace: {{ .Release.Namespace }}\n' : ''}  labels: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: ${name}}\n`;

const configMap = (name: string) => `${meta('ConfigMap', 'v1', name)}data:\n  cluster: {{ .Values.clusterName | quote }}\n  component: ${name}\n`;
const serviceAccount = (name: string) => meta('ServiceAccount', 'v1', name);
const service = (name: string, target: string) =>
  `${meta('Service', 'v1', name)}spec:\n  selector: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: ${target}}\n  ports:\n  - {port: 80, targetPort: 8080}\n`;
const podSpec = (component: string, imageKey: string, sa: string) => `  selector:
    matchLabels: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: ${component}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: ${component}}
    spec:
      serviceAccountName: {{ .Release.Name }}-${sa}
      containers:
      - name: ${component}
        image: ${image(imageKey)}
        ports:
        - containerPort: 8080
`;
const deployment = (name: string, imageKey: string, sa: string) => `${meta('Deployment', 'apps/v1', name)}spec:\n  replicas: {{ .Values.replicas }}\n${podSpec(name, imageKey, sa)}`;

/** The 20 objects of the chart of figure 2: 5 images, 3 Deployments, a DaemonSet, a StatefulSet, RBAC, … */
function bigChart(): { templates: string; images: string[] } {
  const docs = [
    serviceAccount('api'),
    serviceAccount('agent'),
    configMap('config'),
    configMap('rules'),
    configMap('dashboards'),
    `${meta('Secret', 'v1', 'credentials')}type: Opaque\nstringData:\n  token: not-a-secret\n`,
    `${meta('ClusterRole', 'rbac.authorization.k8s.io/v1', 'reader', false)}rules:\n- apiGroups: [""]\n  resources: [pods, services, configmaps]\n  verbs: [get, list, watch]\n`,
    `${meta('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'reader', false)}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {{ .Release.Name }}-reader}\nsubjects:\n- {kind: ServiceAccount, name: {{ .Release.Name }}-api, namespace: {{ .Release.Namespace }}}\n`,
    `${meta('Role', 'rbac.authorization.k8s.io/v1', 'leader-election')}rules:\n- apiGroups: [coordination.k8s.io]\n  resources: [leases]\n  verbs: [get, create, update]\n`,
    `${meta('RoleBinding', 'rbac.authorization.k8s.io/v1', 'leader-election')}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: {{ .Release.Name }}-leader-election}\nsubjects:\n- {kind: ServiceAccount, name: {{ .Release.Name }}-api, namespace: {{ .Release.Namespace }}}\n`,
    deployment('api', 'api', 'api'),
    deployment('controller', 'controller', 'api'),
    deployment('webhook', 'webhook', 'api'),
    service('api', 'api'),
    service('webhook', 'webhook'),
    service('metrics', 'controller'),
    `${meta('DaemonSet', 'apps/v1', 'agent')}spec:\n${podSpec('agent', 'agent', 'agent')}`,
    `${meta('StatefulSet', 'apps/v1', 'store')}spec:\n  serviceName: {{ .Release.Name }}-api\n  replicas: 1\n${podSpec('store', 'store', 'api')}`,
    `${meta('PodDisruptionBudget', 'policy/v1', 'api')}spec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: api}\n`,
    `${meta('NetworkPolicy', 'networking.k8s.io/v1', 'api')}spec:\n  podSelector:\n    matchLabels: {app.kubernetes.io/name: {{ .Release.Name }}, app.kubernetes.io/component: api}\n  policyTypes: [Ingress]\n  ingress:\n  - ports:\n    - {port: 8080}\n`,
  ];
  return { templates: docs.join('---\n'), images: ['api', 'controller', 'webhook', 'agent', 'store'] };
}

/** The 4 objects of a small plugin (figures 1 and 3): ServiceAccount, ConfigMap, Deployment, Service; one image. */
function smallChart(): { templates: string; images: string[] } {
  return { templates: [serviceAccount('main'), configMap('config'), deployment('main', 'main', 'main'), service('main', 'main')].join('---\n'), images: ['main'] };
}

/** Writes a plugin source directory and synthetic images for it into `layout`; returns the packaged file. */
async function buildPlugin(name: string, chart: { templates: string; images: string[] }, root: string, layout: string, outDir: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'module-plugin.yaml'), modulePluginYaml(name));
  writeFileSync(join(dir, 'scripts', 'plugin-config.yaml'), pluginConfigYaml(name));
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\ndescription: A generated plugin of the plugin benchmark.\nversion: ${VERSION}\nappVersion: ${TAG}\n`);
  const images = chart.images.map((key) => `    ${key}:\n      repository: bench/${name}-${key}\n      tag: ${TAG}\n`).join('');
  writeFileSync(join(dir, 'values.yaml'), `global:\n  registry:\n    address: ${SOURCE_REGISTRY}\n  images:\n${images}replicas: 1\nclusterName: ""\n`);
  writeFileSync(join(dir, 'templates', 'all.yaml'), chart.templates);
  for (const key of chart.images) await writeTestImageLayout(layout, { tag: `${SOURCE_REGISTRY}/bench/${name}-${key}:${TAG}`, layers: [4096] });
  return (await packageSource(dir, { imagesLayout: layout, outDir })).file;
}

// ---------------------------------------------------------------------------------------------
// watches: every event is timestamped on arrival (same process, same clock as the requests)

/** A watch on a global collection, re-opened if the server ends it; `onEvent` for ADDED/MODIFIED objects. */
class Watch {
  private req?: ClientRequest;
  private stopped = false;
  private readonly agent: Agent;
  private readonly client: Client;
  private readonly path: string;
  private readonly onEvent: (obj: KubeObject, at: number) => void;

  constructor(client: Client, path: string, onEvent: (obj: KubeObject, at: number) => void) {
    this.client = client;
    this.path = path;
    this.onEvent = onEvent;
    this.agent = client.agent(1);
  }

  /** Resolves once the server answered 200. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${this.client.base}${this.path}?watch=true`, { agent: this.agent, ca: this.client.ca, headers: this.client.headers({ Accept: 'application/json' }) }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${this.path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
            const text = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!text) continue;
            const ev = JSON.parse(text) as { type: string; object: KubeObject };
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.onEvent(ev.object, at);
          }
        });
        res.on('error', () => {});
        res.on('close', () => this.reopen());
      });
      req.on('error', (err) => (this.req === req && this.stopped ? undefined : reject(err)));
      this.req = req;
      req.end();
    });
  }

  private reopen(): void {
    if (this.stopped) return;
    setTimeout(() => void this.open().catch(() => this.reopen()), 200);
  }

  stop(): void {
    this.stopped = true;
    this.req?.destroy();
    this.agent.destroy();
  }
}

interface PluginTimes {
  /** First ModulePlugin event. */
  plugin?: number;
  /** First ModuleConfig event, and the first with status.readyForDeploy true. */
  config?: number;
  ready?: number;
}

interface InstallTimes {
  renamed?: number;
  /** First AppRelease event in the target cluster (its name is the plugin's). */
  appRelease?: number;
  /** First AppRelease event with Synced and Health True for its generation (the agent's part is done). */
  appReleaseReady?: number;
  synced?: number;
  running?: number;
  phase?: string;
  message?: string;
}

interface ModuleInfoStatusView {
  phase?: string;
  appReleases?: { synced?: boolean }[];
  conditions?: { type: string; status: string; message?: string }[];
}

const plugins = new Map<string, PluginTimes>();
const installs = new Map<string, InstallTimes>();
const installKey = (cluster: string, module: string) => `${cluster}/${module}`;

function onPlugin(obj: KubeObject, at: number): void {
  const t = plugins.get(obj.metadata.name!) ?? {};
  t.plugin ??= at;
  plugins.set(obj.metadata.name!, t);
}

function onConfig(obj: KubeObject, at: number): void {
  const module = obj.metadata.labels?.[LABEL.module];
  if (!module || obj.metadata.name !== `${module}-${TAG}`) return;
  const t = plugins.get(module) ?? {};
  t.config ??= at;
  if ((obj.status as { readyForDeploy?: boolean } | undefined)?.readyForDeploy) t.ready ??= at;
  plugins.set(module, t);
}

function onInfo(obj: KubeObject, at: number): void {
  const cluster = obj.metadata.labels?.[LABEL.cluster];
  const module = obj.metadata.labels?.[LABEL.module];
  if (!cluster || !module) return;
  const key = installKey(cluster, module);
  const t = installs.get(key) ?? {};
  const status = (obj.status ?? {}) as ModuleInfoStatusView;
  if (new RegExp(`^${cluster}-[0-9a-f]{32}$`).test(obj.metadata.name!)) t.renamed ??= at;
  if (status.appReleases?.length && status.appReleases.every((a) => a.synced)) t.synced ??= at;
  if (status.phase === 'Running') t.running ??= at;
  t.phase = status.phase;
  t.message = status.conditions?.find((c) => c.status === 'False')?.message;
  installs.set(key, t);
}

/** AppRelease watch of one workload cluster: the generated plugins name their AppRelease after themselves. */
const onAppRelease = (cluster: string) => (obj: KubeObject, at: number) => {
  const key = installKey(cluster, obj.metadata.name!);
  const t = installs.get(key) ?? {};
  t.appRelease ??= at;
  const status = (obj.status ?? {}) as { observedGeneration?: number; conditions?: { type: string; status: string }[] };
  const isTrue = (type: string) => status.conditions?.some((c) => c.type === type && c.status === 'True');
  if (status.observedGeneration === obj.metadata.generation && isTrue('Synced') && isTrue('Health')) t.appReleaseReady ??= at;
  installs.set(key, t);
};

/** Polls `check` every `everyMs` until it is true or `capMs` passed; returns the time it first was true, or NaN. */
async function until(check: () => boolean, everyMs = 10, capMs = WAIT_CAP_MS): Promise<number> {
  const deadline = performance.now() + capMs;
  while (performance.now() < deadline) {
    if (check()) return performance.now();
    await sleep(everyMs);
  }
  return NaN;
}

const p50p95 = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))}  (max ${ms(sorted[sorted.length - 1] ?? NaN)}; ${sorted.length} of ${values.length})`;
};

const spread = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return `${secs(sorted[0] ?? NaN)} / ${secs(percentile(sorted, 50))} / ${secs(sorted[sorted.length - 1] ?? NaN)}  (${sorted.length} of ${values.length})`;
};

// ---------------------------------------------------------------------------------------------
// 1. push → ModuleConfig

/** `violet push <file>`; `registeredAt` = when its registration line arrived here. */
const violetPush = (platform: Platform, file: string) => pushWithViolet(platform, file, ADMIN_PASSWORD, /moduleplugin \S+ has been updated successfully/);

interface PushResult {
  wallMs: number;
  /** "updated" line → ModuleConfig ready; ModulePlugin event → ModuleConfig seen / ready. */
  lineToReady: number;
  eventToConfig: number;
  eventToReady: number;
  failure?: string;
}

async function pushAndWait(platform: Platform, name: string, file: string): Promise<PushResult> {
  const push = await violetPush(platform, file);
  if (push.code !== 0 || Number.isNaN(push.registeredAt)) return { wallMs: push.wallMs, lineToReady: NaN, eventToConfig: NaN, eventToReady: NaN, failure: `${name}: exit ${push.code}: ${push.stderr.slice(-300)}` };
  await until(() => plugins.get(name)?.ready !== undefined);
  const t = plugins.get(name) ?? {};
  const sub = (a?: number, b?: number) => (a === undefined || b === undefined ? NaN : a - b);
  return { wallMs: push.wallMs, lineToReady: sub(t.ready, push.registeredAt), eventToConfig: sub(t.config, t.plugin), eventToReady: sub(t.ready, t.plugin) };
}

async function benchPush(platform: Platform, files: string[]): Promise<void> {
  section(`1. violet push → ModuleConfig <plugin>-${TAG} readyForDeploy (${files.length} plugins of 4 objects, pushed one at a time, watched)`);
  const results: PushResult[] = [];
  for (let i = 0; i < files.length; i++) results.push(await pushAndWait(platform, pluginName(i), files[i]));
  line('violet push wall (subprocess, incl. Node start), median', ms(median(results.map((r) => r.wallMs))));
  line('"moduleplugin … updated" line → readyForDeploy p50 / p95', p50p95(results.map((r) => r.lineToReady)));
  line('ModulePlugin event → ModuleConfig event p50 / p95', p50p95(results.map((r) => r.eventToConfig)));
  line('ModulePlugin event → readyForDeploy event p50 / p95', p50p95(results.map((r) => r.eventToReady)));
  for (const f of results.filter((r) => r.failure).slice(0, 3)) line('  push failed', f.failure!);
}

// ---------------------------------------------------------------------------------------------
// clusters

async function createClusters(platform: Platform): Promise<void> {
  section(`clusters: ${CLUSTERS} × marketplace cluster create --label cpaas.io/os-linux=true --label cpaas.io/arch-amd64=true`);
  const rss0 = procMemory(platform.pid).rss;
  const walls: number[] = [];
  const t0 = performance.now();
  for (let c = 0; c < CLUSTERS; c++) {
    const run = await measured(process.execPath, [CLI, 'cluster', 'create', clusterName(c), '--label', 'cpaas.io/os-linux=true', '--label', 'cpaas.io/arch-amd64=true', '--data-dir', platform.dataDir], { env: process.env, capMs: WAIT_CAP_MS, hardKill: true });
    if (run.code !== 0) throw new Error(`marketplace cluster create ${clusterName(c)}: exit ${run.code}: ${run.stderr.slice(-500)}`);
    walls.push(run.wallMs);
  }
  line('cluster create (subprocess, incl. Node start), median', `${ms(median(walls))}  (all ${CLUSTERS}: ${secs(performance.now() - t0)})`);
  const rss1 = procMemory(platform.pid).rss;
  line('platform VmRSS before → after', `${mib(rss0)} → ${mib(rss1)}  (${mib((rss1 - rss0) / CLUSTERS)} per cluster)`);
}

// ---------------------------------------------------------------------------------------------
// 2. ModuleInfo → Running, 20 objects

function moduleInfo(cluster: string, module: string): KubeObject {
  return {
    apiVersion: 'cluster.alauda.io/v1alpha1',
    kind: 'ModuleInfo',
    metadata: { name: `${cluster}-tmp-${module}`, labels: { [LABEL.cluster]: cluster, [LABEL.module]: module, [LABEL.type]: 'plugin' } },
    spec: { config: {}, version: TAG },
  };
}

/** Objects the agent applied for AppRelease `release` in `cluster` (label operator.alauda.io/app-release). */
async function countObjects(client: Client, agent: Agent, cluster: string, release: string): Promise<number> {
  const q = `?labelSelector=${encodeURIComponent(`operator.alauda.io/app-release=${release}`)}`;
  const ns = `namespaces/${CHART_NAMESPACE}`;
  const paths = [
    ...['serviceaccounts', 'configmaps', 'secrets', 'services'].map((r) => `/api/v1/${ns}/${r}`),
    ...['deployments', 'daemonsets', 'statefulsets'].map((r) => `/apis/apps/v1/${ns}/${r}`),
    `/apis/rbac.authorization.k8s.io/v1/${ns}/roles`,
    `/apis/rbac.authorization.k8s.io/v1/${ns}/rolebindings`,
    '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    `/apis/policy/v1/${ns}/poddisruptionbudgets`,
    `/apis/networking.k8s.io/v1/${ns}/networkpolicies`,
  ];
  let n = 0;
  for (const p of paths) n += (await client.json<{ items: unknown[] }>(agent, 'GET', `/kubernetes/${cluster}${p}${q}`).catch(() => ({ items: [] }))).items.length;
  return n;
}

async function benchBig(client: Client, platform: Platform, file: string): Promise<void> {
  section(`2. ModuleInfo POST → phase Running, chart of 20 objects, 5 images (${BIG_INSTALLS} installs into ${BIG_INSTALLS} clusters, one at a time)`);
  const push = await pushAndWait(platform, BIG, file);
  line('violet push wall / "updated" line → readyForDeploy', `${ms(push.wallMs)} / ${ms(push.lineToReady)}${push.failure ? `  FAILED ${push.failure}` : ''}`);
  const agent = client.agent(1);
  const rows: { renamed: number; appRelease: number; appReleaseReady: number; synced: number; running: number }[] = [];
  for (let c = 0; c < BIG_INSTALLS; c++) {
    const cluster = clusterName(c);
    const t0 = performance.now();
    await client.json(agent, 'POST', `${GROUP_PATH}/moduleinfoes`, { body: moduleInfo(cluster, BIG) });
    const key = installKey(cluster, BIG);
    await until(() => installs.get(key)?.running !== undefined || installs.get(key)?.phase === 'Failed');
    const t = installs.get(key) ?? {};
    rows.push({ renamed: (t.renamed ?? NaN) - t0, appRelease: (t.appRelease ?? NaN) - t0, appReleaseReady: (t.appReleaseReady ?? NaN) - t0, synced: (t.synced ?? NaN) - t0, running: (t.running ?? NaN) - t0 });
    if (t.running === undefined) line(`  ${cluster}: not Running`, `phase ${t.phase ?? 'none'}: ${t.message ?? ''}`.slice(0, 300));
  }
  line('POST → renamed to <cluster>-<32 hex>, median', ms(median(rows.map((r) => r.renamed))));
  line('POST → AppRelease created in the cluster, median', ms(median(rows.map((r) => r.appRelease))));
  line('POST → AppRelease Synced+Health (agent done), median', ms(median(rows.map((r) => r.appReleaseReady))));
  line('POST → ModuleInfo shows it synced, median', ms(median(rows.map((r) => r.synced))));
  line('POST → phase Running p50 / p95', p50p95(rows.map((r) => r.running)));
  line('  runs', `${rows.map((r) => fmt(r.running)).join(', ')} ms`);
  line(`objects applied in ${clusterName(0)} (label app-release=${BIG})`, String(await countObjects(client, agent, clusterName(0), BIG)));
  agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// 3. many plugins × many clusters

/** Phases of the installs that did not reach Running, and one example's unmet condition. */
function reportStuck(keys: string[]): void {
  const phases = new Map<string, number>();
  for (const k of keys.filter((k) => installs.get(k)?.running === undefined)) phases.set(installs.get(k)?.phase ?? 'no status', (phases.get(installs.get(k)?.phase ?? 'no status') ?? 0) + 1);
  line('  phases of the rest', [...phases].map(([p, n]) => `${p} ${n}`).join(', '));
  const stuck = keys.find((k) => installs.get(k)?.running === undefined);
  if (stuck) line(`  e.g. ${stuck}`, `${installs.get(stuck)?.phase ?? 'no status'}: ${installs.get(stuck)?.message ?? ''}`.slice(0, 300));
}

async function benchMass(client: Client, platform: Platform): Promise<void> {
  const pairs: { cluster: string; module: string }[] = [];
  if (SPREAD) for (let i = 0; i < PLUGINS; i++) pairs.push({ cluster: clusterName(i % CLUSTERS), module: pluginName(i) });
  else for (let i = 0; i < PLUGINS; i++) for (let c = 0; c < CLUSTERS; c++) pairs.push({ cluster: clusterName(c), module: pluginName(i) });
  section(`3. ${PLUGINS} plugins × ${CLUSTERS} clusters: ${pairs.length} ModuleInfos (${SPREAD ? 'one per plugin, spread over the clusters' : 'every plugin in every cluster'}), POSTed from ${POST_CONNECTIONS} connections`);
  const pid = platform.pid;
  const peakReset = resetPeak(pid);
  const rss0 = procMemory(pid).rss;
  let maxRss = rss0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, procMemory(pid).rss || 0)), RSS_SAMPLE_MS);
  const cpu0 = procCpuMs(pid);
  const created = new Map<string, number>();
  const errors: string[] = [];
  const t0 = performance.now();
  let next = 0;
  const agents = Array.from({ length: POST_CONNECTIONS }, () => client.agent(1));
  await Promise.all(
    agents.map(async (agent) => {
      while (next < pairs.length) {
        const { cluster, module } = pairs[next++];
        const sent = performance.now();
        const res = await client.call(agent, 'POST', `${GROUP_PATH}/moduleinfoes`, { body: moduleInfo(cluster, module) });
        if (res.status === 201 || res.status === 200) created.set(installKey(cluster, module), sent);
        else errors.push(`${cluster}/${module}: HTTP ${res.status}: ${res.body.toString().slice(0, 200)}`);
      }
    }),
  );
  const postedMs = performance.now() - t0;
  for (const a of agents) a.destroy();
  const keys = [...created.keys()];
  const runningCount = () => keys.filter((k) => installs.get(k)?.running !== undefined).length;
  const done = await until(() => runningCount() === keys.length, 50, MASS_CAP_MS);
  const wall = (Number.isFinite(done) ? done : performance.now()) - t0;
  clearInterval(sampler);
  const cpu1 = procCpuMs(pid);
  const cpu = cpu1.own - cpu0.own;
  const childCpu = cpu1.children - cpu0.children;
  const mem = procMemory(pid);
  maxRss = Math.max(maxRss, mem.rss || 0);

  const latencies = keys.map((k) => (installs.get(k)?.running ?? NaN) - created.get(k)!);
  const lastRunning = Math.max(...keys.map((k) => installs.get(k)?.running ?? -Infinity));
  line('all POSTs answered', `${secs(postedMs)}  (${created.size} created${errors.length ? `, ${errors.length} refused; first: ${errors[0]}` : ''})`);
  line('first POST → all Running (wall)', Number.isFinite(done) ? `${secs(wall)}  (${fmt(keys.length / (wall / 1000), 1)} installs/s)` : `not all within ${MASS_CAP_MS / 1000} s: ${runningCount()} of ${keys.length} Running`);
  if (!Number.isFinite(done) && Number.isFinite(lastRunning)) line('  first POST → last one that did reach Running', secs(lastRunning - t0));
  const since = (pick: (t: InstallTimes) => number | undefined) => keys.map((k) => (pick(installs.get(k) ?? {}) ?? NaN) - t0);
  line('per install: POST → Running p50 / p95', p50p95(latencies));
  line('first POST → renamed: min / p50 / max', spread(since((t) => t.renamed)));
  line('first POST → AppRelease created: min / p50 / max', spread(since((t) => t.appRelease)));
  line('first POST → AppRelease Synced+Health: min / p50 / max', spread(since((t) => t.appReleaseReady)));
  line('first POST → ModuleInfo shows it synced: min / p50 / max', spread(since((t) => t.synced)));
  line('first POST → Running: min / p50 / max', spread(since((t) => t.running)));
  if (!Number.isFinite(done)) reportStuck(keys);
  line('platform CPU over the phase', `${secs(cpu)}  (${ms(cpu / Math.max(1, keys.length))} per install; ${fmt((100 * cpu) / wall, 0)} % of one core)`);
  line('  + its exited children (helm) over the phase', `${secs(childCpu)}  (${ms(childCpu / Math.max(1, keys.length))} per install)`);
  line('platform VmRSS before → after', `${mib(rss0)} → ${mib(mem.rss)}`);
  line('platform peak RSS: sampled VmRSS / VmHWM', `${mib(maxRss)} / ${mib(mem.hwm)}  (VmRSS every ${RSS_SAMPLE_MS} ms; VmHWM ${peakReset ? 'reset when the phase began' : 'of the whole run'})`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  process.stdout.write(`Marketplace cluster plugin benchmark — ${PLUGINS} plugins, ${CLUSTERS} clusters${SPREAD ? ' (spread)' : ''}, node ${process.version}, HTTPS on loopback\n`);
  const tb = performance.now();
  const root = tempDir('mp-bench-plugins-src-');
  const layout = join(tempDir('mp-bench-plugins-images-'), 'images');
  const outDir = tempDir('mp-bench-plugins-pkgs-');
  const smallFiles: string[] = [];
  for (let i = 0; i < PLUGINS; i++) smallFiles.push(await buildPlugin(pluginName(i), smallChart(), root, layout, outDir));
  const bigFile = await buildPlugin(BIG, bigChart(), root, layout, outDir);
  const buildMs = performance.now() - tb;

  const platform = await startPlatform(tempDir('mp-bench-plugins-data-'), ADMIN_PASSWORD);
  const client = new Client(platform.url, platform.dataDir);
  const watches = [new Watch(client, `${GROUP_PATH}/moduleplugins`, onPlugin), new Watch(client, `${GROUP_PATH}/moduleconfigs`, onConfig), new Watch(client, `${GROUP_PATH}/moduleinfoes`, onInfo)];
  try {
    // The plugin CRDs may be installed just after the ready line.
    const deadline = performance.now() + WAIT_CAP_MS;
    for (const w of watches) {
      for (;;) {
        try {
          await w.open();
          break;
        } catch (err) {
          if (performance.now() > deadline) throw err;
          await sleep(200);
        }
      }
    }
    process.stdout.write(`(setup: ${PLUGINS + 1} plugin packages built in ${secs(buildMs)}; platform ready in ${secs(platform.wallMs)}, RSS ${mib(procMemory(platform.pid).rss)})\n`);
    process.stdout.write('(figures are noisy when other work shares the machine; compare runs on the same machine)\n');

    await benchPush(platform, smallFiles);
    await createClusters(platform);
    for (let c = 0; c < CLUSTERS; c++) {
      const w = new Watch(client, `/kubernetes/${clusterName(c)}/apis/operator.alauda.io/v1alpha1/appreleases`, onAppRelease(clusterName(c)));
      watches.push(w);
      await w.open();
    }
    await benchBig(client, platform, bigFile);
    await benchMass(client, platform);
    const mem = procMemory(platform.pid);
    section('4. platform memory');
    line('VmRSS at the end', mib(mem.rss));
    line('VmHWM (peak RSS)', mib(mem.hwm));
  } finally {
    for (const w of watches) w.stop();
  }
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}
await runBench(main, OVERALL_CAP_MS);
