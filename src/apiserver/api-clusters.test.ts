/** Integration over HTTP: logical clusters under /kubernetes/<name>/. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { configMap, createCRD, startTestServer, waitFor, widgetCRD } from './testing.ts';

const C2 = '/kubernetes/c2';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await srv.api.addCluster('c2');
});
after(() => srv.close());

const names = (body: { items: { metadata: { name: string } }[] }) => body.items.map((i) => i.metadata.name).sort();

describe('logical clusters', () => {
  test('a new cluster has the system namespaces', async () => {
    const res = await srv.get(`${C2}/api/v1/namespaces`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res.body), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  test('global is served at the root and at /kubernetes/global', async () => {
    await srv.post('/api/v1/namespaces/default/configmaps', configMap('root-cm'));
    const res = await srv.get('/kubernetes/global/api/v1/namespaces/default/configmaps/root-cm');
    assert.equal(res.status, 200);
  });

  test('objects are isolated between clusters', async () => {
    const inC2 = await srv.post(`${C2}/api/v1/namespaces/default/configmaps`, configMap('shared', { data: { where: 'c2' } }));
    assert.equal(inC2.status, 201, inC2.text);
    assert.equal((await srv.get('/api/v1/namespaces/default/configmaps/shared')).status, 404);
    const inGlobal = await srv.post('/api/v1/namespaces/default/configmaps', configMap('shared', { data: { where: 'global' } }));
    assert.equal(inGlobal.status, 201, 'same name in another cluster is not AlreadyExists');
    assert.notEqual(inGlobal.body.metadata.uid, inC2.body.metadata.uid);
    assert.deepEqual((await srv.get(`${C2}/api/v1/namespaces/default/configmaps/shared`)).body.data, { where: 'c2' });
    assert.deepEqual((await srv.get('/api/v1/namespaces/default/configmaps/shared')).body.data, { where: 'global' });
    const cw = await srv.get(`${C2}/api/v1/configmaps`);
    assert.ok(!names(cw.body).includes('root-cm'), 'cluster-wide list stays inside the cluster');
  });

  test('namespaces are per cluster', async () => {
    assert.equal((await srv.post(`${C2}/api/v1/namespaces`, { metadata: { name: 'only-c2' } })).status, 201);
    assert.equal((await srv.get('/api/v1/namespaces/only-c2')).status, 404);
    const res = await srv.post('/api/v1/namespaces/only-c2/configmaps', configMap('x'));
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'namespaces "only-c2" not found');
  });

  test('watches are isolated', async () => {
    const list = await srv.get(`${C2}/api/v1/namespaces/default/configmaps`);
    const w = await srv.watch(`${C2}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    await srv.post('/api/v1/namespaces/default/configmaps', configMap('global-only'));
    await srv.post(`${C2}/api/v1/namespaces/default/configmaps`, configMap('c2-only'));
    const events = await w.drain(300);
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED c2-only']);
    w.close();
  });

  test('CRDs are per cluster: discovery, resources, OpenAPI', async () => {
    await createCRD(srv, widgetCRD('c2only.example.com'), C2);
    const agg = await srv.get(`${C2}/apis`, { accept: AGGREGATED });
    assert.ok(agg.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'c2only.example.com'));
    const aggGlobal = await srv.get('/apis', { accept: AGGREGATED });
    assert.ok(!aggGlobal.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'c2only.example.com'));
    assert.equal((await srv.get('/apis/c2only.example.com/v1/namespaces/default/widgets')).status, 404);
    assert.equal((await srv.get(`${C2}/apis/c2only.example.com/v1/namespaces/default/widgets`)).status, 200);

    const index = await srv.get(`${C2}/openapi/v3`);
    const entry = index.body.paths['apis/c2only.example.com/v1'];
    assert.ok(entry, 'c2 OpenAPI index lists the CRD group version');
    assert.match(entry.serverRelativeURL, /^\/openapi\/v3\/apis\/c2only\.example\.com\/v1\?hash=/, 'prefix-less serverRelativeURL');
    assert.equal((await srv.get(`${C2}${entry.serverRelativeURL}`)).status, 200);
    assert.ok(!(await srv.get('/openapi/v3')).body.paths['apis/c2only.example.com/v1']);
  });

  test('deleting a namespace in one cluster leaves the same-named namespace elsewhere alone', async () => {
    for (const prefix of ['', C2]) {
      await srv.post(`${prefix}/api/v1/namespaces`, { metadata: { name: 'team' } });
      await srv.post(`${prefix}/api/v1/namespaces/team/configmaps`, configMap('keep'));
    }
    await srv.del(`${C2}/api/v1/namespaces/team`);
    await waitFor(async () => (await srv.get(`${C2}/api/v1/namespaces/team`)).status === 404, 'c2 namespace removed');
    assert.equal((await srv.get('/api/v1/namespaces/team')).status, 200);
    assert.equal((await srv.get('/api/v1/namespaces/team/configmaps/keep')).status, 200);
  });

  test('garbage collection stays within a cluster', async () => {
    const owner = await srv.post(`${C2}/api/v1/namespaces/default/configmaps`, configMap('gc-owner'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gc-owner', uid: owner.body.metadata.uid };
    const dep = { ...configMap('gc-dep'), metadata: { name: 'gc-dep', ownerReferences: [ref] } };
    assert.equal((await srv.post(`${C2}/api/v1/namespaces/default/configmaps`, dep)).status, 201);
    await srv.del(`${C2}/api/v1/namespaces/default/configmaps/gc-owner`);
    await waitFor(async () => (await srv.get(`${C2}/api/v1/namespaces/default/configmaps/gc-dep`)).status === 404, 'dependent collected in c2');
  });

  test('unknown cluster → 404 Status', async () => {
    const res = await srv.get('/kubernetes/nope/api/v1/namespaces');
    assert.equal(res.status, 404);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'NotFound');
    assert.equal(res.body.message, 'cluster "nope" not found');
  });

  test('discovery and /version work under the prefix', async () => {
    assert.equal((await srv.get(`${C2}/api`)).body.kind, 'APIVersions');
    assert.equal((await srv.get(`${C2}/apis`)).body.kind, 'APIGroupList');
    assert.equal((await srv.get(`${C2}/version`, { token: null })).status, 200);
    assert.equal((await srv.get(`${C2}/api/v1/namespaces`, { token: null })).status, 401);
  });

  test('addCluster is idempotent and keeps the data', async () => {
    await srv.api.addCluster('c2');
    assert.equal((await srv.get(`${C2}/api/v1/namespaces/default/configmaps/shared`)).status, 200);
  });
});

describe('clusters defined by a cluster resource', () => {
  let s2: TestServer;
  before(async () => {
    s2 = await startTestServer({ clusterResource: { group: 'platform.tkestack.io', plural: 'clusters' } });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'clusters.platform.tkestack.io' },
      spec: {
        group: 'platform.tkestack.io',
        scope: 'Cluster',
        names: { plural: 'clusters', singular: 'cluster', kind: 'Cluster', listKind: 'ClusterList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    await createCRD(s2, crd);
  });
  after(() => s2.close());

  test('creating a Cluster object in global serves that cluster', async () => {
    assert.equal((await s2.get('/kubernetes/c3/api/v1/namespaces')).status, 404);
    const res = await s2.post('/apis/platform.tkestack.io/v1/clusters', { apiVersion: 'platform.tkestack.io/v1', kind: 'Cluster', metadata: { name: 'c3' } });
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => (await s2.get('/kubernetes/c3/api/v1/namespaces')).status === 200, 'cluster c3 served');
    assert.equal((await s2.get('/kubernetes/c3/api/v1/namespaces/default')).status, 200);
  });
});
