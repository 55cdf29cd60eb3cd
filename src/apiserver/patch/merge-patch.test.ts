import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../kube/errors.ts';
import { applyMergePatch } from './merge-patch.ts';

// RFC 7386 appendix A, then the shapes kubectl label/annotate and helm send.
const cases: Array<{ name: string; doc: unknown; patch: unknown; want: unknown }> = [
  { name: 'replace member', doc: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'add member', doc: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null deletes', doc: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null deletes one of two', doc: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'array replaces array', doc: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'scalar replaced by array', doc: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'nested merge and delete', doc: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'array of objects replaced whole', doc: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'array of arrays kept verbatim', doc: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'object replaces array document', doc: ['a'], patch: { a: 'b' }, want: { a: 'b' } },
  { name: 'nulls inside new objects are pruned', doc: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  { name: 'empty patch is a no-op', doc: { a: 1 }, patch: {}, want: { a: 1 } },
  { name: 'array elements keep nulls', doc: {}, patch: { a: [null, { b: null }] }, want: { a: [null, {}] } },
  {
    name: 'kubectl label --overwrite and removal',
    doc: { metadata: { name: 'w', labels: { tier: 'web', old: 'x' } }, spec: { size: 1 } },
    patch: { metadata: { labels: { tier: 'api', old: null } } },
    want: { metadata: { name: 'w', labels: { tier: 'api' } }, spec: { size: 1 } },
  },
  {
    name: 'CR lists are replaced, not merged',
    doc: { spec: { items: [{ name: 'a', v: 1 }, { name: 'b', v: 2 }] } },
    patch: { spec: { items: [{ name: 'a', v: 3 }] } },
    want: { spec: { items: [{ name: 'a', v: 3 }] } },
  },
];

describe('applyMergePatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.doc);
      const patchBefore = structuredClone(c.patch);
      assert.deepEqual(applyMergePatch(c.doc, c.patch), c.want);
      assert.deepEqual(c.doc, before);
      assert.deepEqual(c.patch, patchBefore);
    });
  }

  for (const patch of [null, 'x', 5, true]) {
    it(`rejects top-level ${JSON.stringify(patch)} with 400 Invalid JSON Patch`, () => {
      assert.throws(
        () => applyMergePatch({ a: 1 }, patch),
        (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'Invalid JSON Patch',
      );
    });
  }
});
