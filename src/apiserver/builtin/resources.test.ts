import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_VERBS } from '../resource.ts';
import { builtinResources, parseGroupVersion } from './resources.ts';

const defs = builtinResources();
const find = (group: string, plural: string) => defs.find((d) => d.group === group && d.plural === plural);

test('every built-in ResourceDef is well-formed', () => {
  for (const d of defs) {
    assert.match(d.kind, /^[A-Z][A-Za-z]+$/, d.kind);
    assert.equal(d.listKind, `${d.kind}List`);
    assert.match(d.plural, /^[a-z]+$/, d.plural);
    assert.equal(d.singular, d.kind.toLowerCase());
    assert.ok(d.verbs.length > 0 && d.verbs.every((v) => ALL_VERBS.includes(v)), d.kind);
    assert.equal(d.builtin, true);
    assert.equal(typeof d.schema, 'object', `${d.kind} has a schema`);
  }
});

test('plural names are unique per GroupVersion and short names are unique per group', () => {
  const plurals = new Set<string>();
  const shorts = new Map<string, string>();
  for (const d of defs) {
    const key = `${d.group}/${d.version}/${d.plural}`;
    assert.ok(!plurals.has(key), `duplicate ${key}`);
    plurals.add(key);
    for (const s of d.shortNames) {
      const owner = shorts.get(`${d.group}/${s}`);
      assert.ok(owner === undefined, `short name ${s} used by ${owner} and ${d.kind}`);
      shorts.set(`${d.group}/${s}`, d.kind);
    }
  }
});

test('discovery data matches upstream for representative kinds', () => {
  assert.deepEqual(find('apps', 'deployments')?.shortNames, ['deploy']);
  assert.deepEqual(find('apps', 'deployments')?.categories, ['all']);
  assert.ok(find('apps', 'deployments')?.scale);
  assert.equal(find('apps', 'daemonsets')?.scale, undefined);
  assert.deepEqual(find('apiextensions.k8s.io', 'customresourcedefinitions')?.shortNames, ['crd', 'crds']);
  assert.equal(find('', 'namespaces')?.namespaced, false);
  assert.ok(!find('', 'namespaces')?.verbs.includes('deletecollection'));
  assert.equal(find('', 'nodes')?.namespaced, false);
  assert.deepEqual(find('authorization.k8s.io', 'selfsubjectaccessreviews')?.verbs, ['create']);
  assert.deepEqual(find('authentication.k8s.io', 'selfsubjectreviews')?.verbs, ['create']);
  assert.equal(find('', 'configmaps')?.statusSubresource, false);
  assert.equal(find('', 'pods')?.statusSubresource, true);
});

test('only CustomResourceDefinition and APIService refuse unconditional updates', () => {
  const refusing = defs.filter((d) => !d.allowUnconditionalUpdate).map((d) => d.kind).sort();
  assert.deepEqual(refusing, ['APIService', 'CustomResourceDefinition']);
});

test('parseGroupVersion splits core and named groups', () => {
  assert.deepEqual(parseGroupVersion('v1'), { group: '', version: 'v1' });
  assert.deepEqual(parseGroupVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
});
