import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../kube/types.ts';
import { ensureFieldsAreMembers, formatPath, fromFieldsV1, makeFieldSet, sortedPaths, toFieldsV1 } from './fieldpath.ts';
import type { FieldPath } from './fieldpath.ts';

describe('FieldsV1 encoding', () => {
  const cases: { name: string; paths: FieldPath[]; json: JsonObject }[] = [
    { name: 'leaf fields', paths: [['f:data', 'f:a'], ['f:data', 'f:c']], json: { 'f:data': { 'f:a': {}, 'f:c': {} } } },
    { name: 'member with children gets "."', paths: [['f:data'], ['f:data', 'f:a']], json: { 'f:data': { '.': {}, 'f:a': {} } } },
    {
      name: 'keyed list item',
      paths: [['f:spec', 'f:containers', 'k:{"name":"nginx"}'], ['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']],
      json: { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } } } },
    },
    { name: 'set items', paths: [['f:metadata', 'f:finalizers', 'v:"x"']], json: { 'f:metadata': { 'f:finalizers': { 'v:"x"': {} } } } },
    { name: 'empty set', paths: [], json: {} },
  ];
  for (const c of cases) {
    it(`encodes ${c.name}`, () => assert.deepEqual(toFieldsV1(makeFieldSet(c.paths)), c.json));
    it(`decodes ${c.name}`, () => assert.deepEqual(new Set(fromFieldsV1(c.json).values()), new Set(c.paths)));
  }

  it('orders keys: ".", fields, keys, values, indexes', () => {
    const set = makeFieldSet([['f:l'], ['f:l', 'i:1'], ['f:l', 'v:"a"'], ['f:l', 'k:{"a":1}'], ['f:l', 'f:z'], ['f:l', 'f:b']]);
    assert.deepEqual(Object.keys(toFieldsV1(set)['f:l'] as JsonObject), ['.', 'f:b', 'f:z', 'k:{"a":1}', 'v:"a"', 'i:1']);
  });

  it('rejects malformed input', () => {
    assert.throws(() => fromFieldsV1({ 'x:foo': {} }));
    assert.throws(() => fromFieldsV1({ 'f:a': [] }));
  });
});

describe('formatPath', () => {
  const cases: [FieldPath, string][] = [
    [['f:data', 'f:a'], '.data.a'],
    [['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'], '.spec.containers[name="app"].image'],
    [['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'], '.spec.ports[port=80,protocol="TCP"]'],
    [['f:metadata', 'f:finalizers', 'v:"x"'], '.metadata.finalizers[="x"]'],
    [['f:list', 'i:3'], '.list[3]'],
  ];
  for (const [path, text] of cases) it(text, () => assert.equal(formatPath(path), text));
});

describe('sortedPaths', () => {
  it('lists members of a level before descending (upstream Set.Iterate)', () => {
    const set = makeFieldSet([['f:a', 'f:x'], ['f:b'], ['f:a', 'f:c']]);
    assert.deepEqual(sortedPaths(set).map(formatPath), ['.b', '.a.c', '.a.x']);
  });
});

describe('ensureFieldsAreMembers', () => {
  it('makes field parents members but not list items', () => {
    const set = ensureFieldsAreMembers(makeFieldSet([['f:spec', 'f:c', 'k:{"name":"a"}', 'f:image']]));
    assert.deepEqual(sortedPaths(set).map(formatPath), ['.spec', '.spec.c', '.spec.c[name="a"].image']);
  });
});
