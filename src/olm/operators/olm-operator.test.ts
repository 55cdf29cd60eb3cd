import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { KubeObject } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { createNodeSimulator } from '../../simulator/index.ts';
import { startTestEnv, waitFor } from '../../simulator/testing.ts';
import type { TestEnv } from '../../simulator/testing.ts';
import { createOlmOperator } from './olm-operator.ts';
import { DEPLOYMENTS } from './olm-operator-install.ts';
import type { Csv } from './olm-operator-status.ts';

const DIR = 'examples/operator/clickhouse-operator-0.18.2/manifests';
const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const SA = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true };
const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true };
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };
const CSVS = OLM_RESOURCES.ClusterServiceVersion;
let env: TestEnv;
let baseCsv: Csv;
const stop = new AbortController();
const errors: unknown[] = [];

before(async () => {
  env = await startTestEnv();
  baseCsv = parse(await readFile(`${DIR}/clickhouse-operator.clusterserviceversion.yaml`, 'utf8')) as Csv;
  await env.kube.create(CRDS, parse(await readFile(`${DIR}/clickhouseinstallations.clickhouse.altinity.com.crd.yaml`, 'utf8')) as KubeObject);
  await createNodeSimulator({ kube: env.kube, registry: env.registry, signal: stop.signal, recheckMs: 200 }).start();
  // Each test installs the same operator with its own AllNamespaces group: copies would collide, so they are
  // off here except in the test about them.
  await env.kube.create(OLM_RESOURCES.OLMConfig, { apiVersion: 'operators.coreos.com/v1', kind: 'OLMConfig', metadata: { name: 'cluster' }, spec: { features: { disableCopiedCSVs: true } } });
  await createOlmOperator({ kube: env.kube, signal: stop.signal, onError: (_k, e) => errors.push(e) }).start();
});
after(async () => {
  stop.abort();
  await env.stop();
});

/** A namespace with the operator's service account and an AllNamespaces OperatorGroup. */
async function namespace(ns: string): Promise<void> {
  await env.kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await env.kube.create(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'clickhouse-operator', namespace: ns } });
  await env.kube.create(OLM_RESOURCES.OperatorGroup, { apiVersion: 'operators.coreos.com/v1', kind: 'OperatorGroup', metadata: { name: 'global', namespace: ns } });
}

/** The example CSV in `ns`, with `tag` for both images and optional overrides. */
function csv(ns: string, tag: string, patch: (c: Csv) => void = () => undefined): Csv {
  const c = structuredClone(baseCsv);
  c.metadata.namespace = ns;
  for (const ct of (c.spec.install!.spec!.deployments![0].spec.template!.spec as { containers: { image: string }[] }).containers) ct.image = ct.image.replace(/:[^:]+$/, `:${tag}`);
  patch(c);
  return c;
}

const getCsv = (ns: string, name = baseCsv.metadata.name!) => env.kube.tryGet<Csv>(CSVS, name, ns);
const phaseIs = (ns: string, phase: string, name?: string) => async () => (await getCsv(ns, name))?.status?.phase === phase;
const describe = (ns: string, name?: string) => async () => JSON.stringify((await getCsv(ns, name))?.status);
const available = (d: KubeObject) => ((d.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).find((c) => c.type === 'Available')?.status;

test('with its images in the registry, the CSV reaches Succeeded and the Deployment is Available', async () => {
  const ns = 'ch-ok';
  await namespace(ns);
  await env.pushImage('altinity/clickhouse-operator:0.18.2');
  await env.pushImage('altinity/metrics-exporter:0.18.2');
  await env.kube.create(CSVS, csv(ns, '0.18.2'));
  let last = '';
  await waitFor(async () => (last = (await describe(ns)())) !== '' && (await phaseIs(ns, 'Succeeded')()), () => `Succeeded, last ${last}`);
  const c = (await getCsv(ns))!;
  assert.equal(c.status!.reason, 'InstallSucceeded');
  assert.equal(c.status!.message, 'install strategy completed with no errors');
  const history = c.status!.conditions!.map((x) => `${x.phase}/${x.reason}`);
  assert.deepEqual(history.slice(0, 3), ['Pending/RequirementsUnknown', 'InstallReady/AllRequirementsMet', 'Installing/InstallSucceeded']);
  assert.ok(history.slice(3, -1).every((h) => h === 'Installing/InstallWaiting'), history.join(' → '));
  assert.equal(history.at(-1), 'Succeeded/InstallSucceeded');
  assert.equal(c.status!.lastTransitionTime, c.status!.conditions!.at(-1)!.lastTransitionTime);
  assert.equal(c.metadata.annotations!['olm.targetNamespaces'], '');
  assert.equal(c.metadata.annotations!['olm.operatorGroup'], 'global');
  const req = c.status!.requirementStatus!;
  assert.deepEqual(req.map((r) => `${r.kind}/${r.name}/${r.status}`), ['CustomResourceDefinition/clickhouseinstallations.clickhouse.altinity.com/Present', 'ServiceAccount/clickhouse-operator/Present']);
  assert.equal(req[0].message, 'CRD is present and Established condition is true');
  const d = await env.kube.get(DEPLOYMENTS, 'clickhouse-operator', ns);
  assert.equal(available(d), 'True');
  assert.deepEqual([d.metadata.labels!['olm.owner'], d.metadata.labels!['olm.owner.namespace'], d.metadata.labels!['olm.owner.kind']], [c.metadata.name, ns, 'ClusterServiceVersion']);
  const podAnnotations = (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
  assert.equal(podAnnotations['olm.targetNamespaces'], '');
  const og = await env.kube.get(OLM_RESOURCES.OperatorGroup, 'global', ns);
  assert.deepEqual((og.status as { namespaces: string[] }).namespaces, ['']);
  const rv = c.metadata.resourceVersion;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await getCsv(ns))!.metadata.resourceVersion, rv, 'no writes once Succeeded');
});

