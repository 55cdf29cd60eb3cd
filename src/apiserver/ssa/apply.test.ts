import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../kube/errors.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { applyServerSide } from './apply.ts';
import { LAST_APPLIED_ANNOTATION } from './lastapplied.ts';
import { CONFIGMAP, DEPLOYMENT, WIDGET } from './testschemas.ts';
import { recordUpdate } from './update.ts';

const T0 = '2026-01-01T00:00:00.500Z';
const T1 = '2026-01-01T00:01:00Z';

function cm(data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'd', ...extra }, data };
}

/** Apply, then stamp the server-set metadata a store would add. */
function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: { force?: boolean; schema?: JSONSchemaProps; now?: string } = {}): KubeObject {
  const out = applyServerSide({ live, applied, manager, force: opts.force ?? false, schema: opts.schema ?? CONFIGMAP, apiVersion: 'v1', now: opts.now ?? T0 });
  out.metadata.uid = 'uid-1';
  return out;
}

function entries(obj: KubeObject): Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'fieldsV1'>[] {
  return (obj.metadata.managedFields ?? []).map(({ manager, operation, fieldsV1 }) => ({ manager, operation, fieldsV1 }));
}

function conflictOf(fn: () => unknown): { message: string; causes: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    return { message: err.message, causes: err.details?.causes };
  }
  assert.fail('expected a conflict');
}

describe('applyServerSide: removal of fields the manager stops applying', () => {
  it('helm 4 upgrade that drops data.b removes it', () => {
    const v1 = apply(undefined, cm({ a: '1', b: '2' }), 'helm');
    assert.deepEqual(v1.metadata.managedFields, [
      { manager: 'helm', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } },
    ]);
    const v2 = apply(v1, cm({ a: '1' }), 'helm', { now: T1 });
    assert.deepEqual(v2.data, { a: '1' });
    assert.deepEqual(entries(v2), [{ manager: 'helm', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } }]);
    assert.equal(v2.metadata.managedFields?.[0].time, T1);
  });

  it('a field shared with another applier survives when one of them drops it', () => {
    const v1 = apply(undefined, cm({ a: '1', b: '2' }), 'helm');
    const v2 = apply(v1, cm({ b: '2' }), 'ops');
    const v3 = apply(v2, cm({ a: '1' }), 'helm');
    assert.deepEqual(v3.data, { a: '1', b: '2' });
    const v4 = apply(v3, cm({}), 'ops');
    assert.deepEqual(v4.data, { a: '1' });
  });

  it('a field changed since by an update manager is kept', () => {
    const v1 = apply(undefined, cm({ a: '1', b: '2' }), 'helm');
    const edited = recordUpdate({ before: v1, after: { ...v1, data: { a: '1', b: 'edited' } }, manager: 'kubectl-edit', schema: CONFIGMAP, apiVersion: 'v1', now: T1 });
    const v2 = apply(edited, cm({ a: '1' }), 'helm');
    assert.deepEqual(v2.data, { a: '1', b: 'edited' });
  });

  it('removes labels and keyed list items too', () => {
    const dep = (containers: string[], labels: Record<string, string>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels },
      spec: { replicas: 1, template: { spec: { containers: containers.map((name) => ({ name, image: `${name}:1` })) } } },
    });
    const v1 = apply(undefined, dep(['app', 'sidecar'], { a: '1', b: '2' }), 'helm', { schema: DEPLOYMENT });
    const v2 = apply(v1, dep(['app'], { a: '1' }), 'helm', { schema: DEPLOYMENT });
    assert.deepEqual(v2.metadata.labels, { a: '1' });
    assert.deepEqual((v2.spec as { template: unknown }).template, { spec: { containers: [{ name: 'app', image: 'app:1' }] } });
  });
});

