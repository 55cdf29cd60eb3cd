import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../apiserver/index.ts';
import type { ApiServer } from '../apiserver/index.ts';
import { createMemoryStorage } from '../storage/index.ts';
import type { Storage } from '../storage/index.ts';
import { createController, createInformer, createKubeClient, StatusError } from './index.ts';
import type { KubeClient } from './index.ts';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
let storage: Storage;
let api: ApiServer;
let server: Server;
let kube: KubeClient;

before(async () => {
  storage = createMemoryStorage();
  api = createApiServer({ storage, authenticate: (t) => (t === 'tok' ? { name: 'admin', groups: [] } : undefined), compactionIntervalMs: 3_600_000 });
  await api.start();
  server = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kube = createKubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'tok' });
});
after(async () => {
  kube.close();
  server.closeAllConnections();
  server.close();
  await api.close();
});

const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
};

test('client: create, apply, get, list, patch, delete with Status errors', async () => {
  await kube.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { x: '1' } });
  await assert.rejects(kube.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } }), (e: unknown) => e instanceof StatusError && e.reason === 'AlreadyExists');
  await kube.apply(CONFIGMAPS, { kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' }, data: { y: '2' } }, 'test');
  assert.equal((await kube.get(CONFIGMAPS, 'b', 'default')).data && 'ok', 'ok');
  await kube.patch(CONFIGMAPS, 'a', 'default', { data: { x: '2' } });
  assert.deepEqual((await kube.get(CONFIGMAPS, 'a', 'default')).data, { x: '2' });
  assert.equal((await kube.list(CONFIGMAPS, { namespace: 'default' })).items.length, 2);
  await kube.delete(CONFIGMAPS, 'b', 'default');
  assert.equal(await kube.tryGet(CONFIGMAPS, 'b', 'default'), undefined);
});

test('informer: add/update/delete, and recovery by re-listing after 410 Gone', async () => {
  const events: string[] = [];
  const inf = createInformer(kube, CONFIGMAPS, { namespace: 'inf', watchTimeoutSeconds: 1, retryDelayMs: 20 });
  inf.on((ev, obj) => events.push(`${ev}:${obj.metadata.name}`));
  const stop = new AbortController();
  await kube.create({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inf' } });
  void inf.start(stop.signal);
  await inf.synced;
  await kube.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'inf' } });
  await waitFor(() => events.includes('add:c'), 'add');
  await kube.patch(CONFIGMAPS, 'c', 'inf', { data: { k: 'v' } });
  await waitFor(() => events.includes('update:c'), 'update');
  await kube.delete(CONFIGMAPS, 'c', 'inf');
  await waitFor(() => events.includes('delete:c'), 'delete');
  // Compact past the informer's resourceVersion while its watch is being renewed: it must relist and go on.
  for (let i = 0; i < 3; i++) await kube.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `elsewhere-${i}`, namespace: 'default' } });
  await storage.compact(await storage.currentRevision());
  await new Promise((r) => setTimeout(r, 1500));
  await kube.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: 'inf' } });
  await waitFor(() => events.includes('add:d'), 'add after 410');
  assert.equal(inf.get('d', 'inf')?.metadata.name, 'd');
  stop.abort();
});

test('controller: the earliest requeue wins over a pending long one', async () => {
  const runs: number[] = [];
  const ctl = createController({
    name: 'timers',
    reconcile: async () => {
      runs.push(Date.now());
      // First run: a long resync; second (an event) asks for a short poll, which must not wait for the long one.
      return runs.length === 1 ? { requeueAfterMs: 60_000 } : runs.length === 2 ? { requeueAfterMs: 20 } : undefined;
    },
  });
  const stop = new AbortController();
  ctl.start(stop.signal);
  ctl.enqueue('k');
  await waitFor(() => runs.length === 1, 'first run');
  ctl.enqueue('k');
  await waitFor(() => runs.length === 3, 'the short poll fired although a 60 s timer was pending');
  stop.abort();
});

test('controller: serial per key, dedup, retry with backoff, requeueAfter', async () => {
  const runs: string[] = [];
  let concurrentForA = 0;
  let maxConcurrentForA = 0;
  let failOnce = true;
  const ctl = createController({
    name: 'test',
    baseDelayMs: 10,
    concurrency: 3,
    reconcile: async (key) => {
      runs.push(key);
      if (key === 'a') {
        concurrentForA++;
        maxConcurrentForA = Math.max(maxConcurrentForA, concurrentForA);
        await new Promise((r) => setTimeout(r, 20));
        concurrentForA--;
      }
      if (key === 'flaky' && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
      if (key === 'poll' && runs.filter((r) => r === 'poll').length < 3) return { requeueAfterMs: 5 };
    },
  });
  const stop = new AbortController();
  ctl.start(stop.signal);
  for (let i = 0; i < 5; i++) ctl.enqueue('a');
  ctl.enqueue('flaky');
  ctl.enqueue('poll');
  await waitFor(() => runs.filter((r) => r === 'flaky').length === 2 && runs.filter((r) => r === 'poll').length === 3, 'retries and requeues');
  await ctl.idle();
  assert.equal(maxConcurrentForA, 1, 'one key never runs twice at once');
  assert.ok(runs.filter((r) => r === 'a').length <= 2, 'repeated enqueues collapse');
  stop.abort();
});
