import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../kube/errors.ts';
import { applyJsonPatch, parsePointer } from './json-patch.ts';

interface Case {
  name: string;
  doc: unknown;
  ops: unknown;
  want: unknown;
}

// RFC 6902 appendix A plus the shapes kubectl/helm send.
const cases: Case[] = [
  { name: 'add object member', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz', value: 'qux' }], want: { foo: 'bar', baz: 'qux' } },
  { name: 'add array element', doc: { foo: ['bar', 'baz'] }, ops: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'add at array end index', doc: { foo: ['a'] }, ops: [{ op: 'add', path: '/foo/1', value: 'b' }], want: { foo: ['a', 'b'] } },
  { name: 'add with - appends', doc: { foo: ['a'] }, ops: [{ op: 'add', path: '/foo/-', value: ['x'] }], want: { foo: ['a', ['x']] } },
  { name: 'add replaces existing member', doc: { a: 1 }, ops: [{ op: 'add', path: '/a', value: 2 }], want: { a: 2 } },
  { name: 'add root replaces document', doc: { a: 1 }, ops: [{ op: 'add', path: '', value: { b: 2 } }], want: { b: 2 } },
  { name: 'remove object member', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'remove array element', doc: { foo: ['bar', 'qux', 'baz'] }, ops: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'replace value', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'move value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    ops: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  { name: 'move array element', doc: { foo: ['all', 'grass', 'cows', 'eat'] }, ops: [{ op: 'move', from: '/foo/1', path: '/foo/3' }], want: { foo: ['all', 'cows', 'eat', 'grass'] } },
  { name: 'copy is deep', doc: { a: { x: [1] } }, ops: [{ op: 'copy', from: '/a', path: '/b' }, { op: 'add', path: '/b/x/-', value: 2 }], want: { a: { x: [1] }, b: { x: [1, 2] } } },
  { name: 'test passes then applies', doc: { baz: 'qux', foo: ['a', 2, 'c'] }, ops: [{ op: 'test', path: '/foo', value: ['a', 2, 'c'] }, { op: 'remove', path: '/baz' }], want: { foo: ['a', 2, 'c'] } },
  { name: 'test compares objects regardless of key order', doc: { o: { a: 1, b: 2 } }, ops: [{ op: 'test', path: '/o', value: { b: 2, a: 1 } }], want: { o: { a: 1, b: 2 } } },
  { name: 'test null on missing path passes (evanphx v4)', doc: { a: 1 }, ops: [{ op: 'test', path: '/nope', value: null }], want: { a: 1 } },
  { name: '~1 and ~0 escapes', doc: { metadata: { labels: { 'app.kubernetes.io/name': 'x', 'a~b': 'y' } } }, ops: [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }, { op: 'replace', path: '/metadata/labels/a~0b', value: 'z' }], want: { metadata: { labels: { 'a~b': 'z' } } } },
  { name: 'empty patch', doc: { a: 1 }, ops: [], want: { a: 1 } },
  { name: 'helm csaupgrade managedFields replace', doc: { metadata: { managedFields: [{ manager: 'kubectl-client-side-apply' }] } }, ops: [{ op: 'replace', path: '/metadata/managedFields', value: [{}] }], want: { metadata: { managedFields: [{}] } } },
  { name: '__proto__ is plain data', doc: {}, ops: [{ op: 'add', path: '/__proto__', value: { polluted: true } }], want: JSON.parse('{"__proto__":{"polluted":true}}') },
];

interface ErrorCase {
  name: string;
  doc: unknown;
  ops: unknown;
  code: number;
  reason: string;
}

const errorCases: ErrorCase[] = [
  { name: 'patch is not an array', doc: {}, ops: { op: 'add' }, code: 400, reason: 'BadRequest' },
  { name: 'operation is not an object', doc: {}, ops: ['add'], code: 400, reason: 'BadRequest' },
  { name: 'failed test', doc: { a: 1 }, ops: [{ op: 'test', path: '/a', value: 2 }], code: 422, reason: 'Invalid' },
  { name: 'test on missing path', doc: { a: 1 }, ops: [{ op: 'test', path: '/b', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'remove missing path (kubectl patch --type json remove of unset field)', doc: { spec: {} }, ops: [{ op: 'remove', path: '/spec/affinity' }], code: 422, reason: 'Invalid' },
  { name: 'replace missing member', doc: { a: 1 }, ops: [{ op: 'replace', path: '/b', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'add under missing parent', doc: {}, ops: [{ op: 'add', path: '/a/b', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'add past array end', doc: { a: [] }, ops: [{ op: 'add', path: '/a/1', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'leading zero index', doc: { a: [1, 2] }, ops: [{ op: 'replace', path: '/a/01', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'unknown op', doc: {}, ops: [{ op: 'merge', path: '/a' }], code: 422, reason: 'Invalid' },
  { name: 'missing path', doc: {}, ops: [{ op: 'add', value: 1 }], code: 422, reason: 'Invalid' },
  { name: 'missing value', doc: {}, ops: [{ op: 'add', path: '/a' }], code: 422, reason: 'Invalid' },
  { name: 'move into own child', doc: { a: { b: {} } }, ops: [{ op: 'move', from: '/a', path: '/a/b/c' }], code: 422, reason: 'Invalid' },
  { name: 'pointer without leading slash', doc: { a: 1 }, ops: [{ op: 'remove', path: 'a' }], code: 422, reason: 'Invalid' },
  { name: 'too many operations', doc: {}, ops: Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} })), code: 413, reason: 'RequestEntityTooLarge' },
];

describe('applyJsonPatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.doc);
      assert.deepEqual(applyJsonPatch(c.doc, c.ops), c.want);
      assert.deepEqual(c.doc, before, 'input document must not change');
    });
  }

  for (const c of errorCases) {
    it(`rejects: ${c.name}`, () => {
      assert.throws(
        () => applyJsonPatch(c.doc, c.ops),
        (err: unknown) => err instanceof StatusError && err.code === c.code && err.reason === c.reason,
      );
    });
  }

  it('a failed test answers with the upstream generic 422 status and leaves nothing applied', () => {
    const doc = { a: 1 };
    let caught: unknown;
    try {
      applyJsonPatch(doc, [{ op: 'replace', path: '/a', value: 5 }, { op: 'test', path: '/a', value: 1 }]);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof StatusError);
    assert.deepEqual(caught.toStatus(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422,
    });
    assert.match(String((caught.cause as Error).message), /testing value \/a failed/);
    assert.deepEqual(doc, { a: 1 });
  });
});

describe('parsePointer', () => {
  const table: Array<[string, string[]]> = [
    ['', []],
    ['/', ['']],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
    ['/~01', ['~1']],
  ];
  for (const [pointer, tokens] of table) {
    it(JSON.stringify(pointer), () => assert.deepEqual(parsePointer(pointer), tokens));
  }
  it('rejects a bad escape', () => assert.throws(() => parsePointer('/a~2'), StatusError));
});
