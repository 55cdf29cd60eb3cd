import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { PlatformProcess } from './harness.ts';

const p = new PlatformProcess();
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

before(async () => {
  await p.start(['--compaction-interval', '1', '--min-request-timeout', '2']);
  kc = new k8s.KubeConfig();
  kc.loadFromFile(p.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  await p.stop();
  p.cleanup();
});

function waitFor(predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

test('an informer sees add, update and delete, and survives 410 Gone after compaction', async () => {
  const seen: string[] = [];
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
  informer.on('add', (o: k8s.V1ConfigMap) => seen.push(`add:${o.metadata!.name}`));
  informer.on('update', (o: k8s.V1ConfigMap) => seen.push(`update:${o.metadata!.name}:${o.data?.v}`));
  informer.on('delete', (o: k8s.V1ConfigMap) => seen.push(`delete:${o.metadata!.name}`));
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf1' }, data: { v: '1' } } });
    await waitFor(() => seen.includes('add:inf1'), 'add');
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'inf1', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await waitFor(() => seen.includes('update:inf1:2'), 'update');
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'inf1' });
    await waitFor(() => seen.includes('delete:inf1'), 'delete');

    // Advance revisions elsewhere so this informer's last RV gets compacted, and let its watch expire.
    for (let i = 0; i < 5; i++) await core.createNamespace({ body: { metadata: { name: `churn-${i}` } } });
    await new Promise((r) => setTimeout(r, 5000));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf2' }, data: { v: '1' } } });
    await waitFor(() => seen.includes('add:inf2'), 'add after relist');
  } finally {
    await informer.stop();
  }
});

test('a watch from a compacted resourceVersion gets 410 Gone', async () => {
  const list = await core.listNamespacedConfigMap({ namespace: 'default' });
  const oldRV = list.metadata!.resourceVersion!;
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'bump' } } });
  await new Promise((r) => setTimeout(r, 2500));
  const watch = new k8s.Watch(kc);
  const result = await new Promise<{ type: string; code?: number }>((resolve, reject) => {
    watch
      .watch('/api/v1/namespaces/default/configmaps', { resourceVersion: oldRV }, (type, obj) => resolve({ type, code: (obj as { code?: number }).code }), (err) => (err ? reject(err) : undefined))
      .catch(reject);
  }).catch((err: { statusCode?: number; code?: number }) => ({ type: 'HTTP', code: err.statusCode ?? err.code }));
  assert.equal(result.code, 410);
});
