import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createApiServer } from '../../apiserver/index.ts';
import type { ApiServer } from '../../apiserver/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { copyImage } from '../../oci/index.ts';
import { addFilesImage } from '../../packages/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { readBundleSource } from '../../violet/authoring/bundle.ts';
import { parseDocuments } from '../catalog/documents.ts';
import { startPlainRegistry } from '../catalog/testing.ts';
import { OLM_CRDS, OLM_RESOURCES } from '../crds/index.ts';
import { createInstallPlanExecutor } from './installplan.ts';
import type { InstallPlan } from './installplan-status.ts';

const HARBOR = join(import.meta.dirname, '..', '..', '..', 'examples', 'operator', 'harbor-ce-operator-2.12.11');
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const SERVICEACCOUNTS: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true };
const CLUSTERROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', namespaced: false };
const CLUSTERROLEBINDINGS: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', namespaced: false };
const IP = OLM_RESOURCES.InstallPlan;
const CSV = 'harbor-ce-operator.v2.12.11';
const OWNED = `olm.owner=${CSV}`;

let api: ApiServer;
let server: Server;
let kube: KubeClient;
let reg: Awaited<ReturnType<typeof startPlainRegistry>>;
let bundlePath: string;
const stop = new AbortController();

before(async () => {
  api = createApiServer({ storage: createMemoryStorage(), authenticate: (t) => (t === 'tok' ? { name: 'admin', groups: ['system:masters'] } : undefined), compactionIntervalMs: 3_600_000 });
  await api.start();
  server = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kube = createKubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'tok' });
  for (const crd of OLM_CRDS) await kube.create(CRDS, crd);
  reg = await startPlainRegistry();
  const src = await readBundleSource(HARBOR);
  const layout = join(reg.dir, 'layout-harbor');
  const { digest } = await addFilesImage(layout, 'v1', src.files, { 'operators.operatorframework.io.bundle.package.v1': 'harbor-ce-operator' });
  await copyImage({ from: { layout, tag: 'v1' }, to: { client: reg.client, repository: 'acp/harbor-ce-operator-bundle', ref: 'v2.12.11' } });
  bundlePath = `${reg.client.registry}/acp/harbor-ce-operator-bundle@${digest}`;
});

after(async () => {
  stop.abort();
  kube.close();
  server.closeAllConnections();
  server.close();
  await api.close();
  await reg.stop();
});

let current: AbortController | undefined;
/** Starts a fresh executor and stops the previous one, so one executor runs at a time (as with leader election). */
async function runExecutor(extra: Partial<Parameters<typeof createInstallPlanExecutor>[0]> = {}) {
  current?.abort();
  current = new AbortController();
  stop.signal.addEventListener('abort', () => current?.abort(), { once: true });
  const executor = createInstallPlanExecutor({ kube, registry: reg.client, signal: current.signal, ...extra });
  await executor.start();
  return executor;
}

