/** Integration over HTTP: deletion, finalizers, preconditions, deletecollection, namespaces and GC. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { CM, WIDGETS, configMap, createCRD, startTestServer, waitFor, widget, widgetCRD } from './testing.ts';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await createCRD(srv);
});
after(() => srv.close());

const gone = async (path: string) => (await srv.get(path)).status === 404;

describe('delete', () => {
  test('immediate delete of a built-in → Status Success, details.kind = plural', async () => {
    const created = await srv.post(CM, configMap('d1'));
    const res = await srv.del(`${CM}/d1`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'd1', kind: 'configmaps', uid: created.body.metadata.uid } });
    assert.ok(await gone(`${CM}/d1`));
  });

  test('immediate delete of a custom resource → details carry group and plural', async () => {
    const created = await srv.post(WIDGETS, widget('d-w'));
    const res = await srv.del(`${WIDGETS}/d-w`, { propagationPolicy: 'Background' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'd-w', group: 'example.com', kind: 'widgets', uid: created.body.metadata.uid } });
  });

  test('delete of a missing object → 404', async () => {
    const res = await srv.del(`${CM}/never`);
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'configmaps "never" not found');
  });

  test('finalizers keep the object with deletionTimestamp; removing the last one deletes it (watch sees DELETED)', async () => {
    const created = await srv.post(CM, { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/a', 'example.com/b'] } });
    assert.equal(created.status, 201);
    const w = await srv.watch(`${CM}?watch=true&fieldSelector=metadata.name%3Dfin&resourceVersion=${created.body.metadata.resourceVersion}`);

    const res = await srv.del(`${CM}/fin`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, 'ConfigMap', 'the object is returned, not a Status');
    assert.ok(res.body.metadata.deletionTimestamp);
    assert.equal(res.body.metadata.deletionGracePeriodSeconds, 0);
    assert.notEqual(res.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    let e = (await w.next())!;
    assert.equal(e.type, 'MODIFIED');
    assert.ok(e.object.metadata.deletionTimestamp);

    const still = await srv.get(`${CM}/fin`);
    assert.equal(still.status, 200);
    assert.equal(still.body.metadata.deletionTimestamp, res.body.metadata.deletionTimestamp);

    // A second delete changes nothing.
    const again = await srv.del(`${CM}/fin`);
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, res.body.metadata.resourceVersion);

    // Removing one of two finalizers keeps the object.
    const one = await srv.patch(`${CM}/fin`, [{ op: 'remove', path: '/metadata/finalizers/0' }], 'application/json-patch+json');
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body.metadata.finalizers, ['example.com/b']);
    e = (await w.next())!;
    assert.equal(e.type, 'MODIFIED');

    const last = await srv.patch(`${CM}/fin`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    assert.equal(last.status, 200, last.text);
    e = (await w.next())!;
    assert.equal(e.type, 'DELETED');
    assert.equal(e.object.metadata.name, 'fin');
    assert.ok(await gone(`${CM}/fin`));
    w.close();
  });

  test(
    'a graceful delete does not add a managedFields entry',
    async () => {
      const created = await srv.post(CM, { ...configMap('fin-mf'), metadata: { name: 'fin-mf', finalizers: ['example.com/a'] } });
      const del = await srv.del(`${CM}/fin-mf`);
      try {
        assert.deepEqual(del.body.metadata.managedFields, created.body.metadata.managedFields);
      } finally {
        await srv.patch(`${CM}/fin-mf`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
      }
    },
  );

  test('deletionTimestamp cannot be cleared by an update', async () => {
    await srv.post(CM, { ...configMap('fin2'), metadata: { name: 'fin2', finalizers: ['example.com/a'] } });
    const del = await srv.del(`${CM}/fin2`);
    const body = structuredClone(del.body);
    delete body.metadata.deletionTimestamp;
    body.data = { a: 'changed' };
    const res = await srv.put(`${CM}/fin2`, body);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.metadata.deletionTimestamp, del.body.metadata.deletionTimestamp);
    await srv.patch(`${CM}/fin2`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    assert.ok(await gone(`${CM}/fin2`));
  });

  test(
    'no new finalizers may be added to an object being deleted → 422',
    async () => {
      await srv.post(CM, { ...configMap('fin3'), metadata: { name: 'fin3', finalizers: ['example.com/a'] } });
      await srv.del(`${CM}/fin3`);
      try {
        const res = await srv.patch(`${CM}/fin3`, { metadata: { finalizers: ['example.com/a', 'example.com/new'] } }, 'application/merge-patch+json');
        assert.equal(res.status, 422, res.text);
        assert.equal(res.body.details.causes[0].field, 'metadata.finalizers');
      } finally {
        await srv.patch(`${CM}/fin3`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
      }
    },
  );

  test('preconditions: uid mismatch → 409 Conflict, matching uid deletes', async () => {
    const created = await srv.post(CM, configMap('pre'));
    const res = await srv.del(`${CM}/pre`, { preconditions: { uid: 'not-the-uid' } });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.body.metadata.uid}`,
      reason: 'Conflict',
      details: { name: 'pre', kind: 'configmaps' },
      code: 409,
    });
    assert.equal((await srv.get(`${CM}/pre`)).status, 200);
    const ok = await srv.del(`${CM}/pre`, { preconditions: { uid: created.body.metadata.uid } });
    assert.equal(ok.status, 200);
    assert.ok(await gone(`${CM}/pre`));
  });

  test('preconditions: stale resourceVersion → 409', async () => {
    const created = await srv.post(CM, configMap('pre-rv'));
    await srv.patch(`${CM}/pre-rv`, { data: { a: '2' } }, 'application/merge-patch+json');
    const res = await srv.del(`${CM}/pre-rv`, { preconditions: { resourceVersion: created.body.metadata.resourceVersion } });
    assert.equal(res.status, 409);
    assert.match(res.body.message, /Precondition failed: ResourceVersion in precondition: \d+, ResourceVersion in object meta: \d+/);
  });

  test('an unknown propagationPolicy → 422', async () => {
    await srv.post(CM, configMap('bad-policy'));
    const res = await srv.del(`${CM}/bad-policy`, { propagationPolicy: 'Sometimes' });
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
  });

  test('deletecollection with labelSelector deletes only the matches', async () => {
    await srv.post('/api/v1/namespaces', { metadata: { name: 'dc' } });
    const coll = '/api/v1/namespaces/dc/configmaps';
    for (const [name, group] of [['x1', 'x'], ['x2', 'x'], ['y1', 'y']]) await srv.post(coll, configMap(name, { labels: { group } }));
    const res = await srv.del(`${coll}?labelSelector=group%3Dx`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, 'ConfigMapList');
    assert.deepEqual(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['x1', 'x2']);
    const left = await srv.get(coll);
    assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['y1']);
  });

  test('deletecollection of custom resources', async () => {
    await srv.post(WIDGETS, widget('dc-a', { size: 1 }, { k: 'del' }));
    await srv.post(WIDGETS, widget('dc-b', { size: 1 }, { k: 'keep' }));
    const res = await srv.del(`${WIDGETS}?labelSelector=k%3Ddel`);
    assert.equal(res.status, 200);
    assert.ok(await gone(`${WIDGETS}/dc-a`));
    assert.equal((await srv.get(`${WIDGETS}/dc-b`)).status, 200);
  });
});

describe('namespace deletion', () => {
  test('deleting a namespace: Terminating, creates are 403, contents removed, then the namespace', async () => {
    await srv.post('/api/v1/namespaces', { metadata: { name: 'doomed' } });
    const cms = '/api/v1/namespaces/doomed/configmaps';
    const ws = '/apis/example.com/v1/namespaces/doomed/widgets';
    await srv.post(cms, configMap('c1'));
    await srv.post(cms, { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await srv.post(ws, widget('w1'));

    const del = await srv.del('/api/v1/namespaces/doomed');
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.kind, 'Namespace');
    assert.ok(del.body.metadata.deletionTimestamp);
    assert.equal(del.body.status.phase, 'Terminating');

    const create = await srv.post(cms, configMap('late'));
    assert.equal(create.status, 403, create.text);
    assert.equal(create.body.reason, 'Forbidden');
    assert.match(create.body.message, /unable to create new content in namespace doomed because it is being terminated/);

    await waitFor(async () => (await gone(`${cms}/c1`)) && (await gone(`${ws}/w1`)), 'namespace contents deleted');
    // The finalizer of "held" keeps the namespace alive.
    assert.equal((await srv.get('/api/v1/namespaces/doomed')).status, 200);
    await srv.patch(`${cms}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await waitFor(() => gone('/api/v1/namespaces/doomed'), 'namespace removed');
  });

  test(
    'create in a terminating namespace: upstream Forbidden message and details',
    async () => {
      await srv.post('/api/v1/namespaces', { metadata: { name: 'doomed2' } });
      const cms = '/api/v1/namespaces/doomed2/configmaps';
      await srv.post(cms, { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
      await srv.del('/api/v1/namespaces/doomed2');
      const res = await srv.post(cms, configMap('late'));
      try {
        assert.equal(res.status, 403);
        assert.deepEqual(res.body, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'configmaps "late" is forbidden: unable to create new content in namespace doomed2 because it is being terminated',
          reason: 'Forbidden',
          details: { name: 'late', kind: 'configmaps' },
          code: 403,
        });
      } finally {
        await srv.patch(`${cms}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
      }
    },
  );

  test('the namespace finalizer is visible while terminating', async () => {
    await srv.post('/api/v1/namespaces', { metadata: { name: 'doomed3' } });
    const cms = '/api/v1/namespaces/doomed3/configmaps';
    await srv.post(cms, { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await srv.del('/api/v1/namespaces/doomed3');
    const ns = await srv.get('/api/v1/namespaces/doomed3');
    assert.deepEqual(ns.body.spec?.finalizers, ['kubernetes']);
    await srv.patch(`${cms}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await waitFor(() => gone('/api/v1/namespaces/doomed3'), 'namespace removed');
  });
});

describe('garbage collection', () => {
  async function ownerAndDependent(prefix: string) {
    const owner = await srv.post(CM, configMap(`${prefix}-owner`));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: `${prefix}-owner`, uid: owner.body.metadata.uid };
    const dep = await srv.post(CM, { ...configMap(`${prefix}-dep`), metadata: { name: `${prefix}-dep`, ownerReferences: [ref] } });
    assert.equal(dep.status, 201, dep.text);
    const wdep = await srv.post(WIDGETS, { ...widget(`${prefix}-wdep`), metadata: { name: `${prefix}-wdep`, ownerReferences: [ref] } });
    assert.equal(wdep.status, 201, wdep.text);
  }

  test('background: deleting the owner deletes its dependents', async () => {
    await ownerAndDependent('bg');
    const res = await srv.del(`${CM}/bg-owner`, { propagationPolicy: 'Background' });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'Success');
    await waitFor(async () => (await gone(`${CM}/bg-dep`)) && (await gone(`${WIDGETS}/bg-wdep`)), 'dependents collected');
  });

  test('default policy (none given) is background for built-ins', async () => {
    await ownerAndDependent('def');
    await srv.del(`${CM}/def-owner`);
    await waitFor(async () => (await gone(`${CM}/def-dep`)) && (await gone(`${WIDGETS}/def-wdep`)), 'dependents collected');
  });

  test('foreground: the owner waits with foregroundDeletion until dependents are gone', async () => {
    await ownerAndDependent('fg');
    const res = await srv.del(`${CM}/fg-owner?propagationPolicy=Foreground`);
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'ConfigMap');
    assert.ok(res.body.metadata.deletionTimestamp);
    assert.deepEqual(res.body.metadata.finalizers, ['foregroundDeletion']);
    await waitFor(async () => (await gone(`${CM}/fg-dep`)) && (await gone(`${WIDGETS}/fg-wdep`)) && (await gone(`${CM}/fg-owner`)), 'foreground deletion completed');
  });

  test('orphan: dependents stay, their ownerReferences are removed', async () => {
    await ownerAndDependent('or');
    const res = await srv.del(`${CM}/or-owner`, { propagationPolicy: 'Orphan' });
    assert.equal(res.status, 200);
    await waitFor(() => gone(`${CM}/or-owner`), 'owner removed');
    const dep = await srv.get(`${CM}/or-dep`);
    assert.equal(dep.status, 200);
    assert.equal(dep.body.metadata.ownerReferences, undefined);
    const wdep = await srv.get(`${WIDGETS}/or-wdep`);
    assert.equal(wdep.status, 200);
    assert.equal(wdep.body.metadata.ownerReferences, undefined);
  });

  test('a dependent created with an owner uid that does not exist is collected', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' };
    const dep = await srv.post(CM, { ...configMap('orphaned'), metadata: { name: 'orphaned', ownerReferences: [ref] } });
    assert.equal(dep.status, 201);
    await waitFor(() => gone(`${CM}/orphaned`), 'dangling dependent collected');
  });

  test('a dependent with one live owner of two survives', async () => {
    const a = await srv.post(CM, configMap('two-a'));
    const b = await srv.post(CM, configMap('two-b'));
    const refs = [a, b].map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.body.metadata.name, uid: o.body.metadata.uid }));
    await srv.post(CM, { ...configMap('two-dep'), metadata: { name: 'two-dep', ownerReferences: refs } });
    await srv.del(`${CM}/two-a`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await srv.get(`${CM}/two-dep`)).status, 200);
    await srv.del(`${CM}/two-b`);
    await waitFor(() => gone(`${CM}/two-dep`), 'dependent collected after its last owner');
  });
});

describe('CRD deletion', () => {
  test('deleting a CRD deletes its custom resources (a recreated CRD starts empty)', async () => {
    const crd = widgetCRD('crdgone.example.com');
    await createCRD(srv, crd);
    const coll = '/apis/crdgone.example.com/v1/namespaces/default/widgets';
    assert.equal((await srv.post(coll, { ...widget('old'), apiVersion: 'crdgone.example.com/v1' })).status, 201);
    const del = await srv.del('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.crdgone.example.com');
    assert.equal(del.status, 200);
    await waitFor(() => gone('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.crdgone.example.com'), 'CRD removed');
    await createCRD(srv, crd);
    const list = await srv.get(coll);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items, []);
  });
});
