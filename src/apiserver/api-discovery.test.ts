/** Integration over HTTP: authentication, authorization, discovery and OpenAPI v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { CM, VIEWER, configMap, createCRD, startTestServer, waitFor, widgetCRD } from './testing.ts';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const KUBECTL_DISCOVERY_ACCEPT = `${AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

describe('authentication', () => {
  const cases: { name: string; path: string; token?: string | null; status: number }[] = [
    { name: 'no token on a resource', path: CM, token: null, status: 401 },
    { name: 'unknown token', path: CM, token: 'nobody', status: 401 },
    { name: 'no token on discovery', path: '/api', token: null, status: 401 },
    { name: 'no token on openapi', path: '/openapi/v3', token: null, status: 401 },
    { name: 'anonymous /version', path: '/version', token: null, status: 200 },
    { name: 'anonymous /healthz', path: '/healthz', token: null, status: 200 },
    { name: 'anonymous /readyz', path: '/readyz', token: null, status: 200 },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await srv.get(c.path, { token: c.token });
      assert.equal(res.status, c.status, res.text);
      if (c.status === 401) {
        assert.equal(res.headers.get('content-type'), 'application/json');
        assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
    });
  }

  test('/version is semver-parsable', async () => {
    const res = await srv.get('/version', { token: null });
    assert.match(res.body.gitVersion, /^v\d+\.\d+\.\d+/);
    assert.equal(typeof res.body.major, 'string');
    assert.equal(typeof res.body.minor, 'string');
  });

  test('/healthz says ok', async () => {
    const res = await srv.get('/healthz', { token: null });
    assert.equal(res.text, 'ok');
  });

  test('the Authorization scheme is case-insensitive', async () => {
    const res = await srv.get(CM, { token: null, headers: { Authorization: 'bearer admin' } });
    assert.equal(res.status, 200);
  });
});

describe('authorization of read-only users', () => {
  test('viewer can get, list and watch', async () => {
    assert.equal((await srv.get(CM, { token: VIEWER })).status, 200);
    assert.equal((await srv.get('/api/v1/namespaces/default', { token: VIEWER })).status, 200);
    const w = await srv.watch(`${CM}?watch=true&timeoutSeconds=1`, { token: VIEWER });
    assert.equal(w.status, 200);
    w.close();
  });

  const writes: { name: string; method: string; path: string; body?: unknown; contentType?: string; message: string; details: Record<string, unknown> }[] = [
    {
      name: 'create',
      method: 'POST',
      path: CM,
      body: configMap('v1'),
      message: 'configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "default"',
      details: { kind: 'configmaps' },
    },
    {
      name: 'delete',
      method: 'DELETE',
      path: `${CM}/kube-root`,
      message: 'configmaps "kube-root" is forbidden: User "viewer" cannot delete resource "configmaps" in API group "" in the namespace "default"',
      details: { name: 'kube-root', kind: 'configmaps' },
    },
    {
      name: 'patch a cluster-scoped object',
      method: 'PATCH',
      path: '/api/v1/namespaces/default',
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
      message: 'namespaces "default" is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope',
      details: { name: 'default', kind: 'namespaces' },
    },
    {
      name: 'create in a named group',
      method: 'POST',
      path: '/apis/apps/v1/namespaces/default/deployments',
      body: {},
      message: 'deployments.apps is forbidden: User "viewer" cannot create resource "deployments" in API group "apps" in the namespace "default"',
      details: { group: 'apps', kind: 'deployments' },
    },
  ];
  for (const c of writes) {
    test(`viewer ${c.name} → 403 Forbidden Status`, async () => {
      const res = await srv.request(c.method, c.path, { token: VIEWER, body: c.body, contentType: c.contentType });
      assert.equal(res.status, 403, res.text);
      assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: c.message, reason: 'Forbidden', details: c.details, code: 403 });
    });
  }
});

describe('discovery', () => {
  test('/api legacy APIVersions', async () => {
    const res = await srv.get('/api');
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'APIVersions');
    assert.deepEqual(res.body.versions, ['v1']);
    assert.equal(res.body.serverAddressByClientCIDRs[0].clientCIDR, '0.0.0.0/0');
    assert.equal(res.body.serverAddressByClientCIDRs[0].serverAddress, new URL(srv.url).host);
  });

  test('/apis legacy APIGroupList', async () => {
    const res = await srv.get('/apis');
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'APIGroupList');
    const apps = res.body.groups.find((g: { name: string }) => g.name === 'apps');
    assert.deepEqual(apps, { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    assert.ok(!res.body.groups.some((g: { name: string }) => g.name === ''), 'core group is not in /apis');
  });

  test('/apis/<group> APIGroup', async () => {
    const res = await srv.get('/apis/apps');
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'APIGroup');
    assert.equal(res.body.name, 'apps');
    assert.equal((await srv.get('/apis/nothere.example.com')).status, 404);
  });

  for (const path of ['/api', '/apis']) {
    test(`${path} aggregated with kubectl's Accept`, async () => {
      const res = await srv.get(path, { accept: KUBECTL_DISCOVERY_ACCEPT });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), AGGREGATED);
      assert.equal(res.body.kind, 'APIGroupDiscoveryList');
      assert.equal(res.body.apiVersion, 'apidiscovery.k8s.io/v2');
      const names = res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
      if (path === '/api') assert.deepEqual(names, ['']);
      else assert.ok(names.includes('apps') && !names.includes(''));
    });
  }

  test('aggregated /api describes configmaps and namespaces/status', async () => {
    const res = await srv.get('/api', { accept: AGGREGATED });
    const v1 = res.body.items[0].versions[0];
    assert.equal(v1.version, 'v1');
    assert.equal(v1.freshness, 'Current');
    const cm = v1.resources.find((r: { resource: string }) => r.resource === 'configmaps');
    assert.equal(cm.singularResource, 'configmap');
    assert.deepEqual(cm.responseKind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.equal(cm.scope, 'Namespaced');
    assert.deepEqual([...cm.verbs].sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(cm.shortNames, ['cm']);
    const ns = v1.resources.find((r: { resource: string }) => r.resource === 'namespaces');
    assert.equal(ns.scope, 'Cluster');
    assert.ok(ns.subresources.some((s: { subresource: string }) => s.subresource === 'status'));
  });

  test('/api/v1 APIResourceList', async () => {
    const res = await srv.get('/api/v1');
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'APIResourceList');
    assert.equal(res.body.groupVersion, 'v1');
    const byName = new Map(res.body.resources.map((r: { name: string }) => [r.name, r]));
    assert.deepEqual((byName.get('configmaps') as { namespaced: boolean; kind: string }).kind, 'ConfigMap');
    assert.equal((byName.get('namespaces') as { namespaced: boolean }).namespaced, false);
    assert.ok(byName.has('namespaces/status'));
    assert.ok(byName.has('secrets'));
  });

  test('unknown group version → 404', async () => {
    assert.equal((await srv.get('/apis/apps/v9')).status, 404);
    assert.equal((await srv.get('/api/v2')).status, 404);
  });

  test('a CRD group appears in discovery once created and disappears after deletion', async () => {
    const crd = widgetCRD('disco.example.com');
    assert.equal((await srv.get('/apis/disco.example.com/v1')).status, 404);
    await createCRD(srv, crd);

    const legacy = await srv.get('/apis');
    const group = legacy.body.groups.find((g: { name: string }) => g.name === 'disco.example.com');
    assert.deepEqual(group?.preferredVersion, { groupVersion: 'disco.example.com/v1', version: 'v1' });

    const agg = await srv.get('/apis', { accept: AGGREGATED });
    const item = agg.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'disco.example.com');
    assert.ok(item, 'aggregated discovery lists the CRD group');
    const widgets = item.versions[0].resources.find((r: { resource: string }) => r.resource === 'widgets');
    assert.deepEqual(widgets.responseKind, { group: 'disco.example.com', version: 'v1', kind: 'Widget' });
    assert.equal(widgets.scope, 'Namespaced');
    assert.deepEqual(widgets.shortNames, ['wd']);
    assert.deepEqual(widgets.subresources.map((s: { subresource: string }) => s.subresource), ['status']);

    const rl = await srv.get('/apis/disco.example.com/v1');
    assert.deepEqual(rl.body.resources.map((r: { name: string }) => r.name).sort(), ['widgets', 'widgets/status']);

    const del = await srv.del('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.disco.example.com');
    assert.equal(del.status, 200, del.text);
    await waitFor(async () => (await srv.get('/apis/disco.example.com/v1')).status === 404, 'CRD group version gone');
    const after = await srv.get('/apis', { accept: AGGREGATED });
    assert.ok(!after.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'disco.example.com'));
    const legacyAfter = await srv.get('/apis');
    assert.ok(!legacyAfter.body.groups.some((g: { name: string }) => g.name === 'disco.example.com'));
    assert.equal((await srv.get('/apis/disco.example.com/v1/namespaces/default/widgets')).status, 404);
  });

  test('the created CRD becomes Established with accepted names', async () => {
    await createCRD(srv, widgetCRD('est.example.com'));
    const crd = await srv.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.est.example.com');
    const cond = (type: string) => crd.body.status.conditions.find((c: { type: string }) => c.type === type);
    assert.equal(cond('Established')?.status, 'True');
    assert.equal(cond('NamesAccepted')?.status, 'True');
    assert.equal(crd.body.status.acceptedNames.kind, 'Widget');
    assert.deepEqual(crd.body.status.storedVersions, ['v1']);
  });
});

describe('OpenAPI v3', () => {
  before(() => createCRD(srv, widgetCRD('oa.example.com')));

  test('index lists built-in and CRD group versions with prefix-less serverRelativeURLs', async () => {
    const res = await srv.get('/openapi/v3');
    assert.equal(res.status, 200);
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/apiextensions.k8s.io/v1', 'apis/oa.example.com/v1']) {
      assert.ok(res.body.paths[gv], `index lists ${gv}`);
      assert.match(res.body.paths[gv].serverRelativeURL, new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=`));
    }
  });

  test('the CRD document has a PATCH op for the kind with the fieldValidation parameter', async () => {
    const index = await srv.get('/openapi/v3');
    const res = await srv.get(index.body.paths['apis/oa.example.com/v1'].serverRelativeURL);
    assert.equal(res.status, 200, res.text);
    const patchOps = Object.values(res.body.paths as Record<string, { patch?: { 'x-kubernetes-group-version-kind'?: unknown; parameters?: unknown[] } }>)
      .map((p) => p.patch)
      .filter((op) => op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify({ group: 'oa.example.com', version: 'v1', kind: 'Widget' }));
    assert.ok(patchOps.length > 0, 'a PATCH operation for Widget');
    const params = (res.body.components?.parameters ?? {}) as Record<string, { name: string; in: string }>;
    const resolve = (p: { $ref?: string; name?: string; in?: string }) => (p.$ref ? params[p.$ref.split('/').pop()!] : p);
    for (const op of patchOps) {
      const names = (op!.parameters ?? []).map((p) => resolve(p as { $ref?: string }));
      assert.ok(names.some((p) => p?.name === 'fieldValidation' && p.in === 'query'), 'fieldValidation query parameter');
    }
    const schemas = Object.values(res.body.components.schemas as Record<string, { 'x-kubernetes-group-version-kind'?: unknown[] }>);
    assert.ok(schemas.some((s) => JSON.stringify(s['x-kubernetes-group-version-kind']) === JSON.stringify([{ group: 'oa.example.com', version: 'v1', kind: 'Widget' }])), 'Widget schema with GVK');
  });

  test('the api/v1 document has the Namespace PATCH op with fieldValidation (CRD fallback of kubectl)', async () => {
    const res = await srv.get('/openapi/v3/api/v1');
    assert.equal(res.status, 200);
    const op = res.body.paths['/api/v1/namespaces/{name}']?.patch;
    assert.ok(op, 'PATCH /api/v1/namespaces/{name}');
    const params = (res.body.components?.parameters ?? {}) as Record<string, { name: string }>;
    const names = op.parameters.map((p: { $ref?: string; name?: string }) => (p.$ref ? params[p.$ref.split('/').pop()!]?.name : p.name));
    assert.ok(names.includes('fieldValidation'));
  });

  test('unknown group version document → 404, /openapi/v2 → 404', async () => {
    assert.equal((await srv.get('/openapi/v3/apis/nothere.example.com/v1')).status, 404);
    assert.equal((await srv.get('/openapi/v2')).status, 404);
  });
});