async function waitFor<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An InstallPlan as the catalog operator leaves it: Manual, RequiresApproval, one bundle lookup. */
async function createPlan(namespace: string, name: string, path: string, approved = false): Promise<InstallPlan> {
  if (!(await kube.tryGet(NAMESPACES, namespace))) await kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await kube.create(IP, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', metadata: { name, namespace }, spec: { approval: 'Manual', approved, clusterServiceVersionNames: [CSV], generation: 1 } });
  const status = {
    phase: approved ? 'Installing' : 'RequiresApproval',
    catalogSources: ['platform'],
    bundleLookups: [{ path, identifier: CSV, replaces: 'harbor-ce-operator.v2.12.10', catalogSourceRef: { name: 'platform', namespace: 'cpaas-system' }, properties: '{"properties":[{"type":"olm.package","value":{"packageName":"harbor-ce-operator","version":"2.12.11"}}]}' }],
  };
  return kube.apply<InstallPlan>(IP, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', metadata: { name, namespace }, status }, 'catalog-operator-test', { subresource: 'status' });
}

const getPlan = (namespace: string, name: string) => kube.get<InstallPlan>(IP, name, namespace);
const versions = async (namespace: string) => {
  const objs: KubeObject[] = [
    await kube.get(CRDS, 'harborclusters.operator.alauda.io'),
    await kube.get(SERVICEACCOUNTS, 'harbor-ce-operator', namespace),
    await kube.get(OLM_RESOURCES.ClusterServiceVersion, CSV, namespace),
    ...(await kube.list(CLUSTERROLES, { labelSelector: OWNED })).items,
    ...(await kube.list(CLUSTERROLEBINDINGS, { labelSelector: OWNED })).items,
  ];
  return objs.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
};

test('a Manual plan waits in RequiresApproval, runs once approved by JSON patch, and a new executor leaves it alone', async () => {
  const plan = await createPlan('harbor', 'install-abcde', bundlePath);
  const executor = await runExecutor();
  await executor.idle();
  await new Promise((r) => setTimeout(r, 200));
  const untouched = await getPlan('harbor', 'install-abcde');
  assert.equal(untouched.metadata.resourceVersion, plan.metadata.resourceVersion, 'not approved: not touched');
  assert.equal(untouched.status?.phase, 'RequiresApproval');
  assert.equal(await kube.tryGet(CRDS, 'harborclusters.operator.alauda.io'), undefined);

  await kube.patch(IP, 'install-abcde', 'harbor', [{ op: 'replace', path: '/spec/approved', value: true }], 'json');
  const done = await waitFor('Complete', async () => {
    const p = await getPlan('harbor', 'install-abcde');
    return p.status?.phase === 'Complete' ? p : undefined;
  });
  const installed = done.status?.conditions?.find((c) => c.type === 'Installed');
  assert.equal(installed?.status, 'True');
  assert.ok(done.status?.startTime);
  assert.equal(done.status?.message, undefined);
  const steps = done.status!.plan!;
  assert.deepEqual(steps.map((s) => `${s.resource.kind}:${s.status}`), [
    'ClusterServiceVersion:Created', 'CustomResourceDefinition:Created', 'ServiceAccount:Created', 'ClusterRole:Created', 'ClusterRoleBinding:Created',
  ]);
  for (const s of steps) {
    assert.equal(s.resolving, CSV);
    assert.equal(s.resource.sourceName, 'platform');
    assert.equal(s.resource.sourceNamespace, 'cpaas-system');
    assert.equal(JSON.parse(s.resource.manifest!).kind, s.resource.kind);
  }
  assert.equal(steps[1].resource.group, 'apiextensions.k8s.io');
  assert.deepEqual(done.status?.bundleLookups?.[0].identifier, CSV, 'bundle lookups kept');

  const crd = await kube.get(CRDS, 'harborclusters.operator.alauda.io');
  assert.ok(((crd.status as { conditions: { type: string; status: string }[] }).conditions).some((c) => c.type === 'Established' && c.status === 'True'));
  const csv = await kube.get(OLM_RESOURCES.ClusterServiceVersion, CSV, 'harbor');
  assert.equal((csv.spec as { replaces: string }).replaces, 'harbor-ce-operator.v2.12.10');
  assert.equal(csv.metadata.labels?.['operators.coreos.com/harbor-ce-operator.harbor'], '');
  assert.match(csv.metadata.annotations?.['operatorframework.io/properties'] ?? '', /olm.package/);
  assert.ok(csv.metadata.managedFields?.some((m) => m.manager === 'olm-installplan' && m.operation === 'Apply'));
  const [role] = (await kube.list(CLUSTERROLES, { labelSelector: OWNED })).items;
  assert.match(role.metadata.name!, /^harbor-ce-operator\.v2\.12\.11-[bcdfghjklmnpqrstvwxz2456789]+$/);
  const [binding] = (await kube.list(CLUSTERROLEBINDINGS, { labelSelector: OWNED })).items;
  assert.deepEqual(binding.roleRef, { kind: 'ClusterRole', name: role.metadata.name, apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'harbor-ce-operator', namespace: 'harbor' }]);

  const before = await versions('harbor');
  const planVersion = done.metadata.resourceVersion;
  const second = await runExecutor();
  await second.idle();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await getPlan('harbor', 'install-abcde')).metadata.resourceVersion, planVersion, 'a Complete plan is not rewritten');
  assert.deepEqual(await versions('harbor'), before, 'nothing changed, nothing duplicated');
});

