/**
 * OLM benchmark: a real `marketplace up` subprocess with a generated catalog of ArtifactVersions (N packages ×
 * M versions, written by server-side apply exactly as `violet push` registers them), then PackageManifest
 * lists (API and the real kubectl), Subscription → InstallPlan resolution, `violet push` → PackageManifest
 * latency, and Automatic Subscription → CSV Succeeded for the clickhouse-operator example. Loopback TLS only.
 * Prints figures, asserts nothing. See bench/README.md for what each figure means.
 *
 * Run: node bench/olm.ts            (500 packages × 10 versions)
 *      node bench/olm.ts 100 5      (smaller catalog, for a quick look)
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Agent } from 'node:https';
import type { KubeObject } from '../src/kube/index.ts';
import { writeTestImageLayout } from '../src/oci/fixtures.ts';
import type { PackageManifest } from '../src/packages/format.ts';
import { buildPackage } from '../src/packages/writer.ts';
import { packageSource } from '../src/violet/authoring/build.ts';
import { readBundleSource } from '../src/violet/authoring/bundle.ts';
import { buildArtifact, buildArtifactVersion } from '../src/violet/push/register.ts';
import type { RegisterContext } from '../src/violet/push/register.ts';
import { Client } from './lib/apiclient.ts';
import { violetPush as pushWithViolet } from './lib/violet.ts';
import { runBench, tempDir } from './lib/cleanup.ts';
import { ROOT, startPlatform } from './lib/platform.ts';
import type { Platform } from './lib/platform.ts';
import { measured, procCpuMs, procMemory, sleep } from './lib/proc.ts';
import { fmt, lineWriter, mib, ms, secs, section, size } from './lib/report.ts';
import { median, percentile } from './lib/stats.ts';

const KUBECTL = join(ROOT, '.tools', 'bin', 'kubectl');

const PACKAGES = Math.max(1, Math.min(5000, Number(process.argv[2] ?? 500) || 500));
const VERSIONS = Math.max(1, Math.min(100, Number(process.argv[3] ?? 10) || 10));
const WRITERS = 8;
const LIST_RUNS = 5;
const KUBECTL_RUNS = 3;
const RESOLVE_RUNS = 5;
const PUSH_RUNS = 10;
const INSTALL_RUNS = 5;
const POLL_MS = 20;
const INSTALL_POLL_MS = 50;
/** Every loop is also bounded in time; a phase that hits its cap reports what it managed. */
const CREATE_PHASE_CAP_MS = 90_000;
const WAIT_CAP_MS = 60_000;
const OVERALL_CAP_MS = 360_000;

const SYSTEM_NS = 'cpaas-system';
const CATALOG = 'platform';
/** Generated bundles name images on a registry nobody serves (as with --dest-repo), so nothing tries to unpack them. */
const FAKE_REGISTRY = 'registry.bench.example';
const ADMIN_PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
const PUSH_PACKAGE = 'bench-push-operator';
const CLICKHOUSE = join(ROOT, 'examples', 'operator', 'clickhouse-operator-0.18.2');

const ARTIFACTS_PATH = `/apis/app.alauda.io/v1alpha1/namespaces/${SYSTEM_NS}/artifacts`;
const AVS_PATH = `/apis/app.alauda.io/v1alpha1/namespaces/${SYSTEM_NS}/artifactversions`;
const PM_PATH = '/apis/packages.operators.coreos.com/v1/namespaces/default/packagemanifests';
const APPLY_QUERY = '?fieldManager=violet&force=true&fieldValidation=Strict';
const line = lineWriter(56);

const pkgName = (i: number) => `bench-op-${String(i).padStart(4, '0')}`;
const versionOf = (j: number) => `1.${j}.0`;

interface PackageManifestObject {
  metadata: { name: string };
  status?: { channels?: { name: string; currentCSV?: string; entries?: { name: string; version: string }[] }[] };
}

// ---------------------------------------------------------------------------------------------
// packages built before the platform starts (not timed)

