import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCRD, startTestServer } from '../../apiserver/testing.ts';
import type { TestServer } from '../../apiserver/testing.ts';
import { ARTIFACT_CRDS } from '../../artifacts/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import type { PackageManifest } from '../../packages/format.ts';
import { ARTIFACTS, buildArtifact, buildArtifactVersion } from '../../violet/push/register.ts';
import type { RegisterContext } from '../../violet/push/register.ts';
import { OLM_CRDS, OLM_RESOURCES } from '../crds/index.ts';
import { ARTIFACT_VERSIONS, createArtifactVersionCatalogs, createCatalogOperator } from './catalog-operator.ts';
import type { SubscriptionCondition, SubscriptionStatus } from './catalog-operator.ts';

const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const REGISTRY = 'registry.cpaas.local:5000';
const digestOf = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

/** A bundle package manifest as `violet push` reads it. */
function bundlePackage(pkg: string, version: string, opts: { channels: string[]; sourceType: string; replaces?: string }): PackageManifest {
  return {
    schemaVersion: 1,
    type: 'bundle',
    name: pkg,
    displayName: pkg,
    version,
    arch: 'ALL',
    artifact: `build.example.com/acp/${pkg}-bundle:v${version}`,
    relatedImages: [],
    images: [],
    bundle: { package: pkg, channels: opts.channels, defaultChannel: 'stable', csvName: `${pkg}.v${version}`, csvVersion: version, sourceType: opts.sourceType, provider: 'Alauda', replaces: opts.replaces },
    createdAt: '2025-01-10T10:00:00Z',
    createdBy: 'test',
  } as unknown as PackageManifest;
}

const PACKAGES: [PackageManifest, number][] = [
  [bundlePackage('harbor-ce-operator', '2.12.10', { channels: ['stable', 'harbor-2'], sourceType: 'Alauda' }), 1],
  [bundlePackage('harbor-ce-operator', '2.12.11', { channels: ['stable', 'harbor-2'], sourceType: 'Alauda', replaces: 'harbor-ce-operator.v2.12.10' }), 2],
  [bundlePackage('clickhouse-operator', '0.18.2', { channels: ['stable'], sourceType: 'Community' }), 3],
];
const imageOf = (pkg: string, n: number) => `${REGISTRY}/acp/${pkg}-bundle@${digestOf(n)}`;

let srv: TestServer;
let kube: KubeClient;
const stop = new AbortController();
let catalogs: ReturnType<typeof createArtifactVersionCatalogs>;

/** Registers the packages exactly as `violet push` does (Artifact + ArtifactVersion per version). */
async function registerPackages(): Promise<void> {
  for (const [m, n] of PACKAGES) {
    const ctx: RegisterContext = { registry: REGISTRY, repository: `acp/${m.name}-bundle`, tag: `v${m.version}`, digest: digestOf(n), catalogSource: 'platform', chartRepo: 'public-charts' };
    const artifact = (await kube.tryGet(ARTIFACTS, m.name, 'cpaas-system')) ?? (await kube.create(ARTIFACTS, { apiVersion: 'app.alauda.io/v1alpha1', ...buildArtifact(m, ctx) }));
    await kube.create(ARTIFACT_VERSIONS, { apiVersion: 'app.alauda.io/v1alpha1', ...buildArtifactVersion(m, ctx, artifact) });
  }
}

before(async () => {
  srv = await startTestServer();
  for (const crd of [...OLM_CRDS, ...ARTIFACT_CRDS]) await createCRD(srv, crd);
  kube = createKubeClient({ server: srv.url, token: 'admin' });
  await kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cpaas-system' } });
  await kube.create(OLM_RESOURCES.CatalogSource, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'CatalogSource', metadata: { name: 'platform', namespace: 'cpaas-system' }, spec: { sourceType: 'grpc', displayName: 'Platform' } });
  await registerPackages();
  catalogs = createArtifactVersionCatalogs(kube, stop.signal);
  await catalogs.start();
});
after(async () => {
  stop.abort();
  kube.close();
  await srv.close();
});

/** Runs one catalog operator for the duration of `body` (objects created before it starts are seen at once). */
async function withOperator(body: () => Promise<void>): Promise<void> {
  const ac = new AbortController();
  const errors: unknown[] = [];
  const op = createCatalogOperator({ kube, signal: ac.signal, globalCatalogNamespace: 'cpaas-system', catalogs: catalogs.catalogs, onCatalogsChanged: catalogs.onChange, onError: (_ns, err) => errors.push(err) });
  await op.start();
  try {
    await body();
    // Level-based and quiet: once settled, nothing is rewritten.
    const before = await versions();
    await new Promise((r) => setTimeout(r, 150));
    await op.idle();
    assert.deepEqual(await versions(), before, 'status is written only when it changes');
  } finally {
    ac.abort();
  }
  assert.deepEqual(errors.map(String), []);
}

