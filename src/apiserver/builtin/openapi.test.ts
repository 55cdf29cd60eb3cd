import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceDef } from '../resource.ts';
import { ALL_VERBS } from '../resource.ts';
import { OpenApiV3Cache, openApiV3Document, openApiV3Index } from './openapi.ts';
import { builtinResources } from './resources.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A CRD-defined resource as the CRD controller would hand it to the server. */
function widgetDef(): ResourceDef {
  return {
    group: 'example.com', version: 'v1', kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget',
    shortNames: ['wd'], categories: [], namespaced: true, verbs: [...ALL_VERBS], statusSubresource: true,
    builtin: false, allowUnconditionalUpdate: false,
    schema: { type: 'object', properties: { spec: { type: 'object', description: 'Desired widget.', properties: { size: { type: 'integer' } } } } },
  };
}

const builtins = builtinResources();
const patchParams = (op: Json) => (op.parameters as Json[]).map((p) => `${p.in}:${p.name}`);

test('index lists each GroupVersion with a prefix-less URL and a stable hash', () => {
  const index = openApiV3Index(['v1', 'apps/v1'], builtins);
  assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1']);
  assert.match(index.paths['api/v1'].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  assert.deepEqual(openApiV3Index(['v1'], builtins).paths['api/v1'], index.paths['api/v1']);
  const withWidget = openApiV3Index(['example.com/v1'], [widgetDef()]).paths['apis/example.com/v1'];
  const other = { ...widgetDef(), shortNames: ['w'], schema: { type: 'object' as const } };
  assert.notEqual(openApiV3Index(['example.com/v1'], [other]).paths['apis/example.com/v1'].serverRelativeURL, withWidget.serverRelativeURL);
});

test('api/v1 ConfigMap PATCH op has GVK, fieldValidation and strategic merge patch', () => {
  const doc = openApiV3Document({ group: '', version: 'v1' }, builtins) as Json;
  assert.equal(doc.openapi, '3.0.0');
  const patch = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'ConfigMap' });
  for (const p of ['query:fieldValidation', 'query:fieldManager', 'query:force', 'query:dryRun']) assert.ok(patchParams(patch).includes(p), p);
  assert.deepEqual(Object.keys(patch.requestBody.content).sort(), [
    'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
  ]);
  assert.ok(doc.paths['/api/v1/namespaces/{name}'].patch, 'cluster-scoped item path');
  assert.ok(doc.paths['/api/v1/configmaps'].get, 'all-namespaces list');
  assert.equal(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'], undefined, 'other GVs excluded');
});

test('api/v1 components are upstream-named, carry GVK and reference each other', () => {
  const schemas = (openApiV3Document({ group: '', version: 'v1' }, builtins) as Json).components.schemas;
  assert.deepEqual(schemas['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'ConfigMap' }]);
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers.items.$ref, '#/components/schemas/io.k8s.api.core.v1.Container');
  const refs = JSON.stringify(schemas).match(/"\$ref":"[^"]+"/g) ?? [];
  for (const r of refs) assert.ok(schemas[r.slice(29, -1)], `dangling ${r}`);
});

test('CRD-defined resource gets paths, a reversed-group component and no strategic merge patch', () => {
  const doc = openApiV3Document({ group: 'example.com', version: 'v1' }, [...builtins, widgetDef()]) as Json;
  const patch = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.ok(patchParams(patch).includes('query:fieldValidation'));
  assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
  const widget = doc.components.schemas['com.example.v1.Widget'];
  assert.deepEqual(widget['x-kubernetes-group-version-kind'], [{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
  assert.equal(widget.properties.metadata.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(doc.components.schemas['com.example.v1.WidgetList']);
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status'].patch);
});

test('create-only kinds have only a POST collection path', () => {
  const doc = openApiV3Document({ group: 'authorization.k8s.io', version: 'v1' }, builtins) as Json;
  assert.deepEqual(Object.keys(doc.paths), ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  assert.ok(doc.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'].post);
});

test('cache returns the same document for the same def objects and rebuilds on change', () => {
  const cache = new OpenApiV3Cache();
  const defs = [widgetDef()];
  const gv = { group: 'example.com', version: 'v1' };
  assert.equal(cache.document(gv, defs), cache.document(gv, defs));
  assert.notEqual(cache.document(gv, [widgetDef()]), cache.document(gv, defs));
});
