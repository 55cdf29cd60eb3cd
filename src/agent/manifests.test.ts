import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { parseOciRepoURL } from './chart-source.ts';
import { parseManifests } from './helm.ts';
import { APP_RELEASE_LABEL, CHART_RELEASE_LABEL, manifestHash, mergeValues, parseGvk, prepareObject, sortForApply } from './manifests.ts';

const o = (kind: string, name = 'x', apiVersion = 'v1'): KubeObject => ({ apiVersion, kind, metadata: { name } });

test('sortForApply: CRDs, then Namespaces, then helm install order, unknown kinds last', () => {
  const sorted = sortForApply([o('Widget', 'w', 'example.com/v1'), o('Deployment', 'd', 'apps/v1'), o('Namespace'), o('ConfigMap'), o('CustomResourceDefinition', 'c', 'apiextensions.k8s.io/v1')]);
  assert.deepEqual(sorted.map((x) => x.kind), ['CustomResourceDefinition', 'Namespace', 'ConfigMap', 'Deployment', 'Widget']);
});

test('prepareObject labels, defaults the namespace of namespaced kinds and strips it from cluster-scoped ones', () => {
  const owner = { name: 'web-cli', namespace: 'cpaas-system' };
  const cm = prepareObject(o('ConfigMap'), owner, 'web', true, 'dest');
  assert.equal(cm.metadata.namespace, 'dest');
  assert.equal(cm.metadata.labels?.[APP_RELEASE_LABEL], 'web-cli');
  assert.equal(cm.metadata.labels?.[CHART_RELEASE_LABEL], 'web');
  assert.equal(prepareObject({ ...o('ConfigMap'), metadata: { name: 'x', namespace: 'own' } }, owner, 'web', true, 'dest').metadata.namespace, 'own');
  assert.equal(prepareObject({ ...o('ClusterRole'), metadata: { name: 'x', namespace: 'own' } }, owner, 'web', false, 'dest').metadata.namespace, undefined);
});

test('manifestHash ignores document order and key order', () => {
  const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1', y: '2' } };
  const b = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'b' }, data: { y: '2', x: '1' } };
  assert.equal(manifestHash([a, b]), manifestHash([b, { ...a, data: { y: '2', x: '1' } }]));
  assert.notEqual(manifestHash([a]), manifestHash([{ ...a, data: { x: '2' } }]));
});

test('mergeValues: chart values win, objects merge deeply, arrays replace', () => {
  assert.deepEqual(mergeValues({ a: { b: 1, c: 2 }, l: [1, 2], s: 'x' }, { a: { c: 3 }, l: [3] }), { a: { b: 1, c: 3 }, l: [3], s: 'x' });
  assert.deepEqual(mergeValues(undefined, undefined), {});
});

test('parseGvk and parseOciRepoURL', () => {
  assert.deepEqual(parseGvk('apps/v1/Deployment'), { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.deepEqual(parseGvk('v1/ConfigMap'), { group: '', version: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(parseOciRepoURL('oci://platform:443/charts/'), { host: 'platform:443', prefix: 'charts' });
  assert.deepEqual(parseOciRepoURL('127.0.0.1:6443'), { host: '127.0.0.1:6443', prefix: '' });
});

test('parseManifests skips empty documents, flattens Lists and refuses nameless objects', () => {
  const objs = parseManifests('---\n# Source: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n');
  assert.deepEqual(objs.map((x) => x.kind), ['ConfigMap', 'Secret']);
  assert.throws(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n'), /without apiVersion, kind or metadata.name/);
});