/** resourceVersions of every Subscription and InstallPlan. */
async function versions(): Promise<string[]> {
  const subs = (await kube.list(OLM_RESOURCES.Subscription)).items;
  const plans = (await kube.list(OLM_RESOURCES.InstallPlan)).items;
  return [...subs, ...plans].map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let v = await read();
  for (let i = 0; i < 250 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 20));
    v = await read();
  }
  assert.ok(ok(v), `${what}: ${JSON.stringify(v, null, 1)}`);
  return v;
}

async function namespace(name: string): Promise<void> {
  await kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

function subscription(ns: string, name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', metadata: { name, namespace: ns, annotations }, spec: { channel: 'stable', source: 'platform', sourceNamespace: 'cpaas-system', ...spec } };
}

const statusOf = async (ns: string, name: string) => ((await kube.get(OLM_RESOURCES.Subscription, name, ns)).status ?? {}) as SubscriptionStatus;
const plansIn = async (ns: string) => (await kube.list(OLM_RESOURCES.InstallPlan, { namespace: ns })).items;
const cond = (s: SubscriptionStatus, type: string): SubscriptionCondition | undefined => s.conditions?.find((c) => c.type === type);

function csv(ns: string, name: string, version: string, replaces?: string): KubeObject {
  return { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', metadata: { name, namespace: ns }, spec: { displayName: name, version, replaces, install: { strategy: 'deployment' } } };
}

describe('catalog operator', () => {
  it('Manual harbor Subscription (product document YAML): OperatorGroup, one Manual InstallPlan, UpgradePending → AtLatestKnown', () =>
    withOperator(async () => {
      const ns = 'harbor-ce-operator';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'harbor-ce-operator-sub', { installPlanApproval: 'Manual', name: 'harbor-ce-operator', startingCSV: 'harbor-ce-operator.v2.12.11' }, { 'cpaas.io/target-namespaces': '' }));
      const s = await until(() => statusOf(ns, 'harbor-ce-operator-sub'), (s) => cond(s, 'InstallPlanPending') !== undefined, 'pending');
      assert.equal(s.state, 'UpgradePending');
      assert.equal(s.currentCSV, 'harbor-ce-operator.v2.12.11');
      assert.deepEqual({ ...cond(s, 'InstallPlanPending'), lastTransitionTime: undefined }, { type: 'InstallPlanPending', status: 'True', reason: 'RequiresApproval', lastTransitionTime: undefined });
      assert.equal(cond(s, 'CatalogSourcesUnhealthy')?.reason, 'AllCatalogSourcesHealthy');
      assert.equal(cond(s, 'CatalogSourcesUnhealthy')?.status, 'False');
      assert.equal(s.installPlanGeneration, 1);
      const [ip, ...more] = await plansIn(ns);
      assert.equal(more.length, 0);
      assert.match(ip.metadata.name!, /^install-/);
      assert.deepEqual(s.installPlanRef, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', name: ip.metadata.name, namespace: ns, uid: ip.metadata.uid, resourceVersion: s.installPlanRef?.resourceVersion });
      assert.deepEqual(s.installplan, { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', name: ip.metadata.name, uuid: ip.metadata.uid });
      assert.deepEqual(ip.spec, { approval: 'Manual', approved: false, clusterServiceVersionNames: ['harbor-ce-operator.v2.12.11'], generation: 1 });
      assert.deepEqual(ip.metadata.labels, { 'operators.coreos.com/harbor-ce-operator.harbor-ce-operator': '' });
      assert.deepEqual(ip.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.controller, o.blockOwnerDeletion]), [['Subscription', 'harbor-ce-operator-sub', false, false]]);
      const st = ip.status as { phase: string; catalogSources: string[]; bundleLookups: Record<string, unknown>[]; plan: { resolving: string; resource: { kind: string } }[] };
      assert.equal(st.phase, 'RequiresApproval');
      assert.deepEqual(st.catalogSources, ['platform']);
      assert.equal(st.bundleLookups[0].path, imageOf('harbor-ce-operator', 2));
      assert.equal(st.bundleLookups[0].identifier, 'harbor-ce-operator.v2.12.11');
      assert.equal(st.bundleLookups[0].replaces, 'harbor-ce-operator.v2.12.10');
      assert.deepEqual(st.bundleLookups[0].catalogSourceRef, { name: 'platform', namespace: 'cpaas-system' });
      assert.deepEqual(st.plan.map((p) => [p.resolving, p.resource.kind]), [['harbor-ce-operator.v2.12.11', 'ClusterServiceVersion']]);
      const [og, ...ogs] = (await kube.list(OLM_RESOURCES.OperatorGroup, { namespace: ns })).items;
      assert.equal(ogs.length, 0);
      assert.equal((og.spec as { targetNamespaces?: string[] }).targetNamespaces, undefined);
      // Simulate the installation: the CSV named by currentCSV appears.
      await kube.create(OLM_RESOURCES.ClusterServiceVersion, csv(ns, 'harbor-ce-operator.v2.12.11', '2.12.11', 'harbor-ce-operator.v2.12.10'));
      const done = await until(() => statusOf(ns, 'harbor-ce-operator-sub'), (s) => s.state === 'AtLatestKnown', 'AtLatestKnown');
      assert.equal(done.installedCSV, 'harbor-ce-operator.v2.12.11');
      assert.equal(cond(done, 'InstallPlanPending'), undefined);
      assert.equal((await plansIn(ns)).length, 1);
    }));

  it('Automatic clickhouse Subscription: an approved Installing plan', () =>
    withOperator(async () => {
      const ns = 'clickhouse-operator';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'clickhouse-operator-subs', { installPlanApproval: 'Automatic', name: 'clickhouse-operator' }, { 'cpaas.io/target-namespaces': '' }));
      const s = await until(() => statusOf(ns, 'clickhouse-operator-subs'), (s) => cond(s, 'InstallPlanPending') !== undefined, 'pending');
      assert.equal(cond(s, 'InstallPlanPending')?.reason, 'Installing');
      assert.equal(s.currentCSV, 'clickhouse-operator.v0.18.2');
      const [ip] = await plansIn(ns);
      assert.deepEqual(ip.spec, { approval: 'Automatic', approved: true, clusterServiceVersionNames: ['clickhouse-operator.v0.18.2'], generation: 1 });
      assert.equal((ip.status as { phase: string }).phase, 'Installing');
      assert.equal((ip.status as { bundleLookups: { path: string }[] }).bundleLookups[0].path, imageOf('clickhouse-operator', 3));
    }));

  it('Automatic on an Alauda operator is refused: ResolutionFailed/ManualApprovalRequired and no InstallPlan', () =>
    withOperator(async () => {
      const ns = 'harbor-auto';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'harbor', { installPlanApproval: 'Automatic', name: 'harbor-ce-operator' }, { 'cpaas.io/target-namespaces': '' }));
      const s = await until(() => statusOf(ns, 'harbor'), (s) => cond(s, 'ResolutionFailed') !== undefined, 'refused');
      const c = cond(s, 'ResolutionFailed')!;
      assert.equal(c.status, 'True');
      assert.equal(c.reason, 'ManualApprovalRequired');
      assert.match(c.message!, /^operators from Alauda support only Manual approval: .*Subscription harbor uses installPlanApproval Automatic/);
      assert.equal(s.state, undefined);
      assert.deepEqual(await plansIn(ns), []);
    }));

  it('two Subscriptions, one Manual: one merged Manual plan, and the Automatic one says which Subscription forced Manual', async () => {
    const ns = 'merged';
    await namespace(ns);
    await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'harbor', { installPlanApproval: 'Manual', name: 'harbor-ce-operator' }, { 'cpaas.io/target-namespaces': 'merged,team-a' }));
    await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'clickhouse', { installPlanApproval: 'Automatic', name: 'clickhouse-operator' }));
    await withOperator(async () => {
      const s = await until(() => statusOf(ns, 'clickhouse'), (s) => cond(s, 'InstallPlanPending') !== undefined, 'pending');
      const plans = await plansIn(ns);
      assert.equal(plans.length, 1);
      const spec = plans[0].spec as { approval: string; approved: boolean; clusterServiceVersionNames: string[] };
      assert.equal(spec.approval, 'Manual');
      assert.equal(spec.approved, false);
      assert.deepEqual([...spec.clusterServiceVersionNames].sort(), ['clickhouse-operator.v0.18.2', 'harbor-ce-operator.v2.12.11']);
      assert.deepEqual(plans[0].metadata.ownerReferences?.map((o) => o.name).sort(), ['clickhouse', 'harbor']);
      assert.equal(cond(s, 'InstallPlanPending')?.reason, 'RequiresApproval');
      assert.match(cond(s, 'InstallPlanPending')!.message!, /Subscription clickhouse uses installPlanApproval Automatic, .* because Subscription\(s\) harbor use installPlanApproval Manual/);
      assert.match(String((plans[0].status as { message?: string }).message), /Subscription\(s\) harbor use installPlanApproval Manual/);
      assert.equal((await statusOf(ns, 'harbor')).installPlanRef?.name, plans[0].metadata.name);
      const [og] = (await kube.list(OLM_RESOURCES.OperatorGroup, { namespace: ns })).items;
      assert.deepEqual((og.spec as { targetNamespaces?: string[] }).targetNamespaces, ['merged', 'team-a']);
    });
  });

  it('upgrade: installed 2.12.10 (startingCSV) resolves to 2.12.11 in a second plan with generation 2', () =>
    withOperator(async () => {
      const ns = 'harbor-upgrade';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'harbor', { installPlanApproval: 'Manual', name: 'harbor-ce-operator', startingCSV: 'harbor-ce-operator.v2.12.10' }, { 'cpaas.io/target-namespaces': '' }));
      await until(() => statusOf(ns, 'harbor'), (s) => s.currentCSV === 'harbor-ce-operator.v2.12.10' && !!s.installPlanRef, 'first plan');
      await kube.create(OLM_RESOURCES.ClusterServiceVersion, csv(ns, 'harbor-ce-operator.v2.12.10', '2.12.10'));
      const s = await until(() => statusOf(ns, 'harbor'), (s) => s.currentCSV === 'harbor-ce-operator.v2.12.11' && s.state === 'UpgradePending' && cond(s, 'InstallPlanPending') !== undefined, 'upgrade');
      assert.equal(s.installedCSV, 'harbor-ce-operator.v2.12.10');
      assert.equal(s.installPlanGeneration, 2);
      const next = (await plansIn(ns)).find((p) => p.metadata.name === s.installPlanRef?.name)!;
      assert.deepEqual(next.spec, { approval: 'Manual', approved: false, clusterServiceVersionNames: ['harbor-ce-operator.v2.12.11'], generation: 2 });
      assert.equal((next.status as { bundleLookups: { replaces: string }[] }).bundleLookups[0].replaces, 'harbor-ce-operator.v2.12.10');
    }));

  it('a deleted pending plan is forgotten and a new one created; an unknown package fails resolution', () =>
    withOperator(async () => {
      const ns = 'replan';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'ch', { installPlanApproval: 'Manual', name: 'clickhouse-operator' }));
      const first = await until(() => statusOf(ns, 'ch'), (s) => !!s.installPlanRef, 'first plan');
      await kube.delete(OLM_RESOURCES.InstallPlan, first.installPlanRef!.name!, ns);
      const second = await until(() => statusOf(ns, 'ch'), (s) => !!s.installPlanRef && s.installPlanRef.name !== first.installPlanRef!.name && cond(s, 'InstallPlanPending') !== undefined, 'second plan');
      assert.equal(second.state, 'UpgradePending');
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'nope', { installPlanApproval: 'Manual', name: 'no-such-operator' }));
      const failed = await until(() => statusOf(ns, 'nope'), (s) => cond(s, 'ResolutionFailed') !== undefined, 'failed');
      assert.equal(cond(failed, 'ResolutionFailed')?.reason, 'ConstraintsNotSatisfiable');
      assert.match(cond(failed, 'ResolutionFailed')!.message!, /no operators found in package no-such-operator/);
    }));

  it('a newly pushed ArtifactVersion re-resolves subscribed namespaces: Automatic upgrade to the new version', () =>
    withOperator(async () => {
      const ns = 'ch-upgrade';
      await namespace(ns);
      await kube.create(OLM_RESOURCES.Subscription, subscription(ns, 'ch', { installPlanApproval: 'Automatic', name: 'clickhouse-operator' }));
      await until(() => statusOf(ns, 'ch'), (s) => !!s.installPlanRef, 'first plan');
      await kube.create(OLM_RESOURCES.ClusterServiceVersion, csv(ns, 'clickhouse-operator.v0.18.2', '0.18.2'));
      await until(() => statusOf(ns, 'ch'), (s) => s.state === 'AtLatestKnown', 'installed');
      const m = bundlePackage('clickhouse-operator', '0.18.3', { channels: ['stable'], sourceType: 'Community', replaces: 'clickhouse-operator.v0.18.2' });
      const ctx: RegisterContext = { registry: REGISTRY, repository: 'acp/clickhouse-operator-bundle', tag: 'v0.18.3', digest: digestOf(4), catalogSource: 'platform', chartRepo: 'public-charts' };
      await kube.create(ARTIFACT_VERSIONS, { apiVersion: 'app.alauda.io/v1alpha1', ...buildArtifactVersion(m, ctx, await kube.get(ARTIFACTS, 'clickhouse-operator', 'cpaas-system')) });
      const s = await until(() => statusOf(ns, 'ch'), (s) => s.currentCSV === 'clickhouse-operator.v0.18.3' && cond(s, 'InstallPlanPending') !== undefined, 'upgrade');
      assert.equal(s.installedCSV, 'clickhouse-operator.v0.18.2');
      const ip = await kube.get(OLM_RESOURCES.InstallPlan, s.installPlanRef!.name!, ns);
      assert.deepEqual(ip.spec, { approval: 'Automatic', approved: true, clusterServiceVersionNames: ['clickhouse-operator.v0.18.3'], generation: 2 });
    }));
});
