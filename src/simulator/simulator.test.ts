import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/index.ts';
import { createNodeSimulator, pullFailedMessage, templateImages, WORKLOAD_RESOURCES } from './index.ts';
import { startTestEnv, waitFor } from './testing.ts';
import type { TestEnv } from './testing.ts';

let env: TestEnv;
const stop = new AbortController();
const NS = 'sim';
const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true };

before(async () => {
  env = await startTestEnv();
  await env.kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const sim = createNodeSimulator({ kube: env.kube, registry: env.registry, signal: stop.signal, recheckMs: 200 });
  await sim.start();
});
after(async () => {
  stop.abort();
  await env.stop();
});

const template = (image: string, init?: string) => ({
  metadata: { labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image }], ...(init ? { initContainers: [{ name: 'i', image: init }] } : {}) },
});
const cond = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

test('templateImages: init containers and containers, deduplicated', () => {
  assert.deepEqual(templateImages(template('a/b:1', 'c/d:2')), ['c/d:2', 'a/b:1']);
});

test('Deployment: missing image → unavailable with the image named and a Warning Event; a later push makes it Available', async () => {
  const image = 'mirror.example.com/team/app:1.0';
  await env.kube.create(WORKLOAD_RESOURCES.Deployment, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: NS }, spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: template(image) } });
  const get = () => env.kube.get(WORKLOAD_RESOURCES.Deployment, 'app', NS);
  await waitFor(async () => cond(await get(), 'Available')?.status === 'False', 'Available False');
  const d = await get();
  assert.equal(cond(d, 'Available')?.reason, 'MinimumReplicasUnavailable');
  assert.equal(cond(d, 'Progressing')?.message, pullFailedMessage(image));
  const events = (await env.kube.list(EVENTS, { namespace: NS })).items;
  const ev = events.find((e) => (e.involvedObject as { name: string }).name === 'app');
  assert.equal(ev?.type, 'Warning');
  assert.equal(ev?.reason, 'Failed');
  assert.equal(ev?.message, `Failed to pull image "${image}": image not found in the platform registry`);
  assert.equal((ev?.involvedObject as { kind: string; uid: string }).kind, 'Deployment');
  assert.equal((ev?.involvedObject as { uid: string }).uid, d.metadata.uid);

  await env.pushImage('team/app:1.0'); // host-less: the platform registry mirrors every host
  await waitFor(async () => cond(await get(), 'Available')?.status === 'True', 'Available True after push');
  const ok = (await get()) as KubeObject & { status: Record<string, unknown> };
  assert.equal(ok.status.availableReplicas, 2);
  assert.equal(ok.status.readyReplicas, 2);
  assert.equal(ok.status.observedGeneration, ok.metadata.generation);
  assert.equal(cond(ok, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  const rv = ok.metadata.resourceVersion;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal((await get()).metadata.resourceVersion, rv, 'no status writes once healthy');
});

test('StatefulSet, DaemonSet and Job with present images become ready/complete; a Job with a missing init image does not', async () => {
  await env.pushImage('team/base:2');
  const spec = { selector: { matchLabels: { app: 'x' } }, template: template('docker.io/team/base:2') };
  await env.kube.create(WORKLOAD_RESOURCES.StatefulSet, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: NS }, spec: { ...spec, serviceName: 'db', replicas: 3 } });
  await env.kube.create(WORKLOAD_RESOURCES.DaemonSet, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: NS }, spec });
  const jobTemplate = (init?: string) => ({ ...template('team/base:2', init), spec: { ...template('team/base:2', init).spec, restartPolicy: 'Never' } });
  await env.kube.create(WORKLOAD_RESOURCES.Job, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: NS }, spec: { template: jobTemplate() } });
  await env.kube.create(WORKLOAD_RESOURCES.Job, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'stuck', namespace: NS }, spec: { template: jobTemplate('team/missing:1') } });
  const st = (r: keyof typeof WORKLOAD_RESOURCES, n: string) => env.kube.get(WORKLOAD_RESOURCES[r], n, NS).then((o) => (o.status ?? {}) as Record<string, unknown>);
  await waitFor(async () => (await st('StatefulSet', 'db')).readyReplicas === 3, 'sts ready');
  await waitFor(async () => (await st('DaemonSet', 'agent')).numberAvailable === 1, 'ds available');
  await waitFor(async () => cond(await env.kube.get(WORKLOAD_RESOURCES.Job, 'once', NS), 'Complete')?.status === 'True', 'job complete');
  assert.equal((await st('Job', 'once')).succeeded, 1);
  await waitFor(async () => cond(await env.kube.get(WORKLOAD_RESOURCES.Job, 'stuck', NS), 'Available')?.reason === 'ErrImagePull', 'stuck job reports the pull failure');
  assert.equal(cond(await env.kube.get(WORKLOAD_RESOURCES.Job, 'stuck', NS), 'Available')?.message, pullFailedMessage('team/missing:1'));
});
