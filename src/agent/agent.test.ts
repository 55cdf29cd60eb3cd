import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeObject, ResourceRef } from '../kube/index.ts';
import { waitForEstablished } from '../kube/index.ts';
import { createRegistryClient } from '../oci/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { createNodeSimulator } from '../simulator/index.ts';
import { startTestEnv, waitFor } from '../simulator/testing.ts';
import type { TestEnv } from '../simulator/testing.ts';
import { APP_RELEASE_FINALIZER, APP_RELEASE_LABEL, APPRELEASE_CRD, APPRELEASES, CHART_RELEASE_LABEL, ownerSelector, startClusterAgent } from './index.ts';
import type { AppRelease } from './index.ts';
import { demoChart, pushChart, startChartRepo } from './testing.ts';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };
const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services', namespaced: true };
const CLUSTERROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', namespaced: false };
const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', plural: 'widgets', namespaced: true };
const NS = 'cpaas-system';

let env: TestEnv;
let dir: string;
let pusher: RegistryClient;
let image: string;
let agentStop = new AbortController();
const stop = new AbortController();
const errors: string[] = [];

const startAgent = (resyncMs?: number) => startClusterAgent({ kube: env.kube, registry: env.registry, signal: agentStop.signal, pollMs: 200, resyncMs, onError: (what, err) => errors.push(`${what}: ${(err as Error).message}`) });

before(async () => {
  env = await startTestEnv();
  dir = await mkdtemp(join(tmpdir(), 'agent-test-'));
  pusher = createRegistryClient({ registry: env.registry.registry, plain: true, credentials: { username: 'admin', password: 'pw' } });
  image = `${env.registry.registry}/acp/demo:v1`;
  await env.pushImage(image);
  await pushChart(pusher, dir, 'acp/chart-demo', '1.0.0', demoChart('1.0.0', image));
  await pushChart(pusher, dir, 'acp/chart-demo', '2.0.0', demoChart('2.0.0', image));
  await env.kube.create({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }, { metadata: { name: NS } });
  await env.kube.create(CRDS, APPRELEASE_CRD);
  assert.ok(await waitForEstablished(env.kube, APPRELEASE_CRD.metadata.name!, { timeoutMs: 5_000 }));
  await createNodeSimulator({ kube: env.kube, registry: env.registry, signal: stop.signal, recheckMs: 200 }).start();
  await startAgent();
});

after(async () => {
  agentStop.abort();
  stop.abort();
  pusher.close();
  await env.stop();
  await rm(dir, { recursive: true, force: true });
});

function appRelease(name: string, repoURL: string, version: string, values: Record<string, unknown> = {}): AppRelease {
  return {
    apiVersion: 'operator.alauda.io/v1alpha1',
    kind: 'AppRelease',
    metadata: { name, namespace: NS, annotations: { 'auto-recycle': 'true', 'interval-sync': 'true' } },
    spec: { destination: { cluster: 'global', namespace: NS }, source: { repoURL, charts: [{ name: 'acp/chart-demo', releaseName: name, targetRevision: version, values }] }, values: { message: 'common' }, timeout: 60 },
  };
}

const get = (name: string) => env.kube.get<AppRelease>(APPRELEASES, name, NS);
const condition = (ar: AppRelease, type: string) => ar.status?.conditions?.find((c) => c.type === type);

async function waitHealthy(name: string, what: string, extra: (ar: AppRelease) => boolean = () => true): Promise<AppRelease> {
  await waitFor(async () => {
    const ar = await get(name);
    return ar.status?.observedGeneration === ar.metadata.generation && condition(ar, 'Synced')?.status === 'True' && condition(ar, 'Health')?.status === 'True' && extra(ar);
  }, async () => `${what}: ${JSON.stringify((await get(name)).status)} errors=${errors.join(' | ')}`, 20_000);
  return get(name);
}

