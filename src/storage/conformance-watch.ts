import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storageError, withStorage } from './conformance-helpers.ts';
import type { OpenStorage } from './conformance-helpers.ts';
import type { Storage, WatchEvent } from './types.ts';

/** A guard against a hanging iterator, not a timing assertion. */
const TEST_OPTIONS = { timeout: 30_000 };

/** Watch behaviour of {@link Storage}; part of runStorageConformance. */
export function runWatchConformance(open: OpenStorage): void {
  describe('watch', () => {
    it('replays history with types, created flags and prevKv, then goes live', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        await s.create('/w/a', 'a1');
        await s.update('/w/a', 'a2');
        await s.create('/w/b', 'b1');
        const watch = startWatch(s, '/w/', 0);
        const replayed = await watch.take(3);
        await s.delete('/w/a', 2);
        await s.create('/w/a', 'a3');
        const live = await watch.take(2);
        watch.stop();
        assert.deepEqual([...replayed, ...live].map(summarize), [
          'put /w/a a1 @1 created',
          'put /w/a a2 @2 prev=a1@2→1',
          'put /w/b b1 @3 created',
          'delete /w/a a2 @4 prev=a2@4→2',
          'put /w/a a3 @5 created',
        ]);
        assert.deepEqual(live[0].kv, { key: '/w/a', value: 'a2', createRevision: 1, modRevision: 4 });
        assert.deepEqual(live[0].prevKv, { key: '/w/a', value: 'a2', createRevision: 1, modRevision: 2 });
        assert.deepEqual(replayed[1].prevKv, { key: '/w/a', value: 'a1', createRevision: 1, modRevision: 1 });
      }));

    it('delivers only events after afterRevision', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        for (const n of [1, 2, 3, 4]) await s.create(`/w/${n}`, 'v');
        const watch = startWatch(s, '/w/', 2);
        await s.create('/w/5', 'v');
        assert.deepEqual((await watch.take(3)).map((e) => e.kv.modRevision), [3, 4, 5]);
        watch.stop();
      }));

    it('meets replay and live events with no gap and no duplicate, across replay pages', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        const historic = 2100;
        for (let n = 0; n < historic; n++) await s.create(`/r/${n}`, 'v');
        const watch = startWatch(s, '/r/', 0);
        const first = await watch.take(1);
        for (let n = 0; n < 50; n++) await s.update(`/r/${n}`, 'w');
        const rest = await watch.take(historic + 50 - 1);
        watch.stop();
        const revisions = [...first, ...rest].map((e) => e.kv.modRevision);
        assert.deepEqual(revisions, Array.from({ length: historic + 50 }, (_, i) => i + 1));
      }));

    it('isolates prefixes: /a/ does not see /ab/', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        await s.create('/ab/1', 'x');
        await s.create('/a/1', 'x');
        const watch = startWatch(s, '/a/', 0);
        await s.create('/ab/2', 'x');
        await s.create('/a', 'x');
        await s.create('/a/2', 'x');
        assert.deepEqual((await watch.take(2)).map((e) => e.kv.key), ['/a/1', '/a/2']);
        watch.stop();
      }));

    it('fans out to several watchers on overlapping prefixes', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        const all = startWatch(s, '', 0);
        const some = startWatch(s, '/x/', 0);
        await s.create('/y/1', 'v');
        await s.create('/x/1', 'v');
        assert.deepEqual((await all.take(2)).map((e) => e.kv.key), ['/y/1', '/x/1']);
        assert.deepEqual((await some.take(1)).map((e) => e.kv.key), ['/x/1']);
        all.stop();
        some.stop();
      }));

    it('ends when the signal aborts while waiting, and at once when already aborted', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        await s.create('/w/a', 'v');
        const controller = new AbortController();
        const iterator = s.watch('/w/', { afterRevision: 1, signal: controller.signal })[Symbol.asyncIterator]();
        const pending = iterator.next();
        controller.abort();
        assert.deepEqual(await pending, { done: true, value: undefined });
        assert.deepEqual(await iterator.next(), { done: true, value: undefined });
        const aborted = s.watch('/w/', { afterRevision: 0, signal: AbortSignal.abort() })[Symbol.asyncIterator]();
        assert.equal((await aborted.next()).done, true);
      }));

    it('stops delivering once the consumer breaks out', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        await s.create('/w/a', 'v');
        await s.create('/w/b', 'v');
        const seen: string[] = [];
        for await (const event of s.watch('/w/', { afterRevision: 0, signal: new AbortController().signal })) {
          seen.push(event.kv.key);
          break;
        }
        await s.create('/w/c', 'v');
        assert.deepEqual(seen, ['/w/a']);
      }));

    it('ends when the store closes', TEST_OPTIONS, async () => {
      const s = await open();
      const iterator = s.watch('', { afterRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
      const pending = iterator.next();
      await s.create('/w/a', 'v');
      assert.equal((await pending).value?.kv.key, '/w/a');
      const waiting = iterator.next();
      await s.close();
      assert.equal((await waiting).done, true);
    });

    it('rejects a start below the compacted revision on first iteration with Compacted', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        for (const n of [1, 2, 3, 4]) await s.create(`/w/${n}`, 'v');
        await s.update('/w/1', 'v2');
        await s.compact(3);
        const stale = s.watch('/w/', { afterRevision: 2, signal: new AbortController().signal })[Symbol.asyncIterator]();
        await assert.rejects(stale.next(), storageError('Compacted', { revision: 3 }));
        const watch = startWatch(s, '/w/', 3);
        const events = await watch.take(2);
        watch.stop();
        assert.deepEqual(events.map(summarize), ['put /w/4 v @4 created', 'put /w/1 v2 @5 prev=v@5→1']);
      }));

    it('ends with Compacted when compaction overtakes a replay in progress', TEST_OPTIONS, () =>
      withStorage(open, async (s) => {
        for (let n = 0; n < 1500; n++) {
          if (n < 10) await s.create(`/c/${n}`, 'v');
          else await s.update(`/c/${n % 10}`, `v${n}`);
        }
        const watch = startWatch(s, '/c/', 0);
        await watch.take(1);
        await s.compact(await s.currentRevision());
        await assert.rejects(watch.take(1500), storageError('Compacted'));
        watch.stop();
      }));
  });
}

interface TestWatch {
  /** Resolves with the next `count` events (rejects if the stream fails or ends first). */
  take(count: number): Promise<WatchEvent[]>;
  stop(): void;
}

function startWatch(storage: Storage, prefix: string, afterRevision: number): TestWatch {
  const controller = new AbortController();
  const iterator = storage.watch(prefix, { afterRevision, signal: controller.signal })[Symbol.asyncIterator]();
  return {
    async take(count) {
      const events: WatchEvent[] = [];
      while (events.length < count) {
        const next = await iterator.next();
        if (next.done) throw new Error(`watch ended after ${events.length} of ${count} events`);
        events.push(next.value);
      }
      return events;
    },
    stop: () => controller.abort(),
  };
}

/** One line per event, so a whole stream compares in one deepEqual. */
function summarize(event: WatchEvent): string {
  const { type, kv, prevKv, created } = event;
  const prev = prevKv ? ` prev=${prevKv.value}@${kv.modRevision}→${prevKv.modRevision}` : '';
  return `${type} ${kv.key} ${kv.value} @${kv.modRevision}${created ? ' created' : ''}${prev}`;
}
