import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storageError, withStorage } from './conformance-helpers.ts';
import type { OpenStorage } from './conformance-helpers.ts';
import { runWatchConformance } from './conformance-watch.ts';
import type { Storage, StorageErrorCode } from './types.ts';

export type { OpenStorage } from './conformance-helpers.ts';

/**
 * The behaviour every {@link Storage} must have, as a node:test suite. Each test opens a fresh
 * store and closes it. Call from an implementation's test file.
 *
 * @example
 * runStorageConformance('memory', async () => createMemoryStorage());
 */
export function runStorageConformance(name: string, open: OpenStorage): void {
  describe(`Storage conformance: ${name}`, () => {
    runWriteConformance(open);
    runListConformance(open);
    runCompactionConformance(open);
    runWatchConformance(open);
  });
}

function runWriteConformance(open: OpenStorage): void {
  describe('writes', () => {
    it('starts empty at revision 0', () =>
      withStorage(open, async (s) => {
        assert.equal(await s.currentRevision(), 0);
        assert.equal(await s.compactedRevision(), 0);
        assert.equal(await s.get('/a'), undefined);
        assert.deepEqual(await s.list(''), { items: [], revision: 0, remaining: 0 });
        assert.equal(await s.count(''), 0);
      }));

    it('create stamps one new revision as create and mod revision', () =>
      withStorage(open, async (s) => {
        assert.deepEqual(await s.create('/a', 'one'), { key: '/a', value: 'one', createRevision: 1, modRevision: 1 });
        assert.deepEqual(await s.create('/b', 'two'), { key: '/b', value: 'two', createRevision: 2, modRevision: 2 });
        assert.equal(await s.currentRevision(), 2);
        assert.deepEqual(await s.get('/a'), { key: '/a', value: 'one', createRevision: 1, modRevision: 1 });
      }));

    it('create of an existing key fails with KeyExists and writes nothing', () =>
      withStorage(open, async (s) => {
        await s.create('/a', 'one');
        await assert.rejects(s.create('/a', 'again'), storageError('KeyExists'));
        assert.equal(await s.currentRevision(), 1);
        assert.equal((await s.get('/a'))?.value, 'one');
      }));

    it('update keeps createRevision and moves modRevision', () =>
      withStorage(open, async (s) => {
        await s.create('/a', 'one');
        await s.create('/b', 'x');
        assert.deepEqual(await s.update('/a', 'two'), { key: '/a', value: 'two', createRevision: 1, modRevision: 3 });
        assert.deepEqual(await s.update('/a', 'three', 3), { key: '/a', value: 'three', createRevision: 1, modRevision: 4 });
      }));

    const preconditionCases: { name: string; write: (s: Storage) => Promise<unknown>; code: StorageErrorCode }[] = [
      { name: 'update of a missing key', write: (s) => s.update('/missing', 'v'), code: 'KeyNotFound' },
      { name: 'delete of a missing key', write: (s) => s.delete('/missing'), code: 'KeyNotFound' },
      { name: 'update of a deleted key', write: (s) => s.update('/gone', 'v'), code: 'KeyNotFound' },
      { name: 'update with a stale revision', write: (s) => s.update('/a', 'v', 1), code: 'Conflict' },
      { name: 'delete with a stale revision', write: (s) => s.delete('/a', 1), code: 'Conflict' },
      { name: 'update with a future revision', write: (s) => s.update('/a', 'v', 99), code: 'Conflict' },
    ];
    for (const { name, write, code } of preconditionCases) {
      it(`${name} fails with ${code} and writes nothing`, () =>
        withStorage(open, async (s) => {
          await s.create('/a', 'one');
          await s.update('/a', 'two');
          await s.create('/gone', 'x');
          await s.delete('/gone');
          const current = await s.get('/a');
          await assert.rejects(write(s), storageError(code, code === 'Conflict' ? { current } : {}));
          assert.equal(await s.currentRevision(), 4);
          assert.deepEqual(await s.get('/a'), current);
        }));
    }

    it('delete returns the last value at the deletion revision; the key can be created again', () =>
      withStorage(open, async (s) => {
        await s.create('/a', 'one');
        await s.update('/a', 'two');
        assert.deepEqual(await s.delete('/a', 2), { key: '/a', value: 'two', createRevision: 1, modRevision: 3 });
        assert.equal(await s.get('/a'), undefined);
        assert.equal(await s.count('/'), 0);
        assert.deepEqual(await s.create('/a', 'new'), { key: '/a', value: 'new', createRevision: 4, modRevision: 4 });
      }));

    it('stores values verbatim', () =>
      withStorage(open, async (s) => {
        const values = ['', '{"a":[1,2,{"b":null}]}', 'ünïcødé ✓ 𝄞', 'x'.repeat(200_000), "quote ' and \" and \\"];
        for (const [i, value] of values.entries()) await s.create(`/v/${i}`, value);
        assert.deepEqual((await s.list('/v/')).items.map((kv) => kv.value), values);
      }));

    it('fails every call after close with Closed', () =>
      withStorage(open, async (s) => {
        await s.create('/a', 'one');
        await s.close();
        await assert.rejects(s.get('/a'), storageError('Closed'));
        await assert.rejects(s.create('/b', 'x'), storageError('Closed'));
        await assert.rejects(s.list(''), storageError('Closed'));
        await assert.rejects(s.currentRevision(), storageError('Closed'));
      }));
  });
}