test('installs a chart from the platform registry: objects labelled, Synced and Health True', async () => {
  await env.kube.create(APPRELEASES, appRelease('demo', env.registry.registry, '1.0.0', { message: 'hi' }));
  const ar = await waitHealthy('demo', 'demo installed');
  assert.deepEqual(ar.metadata.finalizers, [APP_RELEASE_FINALIZER]);
  const chart = ar.status!.charts!['acp/chart-demo'];
  assert.equal(chart.phase, 'Success');
  assert.equal(chart.installedRevision, '1.0.0');
  assert.equal(chart.revision, 1);
  assert.equal(chart.resources, 6);
  assert.equal(chart.ready, true);
  const cm = await env.kube.get(CONFIGMAPS, 'demo-config', NS);
  assert.equal((cm.data as Record<string, string>).message, 'hi');
  assert.equal(cm.metadata.labels?.[APP_RELEASE_LABEL], 'demo');
  assert.equal(cm.metadata.labels?.[CHART_RELEASE_LABEL], 'demo');
  for (const [ref, name, ns] of [[DEPLOYMENTS, 'demo', NS], [SERVICES, 'demo', NS], [WIDGETS, 'demo-widget', NS], [CLUSTERROLES, 'demo-reader', undefined], [CRDS, 'widgets.example.com', undefined]] as const) {
    const obj = await env.kube.get(ref, name, ns);
    assert.equal(obj.metadata.labels?.[APP_RELEASE_LABEL], 'demo', `${ref.plural}/${name} is labelled`);
  }
  assert.deepEqual(ar.status!.inventory, ['apiextensions.k8s.io/v1/CustomResourceDefinition', 'apps/v1/Deployment', 'example.com/v1/Widget', 'rbac.authorization.k8s.io/v1/ClusterRole', 'v1/ConfigMap', 'v1/Service']);
});

test('an unchanged render is not applied again', async () => {
  const before = await env.kube.get(CONFIGMAPS, 'demo-config', NS);
  await env.kube.patch(APPRELEASES, 'demo', NS, { metadata: { annotations: { touched: 'yes' } } });
  await new Promise((r) => setTimeout(r, 500));
  const after = await env.kube.get(CONFIGMAPS, 'demo-config', NS);
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.equal((await get('demo')).status!.charts!['acp/chart-demo'].revision, 1);
});

test('changing values re-renders and re-applies', async () => {
  const current = await get('demo');
  current.spec.source.charts[0].values = { message: 'changed' };
  await env.kube.patch(APPRELEASES, 'demo', NS, { spec: { source: current.spec.source } });
  await waitFor(async () => ((await env.kube.get(CONFIGMAPS, 'demo-config', NS)).data as Record<string, string>).message === 'changed', 'configmap updated');
  const ar = await waitHealthy('demo', 'demo re-applied', (a) => a.status?.charts?.['acp/chart-demo'].revision === 2);
  assert.equal(ar.status!.charts!['acp/chart-demo'].installedRevision, '1.0.0');
});

test('a new targetRevision that drops objects prunes them', async () => {
  const current = await get('demo');
  current.spec.source.charts[0].targetRevision = '2.0.0';
  await env.kube.patch(APPRELEASES, 'demo', NS, { spec: { source: current.spec.source } });
  const ar = await waitHealthy('demo', 'demo upgraded', (a) => a.status?.charts?.['acp/chart-demo'].installedRevision === '2.0.0');
  assert.equal(await env.kube.tryGet(SERVICES, 'demo', NS), undefined);
  assert.equal(await env.kube.tryGet(CLUSTERROLES, 'demo-reader'), undefined);
  assert.equal(((await env.kube.get(CONFIGMAPS, 'demo-config', NS)).data as Record<string, string>).chartVersion, '2.0.0');
  assert.equal(ar.status!.charts!['acp/chart-demo'].resources, 4);
  assert.deepEqual(ar.status!.inventory, ['apiextensions.k8s.io/v1/CustomResourceDefinition', 'apps/v1/Deployment', 'example.com/v1/Widget', 'v1/ConfigMap']);
});

test('after a restart, objects a crashed apply left behind are pruned and nothing is duplicated', async () => {
  agentStop.abort();
  // As if the agent died mid-apply of a revision that added a Service: the inventory names it, the hash was never recorded.
  await env.kube.create(SERVICES, { metadata: { name: 'stray', namespace: NS, labels: { [APP_RELEASE_LABEL]: 'demo', 'operator.alauda.io/app-release-namespace': NS, [CHART_RELEASE_LABEL]: 'demo' } }, spec: { ports: [{ port: 80 }] } } as KubeObject);
  const ar = await get('demo');
  await env.kube.request('PATCH', env.kube.path(APPRELEASES, NS, 'demo', 'status'), { status: { inventory: [...ar.status!.inventory!, 'v1/Service'], charts: { 'acp/chart-demo': { phase: 'Installing', manifestHash: 'interrupted' } } } }, 'application/merge-patch+json');
  agentStop = new AbortController();
  await startAgent();
  await waitFor(async () => (await env.kube.tryGet(SERVICES, 'stray', NS)) === undefined, 'stray Service pruned');
  const healed = await waitHealthy('demo', 'demo converged', (a) => a.status?.charts?.['acp/chart-demo'].phase === 'Success');
  assert.ok(!healed.status!.inventory!.includes('v1/Service'));
  const { items } = await env.kube.list(CONFIGMAPS, { labelSelector: ownerSelector({ name: 'demo', namespace: NS }) });
  assert.equal(items.length, 1);
});