test('without the image the CSV stays Installing naming the image, with an Event; a later push lets it finish', async () => {
  const ns = 'ch-late';
  await namespace(ns);
  await env.pushImage('altinity/metrics-exporter:late');
  await env.kube.create(CSVS, csv(ns, 'late'));
  await waitFor(async () => (await getCsv(ns))?.status?.message?.includes('Failed to pull image') ?? false, describe(ns));
  const c = (await getCsv(ns))!;
  assert.equal(c.status!.phase, 'Installing');
  assert.equal(c.status!.message, 'installing: waiting for deployment clickhouse-operator to become ready: deployment "clickhouse-operator" not available: Deployment does not have minimum availability. Failed to pull image "registry.example.com/altinity/clickhouse-operator:late": image not found in the platform registry');
  const events = (await env.kube.list(EVENTS, { namespace: ns })).items;
  assert.ok(events.some((e) => e.reason === 'Failed' && e.type === 'Warning' && String(e.message).includes('registry.example.com/altinity/clickhouse-operator:late')), 'pull failure Event');
  assert.ok(!events.some((e) => String(e.message).includes('metrics-exporter')), 'present image not reported');
  await env.pushImage('altinity/clickhouse-operator:late');
  await waitFor(phaseIs(ns, 'Succeeded'), describe(ns));
});

test('an OwnNamespace-only CSV under an AllNamespaces group fails with UnsupportedOperatorGroup', async () => {
  const ns = 'ch-own';
  await namespace(ns);
  await env.kube.create(CSVS, csv(ns, '0.18.2', (c) => (c.spec.installModes = [{ type: 'OwnNamespace', supported: true }, { type: 'AllNamespaces', supported: false }])));
  await waitFor(phaseIs(ns, 'Failed'), describe(ns));
  const c = (await getCsv(ns))!;
  assert.equal(c.status!.reason, 'UnsupportedOperatorGroup');
  assert.equal(c.status!.message, 'AllNamespaces InstallModeType not supported, cannot configure to watch all namespaces');
  const events = (await env.kube.list(EVENTS, { namespace: ns })).items;
  assert.ok(events.some((e) => e.type === 'Warning' && e.reason === 'UnsupportedOperatorGroup'));
});

test('requirements: a missing service account keeps the CSV Pending/RequirementsNotMet until it exists', async () => {
  const ns = 'ch-req';
  await env.kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await env.kube.create(CSVS, csv(ns, '0.18.2'));
  await waitFor(async () => (await getCsv(ns))?.status?.reason === 'NoOperatorGroup', describe(ns));
  await env.kube.create(OLM_RESOURCES.OperatorGroup, { apiVersion: 'operators.coreos.com/v1', kind: 'OperatorGroup', metadata: { name: 'own', namespace: ns }, spec: { targetNamespaces: [ns] } });
  await waitFor(async () => (await getCsv(ns))?.status?.reason === 'RequirementsNotMet', describe(ns));
  const sa = (await getCsv(ns))!.status!.requirementStatus!.find((r) => r.kind === 'ServiceAccount')!;
  assert.deepEqual([sa.status, sa.message], ['NotPresent', 'Service account does not exist']);
  assert.equal((await getCsv(ns))!.metadata.annotations!['olm.targetNamespaces'], ns);
  await env.kube.create(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'clickhouse-operator', namespace: ns } });
  await waitFor(phaseIs(ns, 'Succeeded'), describe(ns));
});