function runListConformance(open: OpenStorage): void {
  describe('list', () => {
    const keys = ['/a', '/a/1', '/a/2', '/a/2/x', '/ab/1', '/b/1', 'z'];
    const prefixCases: { prefix: string; expected: string[] }[] = [
      { prefix: '/a/', expected: ['/a/1', '/a/2', '/a/2/x'] },
      { prefix: '/ab/', expected: ['/ab/1'] },
      { prefix: '/a', expected: ['/a', '/a/1', '/a/2', '/a/2/x', '/ab/1'] },
      { prefix: '/', expected: keys.slice(0, 6) },
      { prefix: '', expected: keys },
      { prefix: '/c/', expected: [] },
      { prefix: '/a/2/x', expected: ['/a/2/x'] },
    ];
    for (const { prefix, expected } of prefixCases) {
      it(`under "${prefix}" returns exactly the keys with that prefix, sorted`, () =>
        withStorage(open, async (s) => {
          for (const key of [...keys].reverse()) await s.create(key, `v${key}`);
          const result = await s.list(prefix);
          assert.deepEqual(result.items.map((kv) => kv.key), expected);
          assert.equal(result.revision, keys.length);
          assert.equal(result.remaining, 0);
          assert.equal(await s.count(prefix), expected.length);
        }));
    }

    it('isolates prefixes that end in non-ASCII characters', () =>
      withStorage(open, async (s) => {
        for (const key of ['/ü/1', '/ü/2', '/üa', '/ý/1', '/𝄞/1', '/𝄞a', '/𝄟', '/\u{FFFF}x']) await s.create(key, 'v');
        const cases: [string, string[]][] = [
          ['/ü/', ['/ü/1', '/ü/2']],
          ['/ü', ['/ü/1', '/ü/2', '/üa']],
          ['/𝄞', ['/𝄞/1', '/𝄞a']],
          ['/\u{FFFF}', ['/\u{FFFF}x']],
        ];
        for (const [prefix, expected] of cases) {
          // Sorted here: code-unit (memory) and UTF-8 (SQLite) order differ above U+FFFF.
          assert.deepEqual((await s.list(prefix)).items.map((kv) => kv.key).sort(), expected.sort(), prefix);
          assert.equal(await s.count(prefix), expected.length, prefix);
        }
      }));

    it('pages with after/limit/remaining, at a fixed revision while writes go on', () =>
      withStorage(open, async (s) => {
        for (const n of [1, 2, 3, 4, 5]) await s.create(`/p/${n}`, `v${n}`);
        await s.create('/q/1', 'outside');
        const first = await s.list('/p/', { limit: 2 });
        assert.deepEqual(first.items.map((kv) => kv.key), ['/p/1', '/p/2']);
        assert.equal(first.remaining, 3);
        await s.delete('/p/4');
        await s.create('/p/6', 'late');
        await s.update('/p/3', 'changed');
        const second = await s.list('/p/', { limit: 2, after: '/p/2', revision: first.revision });
        assert.deepEqual(second.items.map((kv) => [kv.key, kv.value]), [['/p/3', 'v3'], ['/p/4', 'v4']]);
        assert.equal(second.remaining, 1);
        assert.equal(second.revision, first.revision);
        const third = await s.list('/p/', { limit: 2, after: '/p/4', revision: first.revision });
        assert.deepEqual(third.items.map((kv) => kv.key), ['/p/5']);
        assert.equal(third.remaining, 0);
        const latest = await s.list('/p/', { after: '/p/2' });
        assert.deepEqual(latest.items.map((kv) => [kv.key, kv.value]), [['/p/3', 'changed'], ['/p/5', 'v5'], ['/p/6', 'late']]);
      }));

    const pagingCases: { name: string; options: { after?: string; limit?: number }; keys: string[]; remaining: number }[] = [
      { name: 'limit 0 means no limit', options: { limit: 0 }, keys: ['/p/1', '/p/2', '/p/3'], remaining: 0 },
      { name: 'limit equal to the size leaves nothing remaining', options: { limit: 3 }, keys: ['/p/1', '/p/2', '/p/3'], remaining: 0 },
      { name: 'after below the prefix starts at the prefix', options: { after: '/', limit: 1 }, keys: ['/p/1'], remaining: 2 },
      { name: 'after a key that does not exist', options: { after: '/p/1x' }, keys: ['/p/2', '/p/3'], remaining: 0 },
      { name: 'after the last key', options: { after: '/p/3' }, keys: [], remaining: 0 },
      { name: 'after beyond the prefix', options: { after: '/q' }, keys: [], remaining: 0 },
    ];
    for (const { name, options, keys: expected, remaining } of pagingCases) {
      it(`paging: ${name}`, () =>
        withStorage(open, async (s) => {
          for (const key of ['/o/1', '/p/1', '/p/2', '/p/3', '/q/1']) await s.create(key, 'v');
          const result = await s.list('/p/', options);
          assert.deepEqual(result.items.map((kv) => kv.key), expected);
          assert.equal(result.remaining, remaining);
        }));
    }

    it('reads at an older revision: old values, since-deleted keys, not later keys', () =>
      withStorage(open, async (s) => {
        await s.create('/k/a', 'a1');
        await s.create('/k/b', 'b1');
        const before = await s.currentRevision();
        await s.update('/k/a', 'a2');
        await s.delete('/k/b');
        await s.create('/k/c', 'c1');
        const old = await s.list('/k/', { revision: before });
        assert.deepEqual(old, {
          revision: before,
          remaining: 0,
          items: [
            { key: '/k/a', value: 'a1', createRevision: 1, modRevision: 1 },
            { key: '/k/b', value: 'b1', createRevision: 2, modRevision: 2 },
          ],
        });
        assert.deepEqual((await s.list('/k/', { revision: 1 })).items.map((kv) => kv.key), ['/k/a']);
        assert.deepEqual((await s.list('/k/', { revision: 0 })).items, []);
        assert.deepEqual((await s.list('/k/', { revision: 4, limit: 1 })).remaining, 0);
        assert.deepEqual((await s.list('/k/', { revision: before, limit: 1 })).remaining, 1);
      }));

    it('rejects a future revision with FutureRevision', () =>
      withStorage(open, async (s) => {
        await s.create('/a', 'v');
        await assert.rejects(s.list('', { revision: 2 }), storageError('FutureRevision'));
      }));
  });
}