test('interval-sync: an object deleted by hand comes back at the next drift repair, without status churn', async () => {
  agentStop.abort();
  agentStop = new AbortController();
  await startAgent(300);
  const before = await waitHealthy('demo', 'demo healthy under the resyncing agent');
  await env.kube.delete(CONFIGMAPS, 'demo-config', NS);
  await waitFor(async () => (await env.kube.tryGet(CONFIGMAPS, 'demo-config', NS)) !== undefined, 'ConfigMap recreated by the drift repair');
  const after = await get('demo');
  assert.equal(after.status!.charts!['acp/chart-demo'].revision, before.status!.charts!['acp/chart-demo'].revision, 'a repair is not a new revision');
});

test('deleting the AppRelease removes everything it created, then the finalizer', async () => {
  await env.kube.delete(APPRELEASES, 'demo', NS);
  await waitFor(async () => (await env.kube.tryGet(APPRELEASES, 'demo', NS)) === undefined, async () => `AppRelease gone: ${JSON.stringify(await env.kube.tryGet(APPRELEASES, 'demo', NS))} errors=${errors.join(' | ')}`);
  for (const [ref, name, ns] of [[CONFIGMAPS, 'demo-config', NS], [DEPLOYMENTS, 'demo', NS], [CRDS, 'widgets.example.com', undefined]] as const) {
    assert.equal(await env.kube.tryGet(ref, name, ns), undefined, `${ref.plural}/${name} deleted`);
  }
});

test('a chart that does not exist fails with a message naming it', async () => {
  const ar = appRelease('missing', env.registry.registry, '1.0.0');
  ar.spec.source.charts[0].name = 'acp/chart-nope';
  await env.kube.create(APPRELEASES, ar);
  await waitFor(async () => (await get('missing')).status?.charts?.['acp/chart-nope']?.phase === 'Failed', 'missing chart Failed');
  const status = (await get('missing')).status!;
  assert.match(status.charts!['acp/chart-nope'].message, /chart acp\/chart-nope 1\.0\.0: chart .*acp\/chart-nope:1\.0\.0 not found/);
  assert.equal(condition({ status } as AppRelease, 'Synced')?.status, 'False');
  assert.equal(condition({ status } as AppRelease, 'Synced')?.reason, 'SyncFailed');
  await env.kube.delete(APPRELEASES, 'missing', NS);
  await waitFor(async () => (await env.kube.tryGet(APPRELEASES, 'missing', NS)) === undefined, 'failed AppRelease deleted');
});

test('installs from a Helm HTTP repository', async () => {
  const repo = await startChartRepo([{ name: 'demo', version: '2.0.0', tgz: demoChart('2.0.0', image) }]);
  try {
    const ar = appRelease('web', repo.url, '2.0.0');
    ar.spec.source.charts[0].name = 'demo';
    await env.kube.create(APPRELEASES, ar);
    const done = await waitHealthy('web', 'web installed');
    assert.equal(done.status!.charts!.demo.installedRevision, '2.0.0');
    assert.equal(((await env.kube.get(CONFIGMAPS, 'web-config', NS)).data as Record<string, string>).message, 'common');
    await env.kube.delete(APPRELEASES, 'web', NS);
    await waitFor(async () => (await env.kube.tryGet(CONFIGMAPS, 'web-config', NS)) === undefined, 'web uninstalled');
  } finally {
    await repo.stop();
  }
});

test('Health stays False with the pull failure until the image is pushed', async () => {
  const late = `${env.registry.registry}/acp/late:v1`;
  await env.kube.create(APPRELEASES, appRelease('late', env.registry.registry, '2.0.0', { image: late }));
  await waitFor(async () => /Failed to pull image/.test(condition(await get('late'), 'Health')?.message ?? ''), async () => `pull failure reported: ${JSON.stringify((await get('late')).status)}`);
  const ar = await get('late');
  assert.equal(condition(ar, 'Synced')?.status, 'True');
  assert.equal(condition(ar, 'Health')?.status, 'False');
  assert.equal(ar.status!.charts!['acp/chart-demo'].ready, false);
  await env.pushImage(late);
  await waitHealthy('late', 'late healthy');
  await env.kube.delete(APPRELEASES, 'late', NS);
  await waitFor(async () => (await env.kube.tryGet(APPRELEASES, 'late', NS)) === undefined, 'late uninstalled');
});