test('a replacing CSV: the old one goes Replacing → Deleting and is deleted after the new one succeeds', async () => {
  const ns = 'ch-upgrade';
  await namespace(ns);
  await env.kube.create(CSVS, csv(ns, '0.18.2'));
  await waitFor(phaseIs(ns, 'Succeeded'), describe(ns));
  await env.pushImage('altinity/clickhouse-operator:0.18.3');
  await env.pushImage('altinity/metrics-exporter:0.18.3');
  const next = csv(ns, '0.18.3', (c) => {
    c.metadata.name = 'clickhouse-operator.v0.18.3';
    c.spec.version = '0.18.3';
    c.spec.replaces = 'clickhouse-operator.v0.18.2';
  });
  await env.kube.create(CSVS, next);
  await waitFor(async () => (await getCsv(ns)) === undefined, 'old CSV deleted');
  await waitFor(phaseIs(ns, 'Succeeded', 'clickhouse-operator.v0.18.3'), describe(ns, 'clickhouse-operator.v0.18.3'));
  const reasons = (await env.kube.list(EVENTS, { namespace: ns })).items.filter((e) => (e.involvedObject as { name: string }).name === 'clickhouse-operator.v0.18.2').map((e) => e.reason);
  assert.ok(reasons.includes('BeingReplaced') && reasons.includes('Replaced'), `old CSV events: ${reasons.join(',')}`);
  const d = await env.kube.get(DEPLOYMENTS, 'clickhouse-operator', ns);
  assert.equal(d.metadata.labels!['olm.owner'], 'clickhouse-operator.v0.18.3');
  assert.deepEqual(d.metadata.ownerReferences!.map((o) => o.name), ['clickhouse-operator.v0.18.3']);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(await env.kube.tryGet(DEPLOYMENTS, 'clickhouse-operator', ns), 'deployment survives the old CSV (adopted)');
  assert.deepEqual(errors.filter((e) => !String(e).includes('conflict') && !String(e).includes('modified')), []);
});

test('copied CSVs: every other namespace of an AllNamespaces group gets a copy; OLMConfig disableCopiedCSVs removes them', async () => {
  const copy = () => getCsv('default');
  const setDisabled = async (disableCopiedCSVs: boolean) => {
    const cfg = await env.kube.get(OLM_RESOURCES.OLMConfig, 'cluster');
    await env.kube.request('PUT', env.kube.path(OLM_RESOURCES.OLMConfig, undefined, 'cluster'), { ...cfg, spec: { features: { disableCopiedCSVs } } });
  };
  assert.equal(await copy(), undefined, 'no copies while disabled');
  await setDisabled(false);
  await waitFor(async () => (await copy())?.status?.phase === 'Succeeded', async () => `copy in default: ${JSON.stringify((await copy())?.status)}`);
  const c = (await copy())!;
  // Several test namespaces install this operator with AllNamespaces groups; one of them is the copy's source.
  const source = c.metadata.labels!['olm.copiedFrom'];
  assert.match(source, /^ch-/);
  assert.equal(c.status!.reason, 'Copied');
  assert.equal(c.status!.message, `The operator is running in ${source} but is managing this namespace`);
  assert.equal(c.metadata.annotations!['olm.targetNamespaces'], undefined);
  assert.equal(c.metadata.annotations!['olm.operatorGroup'], 'global');
  // A copy never runs anything: no Deployment in the target namespace.
  assert.equal(await env.kube.tryGet(DEPLOYMENTS, 'clickhouse-operator', 'default'), undefined);
  // Deleting the source deletes its copies.
  await env.kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late-namespace' } });
  await waitFor(async () => !!(await getCsv('late-namespace'))?.metadata.labels?.['olm.copiedFrom']?.startsWith('ch-'), () => 'a new namespace gets the copy');
  await setDisabled(true);
  await waitFor(async () => (await copy()) === undefined && (await getCsv('late-namespace')) === undefined, () => 'copies deleted');
  assert.ok((await getCsv(source))?.metadata.labels?.['olm.copiedFrom'] === undefined, 'the source is untouched');
});