function runCompactionConformance(open: OpenStorage): void {
  describe('compaction', () => {
    /** Revisions: 1 create a, 2 update a, 3 create b, 4 delete b, 5 create c, 6 update a. */
    async function writeHistory(s: Storage): Promise<void> {
      await s.create('/h/a', 'a1');
      await s.update('/h/a', 'a2');
      await s.create('/h/b', 'b1');
      await s.delete('/h/b');
      await s.create('/h/c', 'c1');
      await s.update('/h/a', 'a3');
    }
    const keysAndValues = async (s: Storage, revision?: number) =>
      (await s.list('/h/', { revision })).items.map((kv) => [kv.key, kv.value, kv.modRevision]);

    it('keeps the state at and after the compacted revision, rejects older reads', () =>
      withStorage(open, async (s) => {
        await writeHistory(s);
        const atFour = await keysAndValues(s, 4);
        const atFive = await keysAndValues(s, 5);
        await s.compact(4);
        assert.equal(await s.compactedRevision(), 4);
        assert.equal(await s.currentRevision(), 6);
        await assert.rejects(s.list('/h/', { revision: 3 }), storageError('Compacted', { revision: 4 }));
        assert.deepEqual(await keysAndValues(s, 4), atFour);
        assert.deepEqual(await keysAndValues(s, 5), atFive);
        assert.deepEqual(await keysAndValues(s), [['/h/a', 'a3', 6], ['/h/c', 'c1', 5]]);
        assert.equal((await s.get('/h/a'))?.createRevision, 1);
      }));

    it('never drops the latest value of a live key, and writes continue after', () =>
      withStorage(open, async (s) => {
        await writeHistory(s);
        await s.compact(6);
        assert.deepEqual(await keysAndValues(s), [['/h/a', 'a3', 6], ['/h/c', 'c1', 5]]);
        assert.deepEqual(await s.update('/h/c', 'c2', 5), { key: '/h/c', value: 'c2', createRevision: 5, modRevision: 7 });
        assert.deepEqual(await s.create('/h/b', 'b2'), { key: '/h/b', value: 'b2', createRevision: 8, modRevision: 8 });
        await s.delete('/h/a');
        await s.compact(9);
        assert.deepEqual(await s.create('/h/a', 'a4'), { key: '/h/a', value: 'a4', createRevision: 10, modRevision: 10 });
        assert.deepEqual(await keysAndValues(s), [['/h/a', 'a4', 10], ['/h/b', 'b2', 8], ['/h/c', 'c2', 7]]);
      }));

    it('ignores an older compaction and rejects a future one', () =>
      withStorage(open, async (s) => {
        await writeHistory(s);
        await s.compact(4);
        await s.compact(2);
        assert.equal(await s.compactedRevision(), 4);
        await assert.rejects(s.compact(7), storageError('FutureRevision'));
        assert.equal(await s.compactedRevision(), 4);
      }));
  });
}
