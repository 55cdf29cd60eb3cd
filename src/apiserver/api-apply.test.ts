/** Integration over HTTP: server-side apply, managedFields, status subresource and generation. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { CM, WIDGETS, configMap, createCRD, startTestServer, widget } from './testing.ts';

const APPLY = 'application/apply-patch+yaml';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await createCRD(srv);
});
after(() => srv.close());

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}
const entry = (obj: { metadata: { managedFields?: ManagedFieldsEntry[] } }, manager: string, operation = 'Apply') => obj.metadata.managedFields?.find((m) => m.manager === manager && m.operation === operation);

function applyCM(name: string, data: Record<string, string>, manager: string, extra = '') {
  return srv.patch(`${CM}/${name}?fieldManager=${manager}${extra}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }, APPLY);
}

describe('server-side apply', () => {
  test('apply creates (201) and records an Apply managedFields entry', async () => {
    const res = await applyCM('ssa1', { a: '1', b: '2' }, 'm1');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { a: '1', b: '2' });
    const e = entry(res.body, 'm1')!;
    assert.ok(e, 'Apply entry for m1');
    assert.equal(e.apiVersion, 'v1');
    assert.equal(e.fieldsType, 'FieldsV1');
    assert.deepEqual(e.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
    assert.match(e.time!, /Z$/);
  });

  test('a YAML apply body works too', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-yaml\ndata:\n  k: v\n';
    const res = await srv.patch(`${CM}/ssa-yaml?fieldManager=m1`, yaml, APPLY);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { k: 'v' });
  });

  test('re-applying without a key removes it; an identical apply is a no-op', async () => {
    await applyCM('ssa2', { a: '1', b: '2' }, 'm1');
    const res = await applyCM('ssa2', { a: '1' }, 'm1');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { a: '1' });
    assert.deepEqual(entry(res.body, 'm1')!.fieldsV1, { 'f:data': { 'f:a': {} } });
    const again = await applyCM('ssa2', { a: '1' }, 'm1');
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
  });

  test('a key owned by another manager too is kept when one manager stops applying it', async () => {
    await applyCM('ssa-shared', { a: '1' }, 'm1');
    assert.equal((await applyCM('ssa-shared', { a: '1' }, 'm2')).status, 200);
    const res = await applyCM('ssa-shared', {}, 'm1');
    assert.deepEqual(res.body.data, { a: '1' });
  });

  test('conflict with another applier → 409 with FieldManagerConflict causes', async () => {
    await applyCM('ssa3', { a: '1', b: '2' }, 'm1');
    const res = await applyCM('ssa3', { a: 'changed' }, 'm2');
    assert.equal(res.status, 409, res.text);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "m1": .data.a',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.data.a' }] },
      code: 409,
    });
    const live = await srv.get(`${CM}/ssa3`);
    assert.deepEqual(live.body.data, { a: '1', b: '2' });
  });

  test('several conflicts are listed one per line', async () => {
    await applyCM('ssa-multi', { a: '1', b: '2' }, 'm1');
    const res = await applyCM('ssa-multi', { a: 'x', b: 'y' }, 'm2');
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Apply failed with 2 conflicts: conflicts with "m1":\n- .data.a\n- .data.b');
    assert.equal(res.body.details.causes.length, 2);
  });

  // Upstream's manager identifier drops the time (fieldmanager BuildManagerIdentifier), so no " at <time>".
  test('conflict with an Update manager names its apiVersion', async () => {
    await srv.post(`${CM}?fieldManager=editor`, configMap('ssa-upd', { data: { a: '1' } }));
    const res = await applyCM('ssa-upd', { a: '2' }, 'm1');
    assert.equal(res.status, 409);
    assert.equal(res.body.details.causes[0].message, 'conflict with "editor" using v1');
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.a');
    assert.equal(res.body.details.causes[0].field, '.data.a');
  });

  test('force=true wins and takes ownership', async () => {
    await applyCM('ssa4', { a: '1', b: '2' }, 'm1');
    const res = await applyCM('ssa4', { a: 'forced' }, 'm2', '&force=true');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { a: 'forced', b: '2' });
    assert.deepEqual(entry(res.body, 'm2')!.fieldsV1, { 'f:data': { 'f:a': {} } });
    assert.deepEqual(entry(res.body, 'm1')!.fieldsV1, { 'f:data': { 'f:b': {} } });
    // m1 no longer owns a: applying without it does not remove it.
    const later = await applyCM('ssa4', { b: '2' }, 'm1');
    assert.deepEqual(later.body.data, { a: 'forced', b: '2' });
  });

  test('applying the same value as another manager is not a conflict (shared ownership)', async () => {
    await applyCM('ssa5', { a: '1' }, 'm1');
    const res = await applyCM('ssa5', { a: '1' }, 'm2');
    assert.equal(res.status, 200, res.text);
    assert.ok(entry(res.body, 'm1') && entry(res.body, 'm2'));
  });

  test('non-apply writes record Update entries and take fields from appliers', async () => {
    await applyCM('ssa6', { a: '1', b: '2' }, 'm1');
    const res = await srv.patch(`${CM}/ssa6?fieldManager=kubectl-edit`, { data: { a: 'edited' } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    const upd = entry(res.body, 'kubectl-edit', 'Update')!;
    assert.deepEqual(upd.fieldsV1, { 'f:data': { 'f:a': {} } });
    assert.deepEqual(entry(res.body, 'm1')!.fieldsV1, { 'f:data': { 'f:b': {} } });
  });

  test('apply without fieldManager → 400', async () => {
    const res = await srv.patch(`${CM}/ssa7`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa7' } }, APPLY);
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  test('apply without apiVersion/kind → 400', async () => {
    const res = await srv.patch(`${CM}/ssa8?fieldManager=m1`, { metadata: { name: 'ssa8' }, data: {} }, APPLY);
    assert.equal(res.status, 400);
  });

  test('apply dryRun creates nothing', async () => {
    const res = await applyCM('ssa-dry', { a: '1' }, 'm1', '&dryRun=All');
    assert.equal(res.status, 201, res.text);
    assert.equal((await srv.get(`${CM}/ssa-dry`)).status, 404);
  });

  test('apply a custom resource: create, then remove a spec field', async () => {
    const body = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa-w' }, spec });
    const created = await srv.patch(`${WIDGETS}/ssa-w?fieldManager=helm&fieldValidation=Strict&force=false`, body({ size: 1, color: 'red' }), APPLY);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.metadata.generation, 1);
    assert.deepEqual(entry(created.body, 'helm')!.fieldsV1, { 'f:spec': { 'f:color': {}, 'f:size': {} } });
    const updated = await srv.patch(`${WIDGETS}/ssa-w?fieldManager=helm&fieldValidation=Strict&force=false`, body({ size: 1 }), APPLY);
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body.spec, { size: 1 });
    assert.equal(updated.body.metadata.generation, 2);
  });

  test('apply with fieldValidation=Strict and an unknown field on a custom resource → 400', async () => {
    const res = await srv.patch(`${WIDGETS}/ssa-strict?fieldManager=helm&fieldValidation=Strict`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa-strict' }, spec: { nope: 1 } }, APPLY);
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.message, /strict decoding error: unknown field "spec.nope"/);
  });

  test('apply of a namespaced object into a missing namespace → 404', async () => {
    const res = await srv.patch('/api/v1/namespaces/nothere/configmaps/x?fieldManager=m1', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, APPLY);
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'namespaces "nothere" not found');
  });

  test('managedFields can be cleared with [{}] (helm 4 csaupgrade style)', async () => {
    await applyCM('ssa-clear', { a: '1' }, 'm1');
    const res = await srv.patch(`${CM}/ssa-clear`, { metadata: { managedFields: [{}] } }, 'application/merge-patch+json');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.metadata.managedFields, undefined);
  });
});

describe('status subresource', () => {
  test('create ignores .status', async () => {
    const res = await srv.post(WIDGETS, { ...widget('st1'), status: { phase: 'Ready' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, undefined);
  });

  test('main-resource writes ignore .status; spec changes bump generation', async () => {
    const created = await srv.post(WIDGETS, widget('st2', { size: 1 }));
    const put = await srv.put(`${WIDGETS}/st2`, { ...created.body, spec: { size: 2 }, status: { phase: 'Hacked' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.status, undefined);
    assert.deepEqual(put.body.spec, { size: 2 });
    assert.equal(put.body.metadata.generation, 2);
    const patch = await srv.patch(`${WIDGETS}/st2`, { status: { phase: 'Hacked' } }, 'application/merge-patch+json');
    assert.equal(patch.status, 200);
    assert.equal(patch.body.status, undefined);
    assert.equal(patch.body.metadata.generation, 2);
  });

  test('/status writes ignore spec and do not bump generation', async () => {
    const created = await srv.post(WIDGETS, widget('st3', { size: 1 }));
    const put = await srv.put(`${WIDGETS}/st3/status`, { ...created.body, spec: { size: 99 }, status: { phase: 'Ready', observedGeneration: 1 } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.status, { phase: 'Ready', observedGeneration: 1 });
    assert.deepEqual(put.body.spec, { size: 1 });
    assert.equal(put.body.metadata.generation, 1);
    const patch = await srv.patch(`${WIDGETS}/st3/status`, { spec: { size: 50 }, status: { phase: 'Done' } }, 'application/merge-patch+json');
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.body.status, { phase: 'Done', observedGeneration: 1 });
    assert.deepEqual(patch.body.spec, { size: 1 });
    assert.equal(patch.body.metadata.generation, 1);
    const got = await srv.get(`${WIDGETS}/st3/status`);
    assert.equal(got.status, 200);
    assert.equal(got.body.kind, 'Widget');
    assert.deepEqual(got.body.status, { phase: 'Done', observedGeneration: 1 });
  });

  test('metadata-only changes keep generation', async () => {
    await srv.post(WIDGETS, widget('st4', { size: 1 }));
    const res = await srv.patch(`${WIDGETS}/st4`, { metadata: { labels: { x: 'y' }, annotations: { a: 'b' } } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.generation, 1);
  });

  test('status writes are recorded with subresource "status"', async () => {
    await srv.post(WIDGETS, widget('st5'));
    const res = await srv.patch(`${WIDGETS}/st5/status?fieldManager=ctrl`, { status: { phase: 'Ready' } }, 'application/merge-patch+json');
    const e = entry(res.body, 'ctrl', 'Update')!;
    assert.equal(e.subresource, 'status');
    assert.deepEqual(e.fieldsV1, { 'f:status': { '.': {}, 'f:phase': {} } });
  });

  test('server-side apply to /status', async () => {
    await srv.post(WIDGETS, widget('st6'));
    const res = await srv.patch(`${WIDGETS}/st6/status?fieldManager=ctrl&force=true`, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'st6' }, status: { phase: 'Applied' } }, APPLY);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.status, { phase: 'Applied' });
    const e = entry(res.body, 'ctrl')!;
    assert.equal(e.subresource, 'status');
  });

  test('/status of a missing object → 404; of a kind without the subresource → 404', async () => {
    assert.equal((await srv.patch(`${WIDGETS}/none/status`, { status: {} }, 'application/merge-patch+json')).status, 404);
    await srv.post(CM, configMap('no-status'));
    assert.equal((await srv.get(`${CM}/no-status/status`)).status, 404);
  });

  test('stale resourceVersion on /status → 409', async () => {
    const created = await srv.post(WIDGETS, widget('st7'));
    await srv.patch(`${WIDGETS}/st7/status`, { status: { phase: 'A' } }, 'application/merge-patch+json');
    const res = await srv.put(`${WIDGETS}/st7/status`, { ...created.body, status: { phase: 'B' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Operation cannot be fulfilled on widgets.example.com "st7": the object has been modified; please apply your changes to the latest version and try again');
  });

  test('a Deployment: spec change bumps generation, status via /status', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments';
    const created = await srv.post(path, dep);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.metadata.generation, 1);
    const scaled = await srv.patch(`${path}/d`, { spec: { replicas: 3 } }, 'application/strategic-merge-patch+json');
    assert.equal(scaled.body.metadata.generation, 2);
    const st = await srv.patch(`${path}/d/status`, { status: { observedGeneration: 2, replicas: 3 } }, 'application/merge-patch+json');
    assert.equal(st.status, 200, st.text);
    assert.equal(st.body.metadata.generation, 2);
    assert.equal(st.body.status.replicas, 3);
  });
});