/** One version of a small bundle package: a bundle image (random layer, no CSV) and one related image. */
async function buildPushPackage(outDir: string, j: number): Promise<{ file: string; version: string }> {
  const version = versionOf(j);
  const layout = tempDir('mp-bench-olm-layout-');
  const bundleRef = `harbor.demo.io/bench/${PUSH_PACKAGE}-bundle:v${version}`;
  const imageRef = `harbor.demo.io/bench/${PUSH_PACKAGE}:v${version}`;
  await writeTestImageLayout(layout, { tag: bundleRef, layers: [2048] });
  await writeTestImageLayout(layout, { tag: imageRef, layers: [4096] });
  const { file } = await buildPackage({
    outDir,
    layoutDir: layout,
    manifest: {
      type: 'bundle',
      name: PUSH_PACKAGE,
      displayName: 'Bench Push Operator',
      version,
      arch: 'ALL',
      channel: 'stable',
      artifact: bundleRef,
      relatedImages: [imageRef],
      bundle: {
        package: PUSH_PACKAGE,
        channels: ['stable'],
        defaultChannel: 'stable',
        csvName: `${PUSH_PACKAGE}.v${version}`,
        csvVersion: version,
        ...(j > 0 ? { replaces: `${PUSH_PACKAGE}.v${versionOf(j - 1)}` } : {}),
        sourceType: 'Community',
        provider: 'Bench',
      },
    },
  });
  return { file, version };
}

