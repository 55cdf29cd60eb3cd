import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCRD, startTestServer } from '../../apiserver/testing.ts';
import type { TestServer } from '../../apiserver/testing.ts';
import { OLM_CRDS } from './index.ts';
import { clusterServiceVersion, EXAMPLES, harborSubscription, installPlan } from './testdata.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function collection(obj: { apiVersion?: string; kind?: string; metadata: { namespace?: string } }): string {
  const plural = `${String(obj.kind).toLowerCase()}s`;
  return `/apis/${obj.apiVersion}${obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : ''}/${plural}`;
}

/** The examples' ownerReferences name objects that do not exist, which the garbage collector would act on. */
function withoutOwners<T extends { metadata: { ownerReferences?: unknown } }>(obj: T): T {
  const { ownerReferences: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  for (const crd of OLM_CRDS) await createCRD(srv, crd);
  for (const ns of new Set(EXAMPLES.map((e) => e.metadata.namespace).filter(Boolean))) {
    assert.equal((await srv.post('/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
  }
});
after(() => srv.close());

describe('OLM CRDs on the in-process API server', () => {
  it('creates every example with fieldValidation=Strict', async () => {
    for (const ex of EXAMPLES.map(withoutOwners)) {
      const res = await srv.post(`${collection(ex)}?fieldValidation=Strict`, ex);
      assert.equal(res.status, 201, `${ex.kind} ${ex.metadata.name}: ${res.text}`);
    }
  });

  it('rejects installPlanApproval Sometimes with 422 Unsupported value', async () => {
    const bad = { ...harborSubscription, metadata: { ...harborSubscription.metadata, name: 'bad' }, spec: { ...(harborSubscription.spec as object), installPlanApproval: 'Sometimes' } };
    const res = await srv.post(collection(bad), bad);
    assert.equal(res.status, 422, res.text);
    assert.match(res.body.message, /spec\.installPlanApproval: Unsupported value: "Sometimes": supported values: "Automatic", "Manual"/);
  });

  it('prints `kubectl get installplan` as NAME CSV APPROVAL APPROVED', async () => {
    const res = await srv.get(collection(installPlan), { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'CSV', 'Approval', 'Approved']);
    assert.deepEqual(res.body.rows[0].cells, ['install-x7k2p', 'etcdoperator.v0.9.2', 'Manual', false]);
  });

  it('prints `kubectl get csv` as NAME DISPLAY VERSION REPLACES PHASE', async () => {
    const res = await srv.get(collection(clusterServiceVersion), { accept: TABLE });
    assert.deepEqual(res.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Display', 'Version', 'Replaces', 'Phase']);
    // Status is not written on create (status subresource), so Phase is empty until OLM sets it.
    assert.deepEqual(res.body.rows[0].cells.slice(0, 4), ['etcdoperator.v0.9.4', 'etcd', '0.9.4', 'etcdoperator.v0.9.2']);
  });
});
