import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ManagedFieldsEntry } from '../../kube/types.ts';
import { applyServerSide } from './apply.ts';
import { CONFIGMAP, WIDGET } from './testschemas.ts';
import { defaultFieldManager, recordUpdate } from './update.ts';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:05:00Z';

function cm(data: Record<string, string>, managedFields?: ManagedFieldsEntry[]): KubeObject {
  const metadata: KubeObject['metadata'] = { name: 'x', namespace: 'd', uid: 'uid-1' };
  if (managedFields) metadata.managedFields = managedFields;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

function update(before: KubeObject | undefined, after: KubeObject, manager: string, extra: { now?: string; apiVersion?: string; subresource?: string } = {}): KubeObject {
  return recordUpdate({ before, after, manager, schema: CONFIGMAP, apiVersion: extra.apiVersion ?? 'v1', subresource: extra.subresource, now: extra.now ?? T1 });
}

function summary(obj: KubeObject): string[] {
  return (obj.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}/${e.apiVersion}${e.subresource ? `/${e.subresource}` : ''} ${JSON.stringify(e.fieldsV1)}`);
}

/** A ConfigMap applied by helm with data a, b. */
function helmOwned(): KubeObject {
  const o = applyServerSide({ live: undefined, applied: cm({ a: '1', b: '2' }), manager: 'helm', force: false, schema: CONFIGMAP, apiVersion: 'v1', now: T0 });
  o.metadata.uid = 'uid-1';
  return o;
}

describe('recordUpdate', () => {
  const cases: { name: string; run: () => KubeObject; want: string[] }[] = [
    {
      name: 'create records everything, new maps marked with "."',
      run: () => update(undefined, { ...cm({ a: '1' }), metadata: { name: 'x', labels: { l: 'v' } } }, 'kubectl-create', { now: T0 }),
      want: ['kubectl-create/Update/v1 {"f:data":{".":{},"f:a":{}},"f:metadata":{"f:labels":{".":{},"f:l":{}}}}'],
    },
    {
      name: 'a changed field moves from the applier to the updater',
      run: () => update(helmOwned(), cm({ a: '1', b: 'edited' }, helmOwned().metadata.managedFields), 'kubectl-edit'),
      want: ['helm/Apply/v1 {"f:data":{"f:a":{}}}', 'kubectl-edit/Update/v1 {"f:data":{"f:b":{}}}'],
    },
    {
      name: 'a removed field leaves every set; a write that adds nothing records no entry',
      run: () => update(helmOwned(), cm({ a: '1' }), 'kubectl-edit'),
      want: ['helm/Apply/v1 {"f:data":{"f:a":{}}}'],
    },
    {
      name: 'no-op update changes nothing',
      run: () => update(helmOwned(), helmOwned(), 'kubectl-edit'),
      want: ['helm/Apply/v1 {"f:data":{"f:a":{},"f:b":{}}}'],
    },
    {
      name: 'one entry per manager and apiVersion, sets accumulate',
      run: () => {
        const one = update(helmOwned(), cm({ a: '1', b: '2', c: '3' }), 'ctl');
        const two = update(one, cm({ a: '1', b: '2', c: '3', d: '4' }), 'ctl');
        return update(two, cm({ a: '1', b: '2', c: '3', d: '4', e: '5' }), 'ctl', { apiVersion: 'v2' });
      },
      want: ['helm/Apply/v1 {"f:data":{"f:a":{},"f:b":{}}}', 'ctl/Update/v1 {"f:data":{"f:c":{},"f:d":{}}}', 'ctl/Update/v2 {"f:data":{"f:e":{}}}'],
    },
    {
      name: 'managedFields replaced by the request (helm csaupgrade JSON patch) are kept',
      run: () => {
        const sent: ManagedFieldsEntry[] = [{ manager: 'helm', operation: 'Apply', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }];
        const before = update(undefined, cm({ a: '1', b: '2' }), 'helm', { now: T0 });
        return update(before, cm({ a: '1', b: '2' }, sent), 'helm');
      },
      want: ['helm/Apply/v1 {"f:data":{"f:a":{},"f:b":{}}}'],
    },
    {
      name: '[{}] clears managedFields and the object stays untracked',
      run: () => {
        const cleared = update(helmOwned(), cm({ a: '1', b: '2' }, [{}]), 'helm');
        return update(cleared, cm({ a: '1', b: '3' }), 'kubectl-edit');
      },
      want: [],
    },
    {
      name: 'status writes carry the subresource and ignore managedFields in the body',
      run: () => {
        const before: KubeObject = { ...cm({}), spec: { size: 1 } };
        const after: KubeObject = { ...cm({}, [{}]), spec: { size: 1 }, status: { phase: 'Ready' } };
        return recordUpdate({ before: update(undefined, before, 'creator', { now: T0 }), after, manager: 'ctrl', schema: WIDGET, apiVersion: 'v1', subresource: 'status', now: T1 });
      },
      want: ['creator/Update/v1 {"f:data":{},"f:spec":{".":{},"f:size":{}}}', 'ctrl/Update/v1/status {"f:status":{".":{},"f:phase":{}}}'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(summary(c.run()), c.want));

  it('stamps RFC 3339 seconds and sorts Apply first, then Update by time', () => {
    const a = update(helmOwned(), cm({ a: '1', b: '2', z: '1' }), 'zed', { now: '2026-01-01T00:01:00.999Z' });
    const b = update(a, cm({ a: '1', b: '2', z: '1', y: '1' }), 'aaa', { now: '2026-01-01T00:02:00Z' });
    assert.deepEqual(
      b.metadata.managedFields?.map((e) => [e.manager, e.operation, e.time]),
      [
        ['helm', 'Apply', T0],
        ['zed', 'Update', '2026-01-01T00:01:00Z'],
        ['aaa', 'Update', '2026-01-01T00:02:00Z'],
      ],
    );
  });

  it('caps Update entries at 10, merging the oldest into ancient-changes', () => {
    let obj = update(undefined, cm({}), 'm0', { now: '2026-01-01T00:00:00Z' });
    for (let i = 1; i <= 10; i++) obj = update(obj, cm(Object.fromEntries(Array.from({ length: i }, (_, j) => [`k${j}`, 'v']))), `m${i}`, { now: `2026-01-01T00:${String(i).padStart(2, '0')}:00Z` });
    const managers = obj.metadata.managedFields?.map((e) => e.manager) ?? [];
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes'));
    assert.ok(!managers.includes('m0') && !managers.includes('m1') && managers.includes('m2'));
  });
});

describe('defaultFieldManager', () => {
  const cases: [string, string][] = [
    ['kubectl/v1.33.0 (linux/amd64) kubernetes/abcdef', 'kubectl'],
    ['Helm/4.0.0', 'Helm'],
    ['node-fetch', 'node-fetch'],
    ['', ''],
    ['bad\u0007name/1', 'badname'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ];
  for (const [ua, want] of cases) it(JSON.stringify(ua.slice(0, 40)), () => assert.equal(defaultFieldManager(ua), want));
});