/** The clickhouse-operator 0.18.2 example with synthetic multi-arch stand-ins for its images (as buildExamples does). */
async function buildClickhouse(outDir: string): Promise<string> {
  const layout = join(tempDir('mp-bench-olm-ch-'), 'images');
  for (const ref of (await readBundleSource(CLICKHOUSE)).relatedImages) {
    await writeTestImageLayout(layout, { tag: ref, layers: [16 * 1024, 32 * 1024], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
  }
  return (await packageSource(CLICKHOUSE, { imagesLayout: layout, outDir })).file;
}

// ---------------------------------------------------------------------------------------------
// 1. generated catalog

function generatedManifest(i: number, j: number): PackageManifest {
  const pkg = pkgName(i);
  const version = versionOf(j);
  return {
    schemaVersion: 1,
    type: 'bundle',
    name: pkg,
    displayName: `Bench Operator ${i}`,
    version,
    channel: 'stable',
    arch: 'ALL',
    artifact: `harbor.demo.io/bench/${pkg}-bundle:v${version}`,
    relatedImages: [`harbor.demo.io/bench/${pkg}:v${version}`, `harbor.demo.io/bench/${pkg}-exporter:v${version}`],
    images: [],
    bundle: {
      package: pkg,
      channels: ['stable'],
      defaultChannel: 'stable',
      csvName: `${pkg}.v${version}`,
      csvVersion: version,
      ...(j > 0 ? { replaces: `${pkg}.v${versionOf(j - 1)}` } : {}),
      sourceType: 'Community',
      provider: 'Bench',
    },
    createdAt: new Date(0).toISOString(),
    createdBy: 'bench',
  };
}

function contextOf(m: PackageManifest): RegisterContext {
  return {
    registry: FAKE_REGISTRY,
    repository: `bench/${m.name}-bundle`,
    tag: `v${m.version}`,
    digest: `sha256:${createHash('sha256').update(`${m.name}@${m.version}`).digest('hex')}`,
    catalogSource: CATALOG,
    chartRepo: 'chart',
  };
}

interface WriteResult {
  ok: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  serverCpuMs: number;
}

/** Server-side applies `count` objects (`make(k)` → path + body) from WRITERS keep-alive connections. */
async function applyAll(client: Client, pid: number, count: number, make: (k: number) => { path: string; body: KubeObject }, onApplied?: (k: number, obj: KubeObject) => void): Promise<WriteResult> {
  const result: WriteResult = { ok: 0, errors: 0, wallMs: 0, serverCpuMs: 0 };
  const agents = Array.from({ length: WRITERS }, () => client.agent(1));
  let next = 0;
  const cpu0 = procCpuMs(pid).own;
  const t0 = performance.now();
  const deadline = t0 + CREATE_PHASE_CAP_MS;
  await Promise.all(
    agents.map(async (agent) => {
      while (next < count && performance.now() < deadline) {
        const k = next++;
        const { path, body } = make(k);
        const res = await client.call(agent, 'PATCH', path + APPLY_QUERY, { body, contentType: 'application/apply-patch+yaml' });
        if (res.status === 200 || res.status === 201) {
          result.ok++;
          onApplied?.(k, JSON.parse(res.body.toString()) as KubeObject);
        } else {
          result.errors++;
          result.firstError ??= `HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`;
        }
      }
    }),
  );
  result.wallMs = performance.now() - t0;
  result.serverCpuMs = procCpuMs(pid).own - cpu0;
  for (const agent of agents) agent.destroy();
  return result;
}

function reportWrites(label: string, r: WriteResult, count: number): void {
  line(label, `${ms(r.wallMs)}  (${fmt(r.ok)} objects, ${fmt(r.ok / (r.wallMs / 1000))}/s; platform CPU ${ms(r.serverCpuMs / Math.max(1, r.ok))}/object)`);
  if (r.errors) line('  errors', `${r.errors}; first: ${r.firstError}`);
  if (r.ok + r.errors < count) line('  stopped at the phase time cap', `${fmt(r.ok + r.errors)} of ${fmt(count)}`);
}

async function waitServed(client: Client, agent: Agent): Promise<void> {
  const deadline = performance.now() + WAIT_CAP_MS;
  for (;;) {
    const res = await client.call(agent, 'GET', PM_PATH);
    const cs = await client.call(agent, 'GET', `/apis/operators.coreos.com/v1alpha1/namespaces/${SYSTEM_NS}/catalogsources/${CATALOG}`);
    if (res.status === 200 && cs.status === 200) return;
    if (performance.now() > deadline) throw new Error(`packagemanifests not served: HTTP ${res.status} ${res.body.toString().slice(0, 300)}; catalogsource: HTTP ${cs.status}`);
    await sleep(100);
  }
}

async function benchCatalog(client: Client, platform: Platform): Promise<void> {
  const total = PACKAGES * VERSIONS;
  section(`1. generated catalog: ${fmt(PACKAGES)} packages × ${fmt(VERSIONS)} versions = ${fmt(total)} ArtifactVersions (server-side apply, ${WRITERS} connections)`);
  const uids = new Map<number, string>();
  const t0 = performance.now();
  const arts = await applyAll(
    client,
    platform.pid,
    PACKAGES,
    (i) => {
      const m = generatedManifest(i, VERSIONS - 1);
      return { path: `${ARTIFACTS_PATH}/${pkgName(i)}`, body: { apiVersion: 'app.alauda.io/v1alpha1', ...buildArtifact(m, contextOf(m)) } };
    },
    (i, obj) => uids.set(i, obj.metadata.uid!),
  );
  reportWrites(`Artifacts (${fmt(PACKAGES)})`, arts, PACKAGES);
  const avs = await applyAll(client, platform.pid, total, (k) => {
    const i = Math.floor(k / VERSIONS);
    const m = generatedManifest(i, k % VERSIONS);
    const artifact = { kind: 'Artifact', metadata: { name: m.name, uid: uids.get(i) ?? 'missing' } };
    const av = buildArtifactVersion(m, contextOf(m), artifact);
    return { path: `${AVS_PATH}/${av.metadata.name}`, body: { apiVersion: 'app.alauda.io/v1alpha1', ...av } };
  });
  reportWrites(`ArtifactVersions (${fmt(total)})`, avs, total);
  const written = performance.now() - t0;
  line('all writes', ms(written));

  // Until the packageserver lists every generated package (its informer has caught up).
  const agent = client.agent(1);
  const deadline = performance.now() + WAIT_CAP_MS;
  let seen = 0;
  let lastAv = '';
  const last = generatedManifest(PACKAGES - 1, VERSIONS - 1).bundle!.csvName;
  while (performance.now() < deadline) {
    const res = await client.call(agent, 'GET', PM_PATH, { timeoutMs: 120_000 });
    if (res.status === 200) {
      const items = (JSON.parse(res.body.toString()) as { items: PackageManifestObject[] }).items;
      seen = items.filter((p) => p.metadata.name.startsWith('bench-op-')).length;
      lastAv = items.find((p) => p.metadata.name === pkgName(PACKAGES - 1))?.status?.channels?.[0]?.currentCSV ?? '';
      if (seen >= PACKAGES && lastAv === last) break;
    }
    await sleep(100);
  }
  agent.destroy();
  const visible = performance.now() - t0;
  line('first write → every package listed with its head', `${ms(visible)}  (${fmt(seen)} of ${fmt(PACKAGES)} packages; last head ${lastAv || 'none'}; ${ms(visible - written)} after the last write)`);
}

// ---------------------------------------------------------------------------------------------
// 2. lists

async function benchLists(client: Client, platform: Platform): Promise<void> {
  section('2. PackageManifest list (namespace default)');
  const agent = client.agent(1);
  const runs = [];
  for (let n = 0; n < LIST_RUNS; n++) runs.push(await client.call(agent, 'GET', PM_PATH, { timeoutMs: 120_000 }));
  agent.destroy();
  const bad = runs.find((r) => r.status !== 200);
  const items = (JSON.parse(runs[runs.length - 1].body.toString()) as { items: unknown[] }).items.length;
  line(`GET JSON, median of ${LIST_RUNS}: server / client total`, `${ms(median(runs.map((r) => r.headersMs)))} / ${ms(median(runs.map((r) => r.totalMs)))}  (runs: ${runs.map((r) => fmt(r.totalMs)).join(', ')} ms)${bad ? `  HTTP ${bad.status}` : ''}`);
  line('response', `${size(runs[runs.length - 1].body.length)}, ${fmt(items)} items`);

  const home = tempDir('mp-bench-home-');
  const env = { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, '.kube', 'cache'), KUBECONFIG: join(platform.dataDir, 'kubeconfig') };
  const run = (args: string[]) => measured(KUBECTL, args, { env, capMs: 60_000, hardKill: true });
  const warm = await run(['get', 'packagemanifests']);
  line('kubectl get packagemanifests, cold discovery cache', `${ms(warm.wallMs)}${warm.code ? `  exit ${warm.code}: ${warm.stderr.slice(0, 300)}` : ''}`);
  for (const args of [['get', 'packagemanifests'], ['get', 'packagemanifests', '-o', 'json']]) {
    const kruns = [];
    for (let n = 0; n < KUBECTL_RUNS; n++) kruns.push(await run(args));
    const failed = kruns.find((r) => r.code !== 0);
    const last = kruns[kruns.length - 1];
    line(`kubectl ${args.join(' ')}, median of ${KUBECTL_RUNS}`, `${ms(median(kruns.map((r) => r.wallMs)))}  (${kruns.map((r) => fmt(r.wallMs)).join(', ')} ms; ${fmt(last.stdoutLines)} lines, ${size(last.stdoutBytes)})${failed ? `  exit ${failed.code}: ${failed.stderr.slice(0, 300)}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. resolution, 5. install

function subscription(name: string, ns: string, pkg: string, approval: 'Manual' | 'Automatic', targets: string): KubeObject {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name, namespace: ns, annotations: { 'cpaas.io/target-namespaces': targets } },
    spec: { channel: 'stable', installPlanApproval: approval, name: pkg, source: CATALOG, sourceNamespace: SYSTEM_NS },
  };
}

async function createNamespace(client: Client, agent: Agent, name: string): Promise<void> {
  await client.json(agent, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** Polls `check` every `everyMs` until it is true or WAIT_CAP_MS passed; returns the time it first was true, or NaN. */
async function until(check: () => Promise<boolean>, everyMs: number): Promise<number> {
  const deadline = performance.now() + WAIT_CAP_MS;
  while (performance.now() < deadline) {
    if (await check().catch(() => false)) return performance.now();
    await sleep(everyMs);
  }
  return NaN;
}

async function benchResolution(client: Client): Promise<void> {
  section(`3. Manual Subscription → InstallPlan exists (${RESOLVE_RUNS} fresh namespaces, polled every ${POLL_MS} ms)`);
  const agent = client.agent(1);
  const poll = client.agent(1);
  const times: number[] = [];
  for (let n = 0; n < RESOLVE_RUNS; n++) {
    const ns = `bench-resolve-${n}`;
    const pkg = pkgName((n * 97) % PACKAGES);
    await createNamespace(client, agent, ns);
    const t0 = performance.now();
    await client.json(agent, 'POST', `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/subscriptions`, { body: subscription(pkg, ns, pkg, 'Manual', ns) });
    const seen = await until(async () => {
      const list = await client.json<{ items: unknown[] }>(poll, 'GET', `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/installplans`);
      return list.items.length > 0;
    }, POLL_MS);
    times.push(seen - t0);
  }
  agent.destroy();
  poll.destroy();
  const missing = times.filter((t) => !Number.isFinite(t)).length;
  line('Subscription POST → InstallPlan listed, median', `${ms(median(times))}  (runs: ${times.map((t) => fmt(t)).join(', ')} ms)${missing ? `  ${missing} timed out after ${WAIT_CAP_MS / 1000} s` : ''}`);
}

async function benchInstall(client: Client, platform: Platform, file: string): Promise<void> {
  section(`5. Automatic Subscription → CSV Succeeded, clickhouse-operator 0.18.2 (${INSTALL_RUNS} namespaces, OwnNamespace, polled every ${INSTALL_POLL_MS} ms)`);
  const push = await violetPush(platform, file);
  line('violet push of the package (images + resources)', `${ms(push.wallMs)}${push.code ? `  exit ${push.code}: ${push.stderr.slice(-300)}` : ''}`);
  const agent = client.agent(1);
  const poll = client.agent(1);
  // The package must be in the catalog before the first Subscription, or run 1 measures the push.
  await until(async () => (await client.call(poll, 'GET', `${PM_PATH}/clickhouse-operator`)).status === 200, POLL_MS);
  const plans: number[] = [];
  const succeeded: number[] = [];
  let lastPhase = '';
  for (let n = 0; n < INSTALL_RUNS; n++) {
    const ns = `bench-install-${n}`;
    await createNamespace(client, agent, ns);
    const t0 = performance.now();
    await client.json(agent, 'POST', `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/subscriptions`, { body: subscription('clickhouse-operator', ns, 'clickhouse-operator', 'Automatic', ns) });
    let plan = NaN;
    const done = await until(async () => {
      if (!Number.isFinite(plan)) {
        const ips = await client.json<{ items: unknown[] }>(poll, 'GET', `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/installplans`);
        if (ips.items.length) plan = performance.now();
      }
      const csvs = await client.json<{ items: { status?: { phase?: string; reason?: string } }[] }>(poll, 'GET', `/apis/operators.coreos.com/v1alpha1/namespaces/${ns}/clusterserviceversions`);
      lastPhase = csvs.items.map((c) => `${c.status?.phase ?? ''}/${c.status?.reason ?? ''}`).join(',');
      return csvs.items.some((c) => c.status?.phase === 'Succeeded');
    }, INSTALL_POLL_MS);
    plans.push(plan - t0);
    succeeded.push(done - t0);
  }
  agent.destroy();
  poll.destroy();
  const sorted = [...succeeded].filter(Number.isFinite).sort((a, b) => a - b);
  const missing = succeeded.length - sorted.length;
  line('Subscription POST → InstallPlan listed, median', ms(median(plans)));
  line('Subscription POST → CSV Succeeded p50 / p95', `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))}  (runs: ${succeeded.map((t) => fmt(t)).join(', ')} ms)`);
  if (missing) line('  not Succeeded within the cap', `${missing}; last CSV phase/reason: ${lastPhase || 'no CSV'}`);
}

// ---------------------------------------------------------------------------------------------
// 4. push → PackageManifest

/** `violet push <file>`; `registeredAt` = when its registration line arrived here. */
const violetPush = (platform: Platform, file: string) => pushWithViolet(platform, file, ADMIN_PASSWORD, /artifactversion \S+ registered/);

async function benchPushLatency(client: Client, platform: Platform, files: { file: string; version: string }[]): Promise<void> {
  section(`4. violet push → version in GET packagemanifest/${PUSH_PACKAGE} (${files.length} pushes, polled every ${POLL_MS} ms)`);
  const poll = client.agent(1);
  const latencies: number[] = [];
  const walls: number[] = [];
  const failures: string[] = [];
  for (const { file, version } of files) {
    const push = await violetPush(platform, file);
    walls.push(push.wallMs);
    if (push.code !== 0 || Number.isNaN(push.registeredAt)) {
      failures.push(`${version}: exit ${push.code}: ${push.stderr.slice(-200)}`);
      continue;
    }
    const seen = await until(async () => {
      const res = await client.call(poll, 'GET', `${PM_PATH}/${PUSH_PACKAGE}`);
      if (res.status !== 200) return false;
      const pm = JSON.parse(res.body.toString()) as PackageManifestObject;
      return !!pm.status?.channels?.some((c) => c.entries?.some((e) => e.version === version));
    }, POLL_MS);
    latencies.push(seen - push.registeredAt);
  }
  poll.destroy();
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  line('violet push wall (subprocess, incl. Node start), median', ms(median(walls)));
  line('"registered" line → version visible p50 / p95', `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 95))}  (max ${ms(sorted[sorted.length - 1] ?? NaN)}; ${sorted.length} of ${files.length} seen)`);
  if (latencies.length > sorted.length) line('  not visible within the cap', String(latencies.length - sorted.length));
  for (const f of failures.slice(0, 3)) line('  push failed', f);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  process.stdout.write(`Marketplace OLM benchmark — ${fmt(PACKAGES)} packages × ${fmt(VERSIONS)} versions, node ${process.version}, HTTPS on loopback\n`);
  const tb = performance.now();
  const pkgDir = tempDir('mp-bench-olm-pkgs-');
  const pushFiles = [];
  for (let j = 0; j < PUSH_RUNS; j++) pushFiles.push(await buildPushPackage(pkgDir, j));
  const clickhouse = await buildClickhouse(tempDir('mp-bench-olm-ch-out-'));
  const buildMs = performance.now() - tb;

  const platform = await startPlatform(tempDir('mp-bench-olm-data-'), ADMIN_PASSWORD);
  const client = new Client(platform.url, platform.dataDir);
  const agent = client.agent(1);
  await waitServed(client, agent);
  agent.destroy();
  process.stdout.write(`(setup: ${PUSH_RUNS + 1} packages built in ${secs(buildMs)}; platform ready in ${secs(platform.wallMs)}, RSS ${mib(procMemory(platform.pid).rss)})\n`);

  await benchCatalog(client, platform);
  const memLoaded = procMemory(platform.pid);
  await benchLists(client, platform);
  await benchResolution(client);
  await benchPushLatency(client, platform, pushFiles);
  await benchInstall(client, platform, clickhouse);
  const memEnd = procMemory(platform.pid);

  section('6. platform memory');
  line('VmRSS after the catalog is loaded', mib(memLoaded.rss));
  line('VmRSS at the end', mib(memEnd.rss));
  line('VmHWM (peak RSS)', mib(memEnd.hwm));
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}
await runBench(main, OVERALL_CAP_MS);