test('an approved plan whose resources already exist (re-run after a crash) finishes with Present steps and no duplicates', async () => {
  const before = await versions('harbor');
  await createPlan('harbor', 'install-again', bundlePath, true);
  await runExecutor();
  const done = await waitFor('Complete', async () => {
    const p = await getPlan('harbor', 'install-again');
    return p.status?.phase === 'Complete' ? p : undefined;
  });
  assert.ok(done.status!.plan!.every((s) => s.status === 'Present'), JSON.stringify(done.status!.plan!.map((s) => s.status)));
  assert.deepEqual(await versions('harbor'), before, 'server-side apply of identical content changes nothing');
});

test('a plan whose bundle image is missing ends Failed with InstallComponentFailed after its retries', async () => {
  const missing = `${reg.client.registry}/acp/harbor-ce-operator-bundle@sha256:${'0'.repeat(64)}`;
  await createPlan('broken', 'install-fails', missing, true);
  await runExecutor({ maxAttempts: 3, retryBaseDelayMs: 10 });
  const retrying = await waitFor('retry message', async () => {
    const p = await getPlan('broken', 'install-fails');
    return p.status?.message?.startsWith('retrying execution due to error: ') || p.status?.phase === 'Failed' ? p : undefined;
  });
  assert.ok(retrying.status?.phase === 'Installing' || retrying.status?.phase === 'Failed');
  const failed = await waitFor('Failed', async () => {
    const p = await getPlan('broken', 'install-fails');
    return p.status?.phase === 'Failed' ? p : undefined;
  });
  const cond = failed.status?.conditions?.find((c) => c.type === 'Installed');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'InstallComponentFailed');
  assert.ok(cond?.message?.includes(missing), cond?.message);
  assert.match(cond!.message!, /^error unpacking bundle .* for harbor-ce-operator\.v2\.12\.11: /);
  assert.equal(failed.status?.message, cond?.message);
  const rv = failed.metadata.resourceVersion;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await getPlan('broken', 'install-fails')).metadata.resourceVersion, rv, 'Failed is terminal');
  assert.equal(await kube.tryGet(OLM_RESOURCES.ClusterServiceVersion, CSV, 'broken'), undefined);
});

test('namespaced permissions and other bundle manifests (Service, Secret, ConfigMap) land in the plan namespace', async () => {
  const src = await readBundleSource(HARBOR);
  const csvFile = src.files.find((f) => f.path.endsWith('.clusterserviceversion.yaml'))!;
  const csvObj = parseDocuments(csvFile.data.toString('utf8'), csvFile.path)[0].value as { spec: { install: { spec: Record<string, unknown> } } };
  csvObj.spec.install.spec.permissions = [{ serviceAccountName: 'harbor-ce-operator', rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }] }];
  const extra = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'harbor-ce-operator-metrics' }, spec: { ports: [{ name: 'https', port: 8443 }], selector: { app: 'harbor-ce-operator' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'harbor-ce-operator-config' }, data: { level: 'info' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'harbor-ce-operator-webhook' }, stringData: { token: 'x' } },
  ];
  const files = [
    ...src.files.filter((f) => f !== csvFile),
    { path: csvFile.path, data: Buffer.from(JSON.stringify(csvObj)) },
    ...extra.map((o) => ({ path: `manifests/${o.metadata.name}.${o.kind.toLowerCase()}.yaml`, data: Buffer.from(JSON.stringify(o)) })),
  ];
  const layout = join(reg.dir, 'layout-extended');
  const { digest } = await addFilesImage(layout, 'v1', files);
  await copyImage({ from: { layout, tag: 'v1' }, to: { client: reg.client, repository: 'acp/harbor-extended-bundle', ref: 'v1' } });
  await createPlan('extended', 'install-ext', `${reg.client.registry}/acp/harbor-extended-bundle@${digest}`, true);
  await runExecutor();
  const done = await waitFor('Complete', async () => {
    const p = await getPlan('extended', 'install-ext');
    return p.status?.phase === 'Complete' || p.status?.phase === 'Failed' ? p : undefined;
  });
  assert.equal(done.status?.phase, 'Complete', done.status?.message);
  const kinds = done.status!.plan!.map((s) => `${s.resource.kind}:${s.status}`);
  for (const k of ['Role:Created', 'RoleBinding:Created', 'Service:Created', 'ConfigMap:Created', 'BundleSecret:Created', 'CustomResourceDefinition:Present']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  const ns = (plural: string, group = '') => ({ group, version: 'v1', plural, namespaced: true });
  assert.ok(await kube.tryGet(ns('services'), 'harbor-ce-operator-metrics', 'extended'));
  assert.ok(await kube.tryGet(ns('configmaps'), 'harbor-ce-operator-config', 'extended'));
  assert.ok(await kube.tryGet(ns('secrets'), 'harbor-ce-operator-webhook', 'extended'));
  const roles = await kube.list(ns('roles', 'rbac.authorization.k8s.io'), { namespace: 'extended', labelSelector: OWNED });
  const bindings = await kube.list(ns('rolebindings', 'rbac.authorization.k8s.io'), { namespace: 'extended', labelSelector: OWNED });
  assert.equal(roles.items.length, 1);
  assert.equal((bindings.items[0].roleRef as { name: string }).name, roles.items[0].metadata.name);
});