describe('applyServerSide: conflicts', () => {
  const csa = (): KubeObject => {
    const created = recordUpdate({ before: undefined, after: cm({ a: '1', b: '2' }), manager: 'kubectl-client-side-apply', schema: CONFIGMAP, apiVersion: 'v1', now: T0 });
    created.metadata.uid = 'uid-1';
    return created;
  };

  it('one conflict: exact upstream message and cause', () => {
    const c = conflictOf(() => apply(csa(), cm({ a: '2' }), 'helm'));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a');
    assert.deepEqual(c.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.a' }]);
  });

  it('several conflicts with one manager', () => {
    const c = conflictOf(() => apply(csa(), cm({ a: '2', b: '3' }), 'helm'));
    assert.equal(c.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.a\n- .data.b');
  });

  it('conflicts with several managers, appliers printed without version', () => {
    const live = apply(csa(), cm({ c: '3' }), 'ops');
    const c = conflictOf(() => apply(live, cm({ a: '2', c: '4' }), 'helm'));
    assert.equal(c.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.a\nconflicts with "ops":\n- .data.c');
  });

  it('the same value is no conflict: ownership becomes shared', () => {
    const v = apply(csa(), cm({ a: '1' }), 'helm');
    assert.deepEqual(entries(v), [
      { manager: 'helm', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } } },
    ]);
  });

  it('force takes ownership away from the other manager', () => {
    const v = apply(csa(), cm({ a: '2' }), 'helm', { force: true });
    assert.deepEqual(v.data, { a: '2', b: '2' });
    assert.deepEqual(entries(v), [
      { manager: 'helm', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: { 'f:data': { '.': {}, 'f:b': {} } } },
    ]);
  });

  it('rejects managedFields in the apply body', () => {
    assert.throws(() => apply(undefined, cm({ a: '1' }, { managedFields: [] }), 'helm'), (e: unknown) => e instanceof StatusError && e.code === 400);
  });
});

describe('applyServerSide: list ownership', () => {
  const dep = (containers: Record<string, unknown>[]): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: { containers } } } });

  it('containers are owned per item via k:{"name":...}', () => {
    const v1 = apply(undefined, dep([{ name: 'app', image: 'nginx:1' }]), 'kubectl', { schema: DEPLOYMENT });
    const v2 = apply(v1, dep([{ name: 'sidecar', image: 'envoy' }]), 'mesh', { schema: DEPLOYMENT });
    assert.deepEqual(entries(v2)[1], {
      manager: 'mesh',
      operation: 'Apply',
      fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
    });
    const names = (o: KubeObject): string[] => ((o.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers).map((c) => c.name);
    assert.deepEqual(names(v2), ['app', 'sidecar']);
    const c = conflictOf(() => apply(v2, dep([{ name: 'app', image: 'nginx:2' }]), 'mesh', { schema: DEPLOYMENT }));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="app"].image');
  });

  it('CRD lists without a list type are atomic: one leaf, replaced whole', () => {
    const w = (items: string[]): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: items.map((name) => ({ name })) } });
    const v1 = apply(undefined, w(['a', 'b']), 'helm', { schema: WIDGET });
    assert.deepEqual(entries(v1)[0].fieldsV1, { 'f:spec': { 'f:items': {} } });
    const c = conflictOf(() => apply(v1, w(['c']), 'other', { schema: WIDGET }));
    assert.equal(c.message, 'Apply failed with 1 conflict: conflict with "helm": .spec.items');
    const v2 = apply(v1, w(['c']), 'other', { schema: WIDGET, force: true });
    assert.deepEqual(v2.spec, { items: [{ name: 'c' }] });
    assert.deepEqual(entries(v2).map((e) => e.manager), ['other']);
  });
});

describe('applyServerSide: objects not created by apply', () => {
  it('kubectl apply (client-side) then kubectl apply --server-side takes over without force', () => {
    const lastApplied = '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"x","namespace":"d"}}\n';
    const created = recordUpdate({ before: undefined, after: cm({ a: '1' }, { annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } }), manager: 'kubectl-client-side-apply', schema: CONFIGMAP, apiVersion: 'v1', now: T0 });
    created.metadata.uid = 'uid-1';
    assert.equal(conflictOf(() => apply(created, cm({ a: '2' }), 'helm')).message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a');
    const v = apply(created, cm({ a: '2' }), 'kubectl');
    assert.deepEqual(v.data, { a: '2' });
    assert.equal(v.metadata.annotations?.[LAST_APPLIED_ANNOTATION], '{"apiVersion":"v1","data":{"a":"2"},"kind":"ConfigMap","metadata":{"name":"x","namespace":"d"}}\n');
    assert.deepEqual(entries(v)[0], { manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } });
  });

  it('an object without managedFields: existing fields belong to before-first-apply', () => {
    const legacy: KubeObject = { ...cm({ a: '1', b: '2' }), metadata: { name: 'x', namespace: 'd', uid: 'uid-1', labels: { keep: 'me' } } };
    const v = apply(legacy, cm({ a: '1', c: '3' }), 'helm');
    assert.deepEqual(v.data, { a: '1', b: '2', c: '3' });
    assert.deepEqual(v.metadata.labels, { keep: 'me' });
    assert.deepEqual(entries(v)[1], {
      manager: 'before-first-apply',
      operation: 'Update',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:keep': {} } } },
    });
    const again = apply(v, cm({ c: '3' }), 'helm');
    assert.deepEqual(again.data, { a: '1', b: '2', c: '3' }, 'a is still owned by before-first-apply');
    assert.equal(conflictOf(() => apply(legacy, cm({ b: '9' }), 'helm')).message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.b');
  });
});

describe('applyServerSide: request details', () => {
  it('creationTimestamp: null in the body does not clear the live value', () => {
    const live = apply(undefined, cm({ a: '1' }), 'kubectl');
    live.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const v = apply(live, cm({ a: '1' }, { creationTimestamp: null }), 'kubectl');
    assert.equal(v.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
  });

  it('a no-op re-apply keeps the entry time', () => {
    const v1 = apply(undefined, cm({ a: '1' }), 'helm', { now: T0 });
    const v2 = apply(v1, cm({ a: '1' }), 'helm', { now: T1 });
    assert.equal(v2.metadata.managedFields?.[0].time, '2026-01-01T00:00:00Z');
  });
});
