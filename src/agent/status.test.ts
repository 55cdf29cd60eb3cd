import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppReleaseStatus } from './crd.ts';
import type { ChartOutcome } from './status.ts';
import { desiredStatus, statusPatch } from './status.ts';

const ok = (over: Partial<ChartOutcome> = {}): ChartOutcome => ({ chart: 'acp/a', releaseName: 'a', version: 'v1', phase: 'Success', message: '', resources: 3, manifestHash: 'h1', unready: [], ...over });
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

test('a first successful render is revision 1, Synced and Health True', () => {
  const s = desiredStatus(undefined, [ok()], ['v1/ConfigMap'], 1, T0);
  assert.deepEqual(s.charts!['acp/a'], { releaseName: 'a', phase: 'Success', revision: 1, message: '', resources: 3, ready: true, installedRevision: 'v1', manifestHash: 'h1' });
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason]), [['Synced', 'True', 'Synced'], ['Health', 'True', 'Healthy']]);
});

test('revision moves only when the render changed', () => {
  const first = desiredStatus(undefined, [ok()], [], 1, T0);
  assert.equal(desiredStatus(first, [ok()], [], 1, T1).charts!['acp/a'].revision, 1);
  assert.equal(desiredStatus(first, [ok({ manifestHash: 'h2' })], [], 2, T1).charts!['acp/a'].revision, 2);
});

test('a failed chart keeps its installed revision and hash, and says why', () => {
  const first = desiredStatus(undefined, [ok()], [], 1, T0);
  const failed = desiredStatus(first, [ok({ version: 'v2', phase: 'Failed', message: 'chart acp/a v2: not found', manifestHash: undefined })], [], 2, T1);
  assert.equal(failed.charts!['acp/a'].installedRevision, 'v1');
  assert.equal(failed.charts!['acp/a'].manifestHash, 'h1');
  assert.equal(failed.charts!['acp/a'].ready, false);
  const synced = failed.conditions!.find((c) => c.type === 'Synced')!;
  assert.deepEqual([synced.status, synced.reason, synced.message, synced.lastTransitionTime], ['False', 'SyncFailed', 'chart acp/a v2: not found', T1]);
});

test('unready workloads make Health False with their reasons; times move only on a flip', () => {
  const first = desiredStatus(undefined, [ok({ unready: ['Deployment ns/a: not observed yet'] })], [], 1, T0);
  const health = first.conditions!.find((c) => c.type === 'Health')!;
  assert.deepEqual([health.status, health.reason, health.message], ['False', 'WorkloadsNotReady', 'Deployment ns/a: not observed yet']);
  const again = desiredStatus(first, [ok({ unready: ['Deployment ns/a: 0 of 1 replicas ready'] })], [], 1, T1);
  assert.equal(again.conditions!.find((c) => c.type === 'Health')!.lastTransitionTime, T0);
});

test('statusPatch: undefined when equal, nulls charts that went away', () => {
  const current: AppReleaseStatus = desiredStatus(undefined, [ok(), ok({ chart: 'acp/b', releaseName: 'b' })], ['v1/ConfigMap'], 1, T0);
  assert.equal(statusPatch(current, desiredStatus(current, [ok(), ok({ chart: 'acp/b', releaseName: 'b' })], ['v1/ConfigMap'], 1, T1)), undefined);
  const patch = statusPatch(current, desiredStatus(current, [ok()], ['v1/ConfigMap'], 2, T1)) as { status: { charts: Record<string, unknown> } };
  assert.equal(patch.status.charts['acp/b'], null);
  assert.ok(patch.status.charts['acp/a']);
});