test('a step the server rejects fails the plan with a message naming the resource; the CSV is never created', async () => {
  const src = await readBundleSource(HARBOR);
  const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'harbor-alerts' }, spec: { groups: [] } };
  const layout = join(reg.dir, 'layout-rule');
  const { digest } = await addFilesImage(layout, 'v1', [...src.files, { path: 'manifests/harbor-alerts.yaml', data: Buffer.from(JSON.stringify(rule)) }]);
  await copyImage({ from: { layout, tag: 'v1' }, to: { client: reg.client, repository: 'acp/harbor-rule-bundle', ref: 'v1' } });
  await createPlan('rules', 'install-rule', `${reg.client.registry}/acp/harbor-rule-bundle@${digest}`, true);
  await runExecutor({ maxAttempts: 2, retryBaseDelayMs: 10 });
  const failed = await waitFor('Failed', async () => {
    const p = await getPlan('rules', 'install-rule');
    return p.status?.phase === 'Failed' ? p : undefined;
  });
  const cond = failed.status?.conditions?.find((c) => c.type === 'Installed');
  assert.equal(cond?.reason, 'InstallComponentFailed');
  assert.equal(cond?.message, 'error creating PrometheusRule harbor-alerts: the server does not serve PrometheusRule in monitoring.coreos.com/v1');
  assert.equal(failed.status!.plan!.find((s) => s.resource.kind === 'ClusterServiceVersion')?.status, 'Unknown');
  assert.equal(await kube.tryGet(OLM_RESOURCES.ClusterServiceVersion, CSV, 'rules'), undefined);
});

test('a plan as the catalog operator writes it (CSV step without manifest, a dependency Subscription step) is completed', async () => {
  const { bundleLookups } = (await createPlan('fromcatalog', 'install-cat', bundlePath, true)).status!;
  const sub = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', metadata: { name: 'cert-manager-stable-platform-cpaas-system', annotations: {} }, spec: { name: 'cert-manager', channel: 'stable', source: 'platform', sourceNamespace: 'cpaas-system', installPlanApproval: 'Automatic' } };
  const source = { sourceName: 'platform', sourceNamespace: 'cpaas-system' };
  const plan = [
    { resolving: CSV, status: 'Unknown', resource: { group: 'operators.coreos.com', version: 'v1alpha1', kind: 'ClusterServiceVersion', name: CSV, ...source } },
    { resolving: CSV, status: 'Unknown', resource: { group: 'operators.coreos.com', version: 'v1alpha1', kind: 'Subscription', name: sub.metadata.name, manifest: JSON.stringify(sub), ...source } },
  ];
  await kube.apply(IP, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', metadata: { name: 'install-cat', namespace: 'fromcatalog' }, status: { phase: 'Installing', catalogSources: ['platform'], bundleLookups, plan } }, 'catalog-operator-test', { subresource: 'status' });
  await runExecutor();
  const done = await waitFor('Complete', async () => {
    const p = await getPlan('fromcatalog', 'install-cat');
    return p.status?.phase === 'Complete' || p.status?.phase === 'Failed' ? p : undefined;
  });
  assert.equal(done.status?.phase, 'Complete', done.status?.message);
  assert.deepEqual(done.status!.plan!.map((s) => s.resource.kind), ['ClusterServiceVersion', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Subscription']);
  const created = await kube.get(OLM_RESOURCES.Subscription, sub.metadata.name, 'fromcatalog');
  assert.equal(created.metadata.annotations?.['olm.generated-by'], 'install-cat');
  assert.ok(await kube.tryGet(OLM_RESOURCES.ClusterServiceVersion, CSV, 'fromcatalog'));
});
