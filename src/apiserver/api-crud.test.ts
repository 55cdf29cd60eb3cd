/** Integration over HTTP: create / get / update / patch semantics and their Status errors. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { CM, WIDGETS, configMap, createCRD, startTestServer, widget } from './testing.ts';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await createCRD(srv);
});
after(() => srv.close());

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

describe('create and get', () => {
  test('POST → 201 with server-set metadata, GET returns the same object', async () => {
    const res = await srv.post(`${CM}?fieldManager=tester`, configMap('c1', { labels: { app: 'x' } }));
    assert.equal(res.status, 201, res.text);
    const m = res.body.metadata;
    assert.equal(m.name, 'c1');
    assert.equal(m.namespace, 'default');
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.resourceVersion, /^\d+$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(m.managedFields[0].manager, 'tester');
    assert.equal(m.managedFields[0].operation, 'Update');
    assert.deepEqual(m.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } });
    const got = await srv.get(`${CM}/c1`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, res.body);
  });

  test('a custom resource gets generation 1 and keeps apiVersion/kind', async () => {
    const res = await srv.post(WIDGETS, widget('w-create', { size: 3 }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.apiVersion, 'example.com/v1');
    assert.equal(res.body.kind, 'Widget');
    assert.equal(res.body.metadata.generation, 1);
    assert.deepEqual(res.body.spec, { size: 3 });
  });

  test('a second create → 409 AlreadyExists', async () => {
    await srv.post(CM, configMap('dup'));
    const res = await srv.post(CM, configMap('dup'));
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, status(409, 'AlreadyExists', 'configmaps "dup" already exists', { name: 'dup', kind: 'configmaps' }));
  });

  test('AlreadyExists of a custom resource names the qualified resource', async () => {
    await srv.post(WIDGETS, widget('w-dup'));
    const res = await srv.post(WIDGETS, widget('w-dup'));
    assert.deepEqual(res.body, status(409, 'AlreadyExists', 'widgets.example.com "w-dup" already exists', { name: 'w-dup', group: 'example.com', kind: 'widgets' }));
  });

  test('generateName: prefix + 5 characters from the kube alphabet, unique', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await srv.post(CM, { metadata: { generateName: 'gen-' }, data: {} });
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(res.body.metadata.generateName, 'gen-');
      names.add(res.body.metadata.name);
    }
    assert.equal(names.size, 5);
  });

  test('neither name nor generateName → 422', async () => {
    const res = await srv.post(CM, { metadata: {}, data: {} });
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.message, 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  test('invalid name → 422 naming the field', async () => {
    const res = await srv.post(CM, configMap('Not_Valid'));
    assert.equal(res.status, 422);
    assert.equal(res.body.details.causes[0].field, 'metadata.name');
    assert.equal(res.body.details.kind, 'ConfigMap');
  });

  test(
    'invalid label value → 422',
    async () => {
      const res = await srv.post(CM, configMap('bad-label', { labels: { a: 'bad value!' } }));
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.details.causes[0].field, 'metadata.labels');
    },
  );

  test(
    'a built-in with a wrongly typed field → 400',
    async () => {
      const res = await srv.post(CM, { metadata: { name: 'typed' }, data: { a: 1 } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.reason, 'BadRequest');
    },
  );

  test(
    'PUT to a collection → 405',
    async () => {
      const res = await srv.put(CM, configMap('x'));
      assert.equal(res.status, 405, res.text);
      assert.equal(res.body.reason, 'MethodNotAllowed');
    },
  );

  test('POST to an object URL → 405', async () => {
    const res = await srv.post(`${CM}/x`, configMap('x'));
    assert.equal(res.status, 405);
    assert.equal(res.body.reason, 'MethodNotAllowed');
  });

  test('namespace in body ≠ URL → 400', async () => {
    const res = await srv.post(CM, configMap('mismatch', { namespace: 'kube-system' }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
  });

  test('create in a missing namespace → 404 namespaces "x" not found', async () => {
    const res = await srv.post('/api/v1/namespaces/nothere/configmaps', configMap('c'));
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, status(404, 'NotFound', 'namespaces "nothere" not found', { name: 'nothere', kind: 'namespaces' }));
  });

  test('kind in the body must match the resource → 400', async () => {
    const res = await srv.post(CM, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  const notFound: { name: string; path: string; message: string; details: Record<string, unknown> }[] = [
    { name: 'missing configmap', path: `${CM}/nothere`, message: 'configmaps "nothere" not found', details: { name: 'nothere', kind: 'configmaps' } },
    { name: 'missing custom resource', path: `${WIDGETS}/nothere`, message: 'widgets.example.com "nothere" not found', details: { name: 'nothere', group: 'example.com', kind: 'widgets' } },
    { name: 'missing namespace', path: '/api/v1/namespaces/nothere', message: 'namespaces "nothere" not found', details: { name: 'nothere', kind: 'namespaces' } },
    { name: 'unknown resource', path: '/api/v1/namespaces/default/nothings', message: 'the server could not find the requested resource', details: {} },
    { name: 'unknown group', path: '/apis/nothere.example.com/v1/things', message: 'the server could not find the requested resource', details: {} },
    { name: 'namespaced URL of a cluster-scoped resource', path: '/api/v1/namespaces/default/nodes', message: 'the server could not find the requested resource', details: {} },
    { name: 'unknown top-level path', path: '/nothere', message: 'the server could not find the requested resource', details: {} },
  ];
  for (const c of notFound) {
    test(`404: ${c.name}`, async () => {
      const res = await srv.get(c.path);
      assert.equal(res.status, 404, res.text);
      assert.deepEqual(res.body, status(404, 'NotFound', c.message, c.details));
    });
  }
});

describe('request bodies', () => {
  test('malformed JSON → 400 BadRequest Status', async () => {
    const res = await srv.post(CM, '{"metadata": {"name": ');
    assert.equal(res.status, 400);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'BadRequest');
    assert.ok(res.body.message.length > 0);
  });

  test('a JSON array body → 400', async () => {
    const res = await srv.post(CM, '[]');
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  test('YAML body with Content-Type application/yaml → 201', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: "value"\n';
    const res = await srv.post(CM, yaml, { contentType: 'application/yaml' });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { key: 'value' });
  });

  test('malformed YAML → 400', async () => {
    const res = await srv.post(CM, 'metadata: [unclosed', { contentType: 'application/yaml' });
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });
});

describe('fieldValidation', () => {
  test('Strict + unknown field on a custom resource → 400 strict decoding error', async () => {
    const res = await srv.post(`${WIDGETS}?fieldValidation=Strict`, widget('fv-strict', { size: 1, foo: 'x' }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, status(400, 'BadRequest', 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"'));
    assert.equal((await srv.get(`${WIDGETS}/fv-strict`)).status, 404);
  });

  for (const mode of ['Warn', undefined]) {
    test(`${mode ?? 'absent (Warn)'} + unknown field → 201, Warning header, field pruned`, async () => {
      const name = `fv-${(mode ?? 'default').toLowerCase()}`;
      const res = await srv.post(`${WIDGETS}${mode ? `?fieldValidation=${mode}` : ''}`, widget(name, { size: 1, foo: 'x' }));
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('warning'), '299 - "unknown field \\"spec.foo\\""');
      assert.deepEqual(res.body.spec, { size: 1 });
    });
  }

  test('Ignore + unknown field → 201, no warning, field pruned', async () => {
    const res = await srv.post(`${WIDGETS}?fieldValidation=Ignore`, widget('fv-ignore', { size: 1, foo: 'x' }));
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('warning'), null);
    assert.deepEqual(res.body.spec, { size: 1 });
  });

  test('Strict on update (PUT) of a custom resource → 400', async () => {
    const created = await srv.post(WIDGETS, widget('fv-put'));
    const body = { ...created.body, spec: { size: 2, bar: true } };
    const res = await srv.put(`${WIDGETS}/fv-put?fieldValidation=Strict`, body);
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bar"');
  });

  test('unsupported fieldValidation value → 400', async () => {
    const res = await srv.post(`${CM}?fieldValidation=Loose`, configMap('fv-bad'));
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  test(
    'Strict + unknown field on a built-in (ConfigMap) → 400',
    async () => {
      const res = await srv.post(`${CM}?fieldValidation=Strict`, { ...configMap('fv-builtin'), foo: 1 });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"');
    },
  );

  test(
    'Warn + unknown field on a built-in → Warning header and the field is dropped',
    async () => {
      const res = await srv.post(CM, { ...configMap('fv-builtin-warn'), foo: 1 });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('warning'), '299 - "unknown field \\"foo\\""');
      assert.equal(res.body.foo, undefined);
    },
  );

  test('schema violation on a custom resource → 422 Invalid with causes', async () => {
    const res = await srv.post(WIDGETS, widget('bad-type', { size: 'big' }));
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.details.kind, 'Widget');
    assert.equal(res.body.details.group, 'example.com');
    assert.equal(res.body.details.causes[0].field, 'spec.size');
    assert.match(res.body.message, /^Widget\.example\.com "bad-type" is invalid: spec\.size: Invalid value: "string": spec\.size in body must be of type integer: "string"$/);
  });
});

describe('update (PUT)', () => {
  test('PUT with the current resourceVersion → 200 and a new resourceVersion', async () => {
    const created = await srv.post(CM, configMap('u1'));
    const res = await srv.put(`${CM}/u1`, { ...created.body, data: { a: '2' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { a: '2' });
    assert.notEqual(res.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    assert.equal(res.body.metadata.uid, created.body.metadata.uid);
  });

  test('PUT with a stale resourceVersion → 409 Conflict', async () => {
    const created = await srv.post(CM, configMap('stale'));
    await srv.put(`${CM}/stale`, { ...created.body, data: { a: '2' } });
    const res = await srv.put(`${CM}/stale`, { ...created.body, data: { a: '3' } });
    assert.equal(res.status, 409);
    assert.deepEqual(
      res.body,
      status(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again', { name: 'stale', kind: 'configmaps' }),
    );
  });

  test('PUT without resourceVersion on a built-in is allowed (unconditional update)', async () => {
    await srv.post(CM, configMap('uncond'));
    const res = await srv.put(`${CM}/uncond`, configMap('uncond', { data: { b: '1' } }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { b: '1' });
  });

  test('PUT without resourceVersion on a custom resource → 422', async () => {
    await srv.post(WIDGETS, widget('w-uncond'));
    const res = await srv.put(`${WIDGETS}/w-uncond`, widget('w-uncond', { size: 5 }));
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.message, 'Widget.example.com "w-uncond" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    assert.deepEqual(res.body.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
  });

  test('PUT to a missing object → 404', async () => {
    const res = await srv.put(`${CM}/never`, configMap('never'));
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'configmaps "never" not found');
  });

  test('PUT with a different name in the body → 400', async () => {
    await srv.post(CM, configMap('named'));
    const res = await srv.put(`${CM}/named`, configMap('other'));
    assert.equal(res.status, 400);
  });

  test('PUT cannot change uid or creationTimestamp', async () => {
    const created = await srv.post(CM, configMap('immut'));
    const body = structuredClone(created.body);
    body.metadata.creationTimestamp = '2000-01-01T00:00:00Z';
    const res = await srv.put(`${CM}/immut`, body);
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.creationTimestamp, created.body.metadata.creationTimestamp);
  });
});

describe('dryRun=All persists nothing', () => {
  test('POST', async () => {
    const res = await srv.post(`${CM}?dryRun=All`, configMap('dry'));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.metadata.name, 'dry');
    assert.equal((await srv.get(`${CM}/dry`)).status, 404);
  });

  test('PUT, PATCH and DELETE', async () => {
    const created = await srv.post(CM, configMap('dry2'));
    const rv = created.body.metadata.resourceVersion;
    const put = await srv.put(`${CM}/dry2?dryRun=All`, { ...created.body, data: { a: 'put' } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.data, { a: 'put' });
    const patch = await srv.patch(`${CM}/dry2?dryRun=All`, { data: { a: 'patch' } }, 'application/merge-patch+json');
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.body.data, { a: 'patch' });
    const del = await srv.del(`${CM}/dry2?dryRun=All`);
    assert.equal(del.status, 200);
    const after = await srv.get(`${CM}/dry2`);
    assert.equal(after.status, 200);
    assert.deepEqual(after.body.data, { a: '1' });
    assert.equal(after.body.metadata.resourceVersion, rv);
  });

  test('dryRun with an unsupported value → 400', async () => {
    const res = await srv.post(`${CM}?dryRun=Some`, configMap('dry3'));
    assert.equal(res.status, 400);
  });

  test('a dry-run create still validates', async () => {
    const res = await srv.post(`${WIDGETS}?dryRun=All`, widget('dry-invalid', { size: 'x' }));
    assert.equal(res.status, 422);
  });
});

describe('PATCH', () => {
  test('merge patch on a custom resource', async () => {
    await srv.post(WIDGETS, widget('p-merge', { size: 1, color: 'red' }));
    const res = await srv.patch(`${WIDGETS}/p-merge`, { spec: { color: null, size: 2 } }, 'application/merge-patch+json');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.spec, { size: 2 });
    assert.equal(res.body.metadata.generation, 2);
  });

  test('strategic merge patch on a built-in', async () => {
    await srv.post(CM, configMap('p-smp', { data: { a: '1', b: '2' } }));
    const res = await srv.patch(`${CM}/p-smp`, { data: { b: null, c: '3' } }, 'application/strategic-merge-patch+json');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { a: '1', c: '3' });
  });

  test('strategic merge patch on a custom resource → 415', async () => {
    await srv.post(WIDGETS, widget('p-smp'));
    const res = await srv.patch(`${WIDGETS}/p-smp`, { spec: { size: 2 } }, 'application/strategic-merge-patch+json');
    assert.equal(res.status, 415);
    assert.deepEqual(
      res.body,
      status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'),
    );
  });

  test('JSON patch', async () => {
    await srv.post(CM, configMap('p-json'));
    const res = await srv.patch(`${CM}/p-json`, [{ op: 'test', path: '/data/a', value: '1' }, { op: 'replace', path: '/data/a', value: '9' }], 'application/json-patch+json');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { a: '9' });
  });

  test('JSON patch whose test fails → 422, nothing changed', async () => {
    const created = await srv.post(CM, configMap('p-test'));
    const res = await srv.patch(`${CM}/p-test`, [{ op: 'test', path: '/data/a', value: 'nope' }, { op: 'replace', path: '/data/a', value: '9' }], 'application/json-patch+json');
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'Invalid');
    const after = await srv.get(`${CM}/p-test`);
    assert.equal(after.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  });

  test(
    'a patch that renames the object → 400',
    async () => {
      await srv.post(CM, configMap('p-name'));
      const res = await srv.patch(`${CM}/p-name`, { metadata: { name: 'other' } }, 'application/merge-patch+json');
      assert.equal(res.status, 400, res.text);
    },
  );

  test('a patch carrying a stale resourceVersion → 409', async () => {
    const created = await srv.post(CM, configMap('p-rv'));
    await srv.patch(`${CM}/p-rv`, { data: { a: '2' } }, 'application/merge-patch+json');
    const res = await srv.patch(`${CM}/p-rv`, { metadata: { resourceVersion: created.body.metadata.resourceVersion }, data: { a: '3' } }, 'application/merge-patch+json');
    assert.equal(res.status, 409);
    assert.equal(res.body.reason, 'Conflict');
  });

  test('PATCH of a missing object → 404', async () => {
    const res = await srv.patch(`${CM}/p-missing`, { data: { a: '2' } }, 'application/merge-patch+json');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'configmaps "p-missing" not found');
  });

  test('unsupported patch content type → 415', async () => {
    await srv.post(CM, configMap('p-ct'));
    const res = await srv.patch(`${CM}/p-ct`, { data: {} }, 'application/json');
    assert.equal(res.status, 415);
    assert.equal(res.body.reason, 'UnsupportedMediaType');
  });

  test('a no-op patch keeps the resourceVersion', async () => {
    const created = await srv.post(CM, configMap('p-noop'));
    const res = await srv.patch(`${CM}/p-noop`, { data: { a: '1' } }, 'application/merge-patch+json');
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  });
});
