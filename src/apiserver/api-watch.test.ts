/** Integration over HTTP: watch streams (initial events, resume, selectors, bookmarks, 410, timeouts). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer, WatchEvent } from './testing.ts';
import { configMap, startTestServer } from './testing.ts';

let srv: TestServer;
let nsCounter = 0;

before(async () => {
  srv = await startTestServer({ bookmarkIntervalMs: 200 });
});
after(() => srv.close());

/** A fresh namespace per test so collections do not interfere. */
async function freshNamespace(): Promise<string> {
  const name = `w${++nsCounter}`;
  const res = await srv.post('/api/v1/namespaces', { metadata: { name } });
  assert.equal(res.status, 201, res.text);
  return `/api/v1/namespaces/${name}/configmaps`;
}

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

describe('watch', () => {
  test('response headers arrive before any event', async () => {
    const coll = await freshNamespace();
    const list = await srv.get(coll);
    const opened = srv.watch(`${coll}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('watch headers not sent without events')), 2000));
    const w = await Promise.race([opened, timeout]);
    assert.equal(w.status, 200);
    assert.equal(w.headers.get('content-type'), 'application/json');
    assert.equal(w.headers.get('content-length'), null);
    w.close();
  });

  for (const rv of ['', '0']) {
    test(`resourceVersion=${JSON.stringify(rv)}: ADDED for existing objects, then live events`, async () => {
      const coll = await freshNamespace();
      await srv.post(coll, configMap('one'));
      await srv.post(coll, configMap('two'));
      const w = await srv.watch(`${coll}?watch=1${rv === '' ? '' : `&resourceVersion=${rv}`}`);
      const initial = [await w.next(), await w.next()] as WatchEvent[];
      assert.deepEqual(summary(initial).sort(), ['ADDED one', 'ADDED two']);

      const created = await srv.post(coll, configMap('three'));
      const added = (await w.next())!;
      assert.equal(added.type, 'ADDED');
      assert.deepEqual(added.object, created.body);

      const updated = await srv.patch(`${coll}/one`, { data: { a: '2' } }, 'application/merge-patch+json');
      const modified = (await w.next())!;
      assert.equal(modified.type, 'MODIFIED');
      assert.equal(modified.object.metadata.resourceVersion, updated.body.metadata.resourceVersion);
      assert.deepEqual(modified.object.data, { a: '2' });

      await srv.del(`${coll}/two`);
      const deleted = (await w.next())!;
      assert.equal(deleted.type, 'DELETED');
      assert.equal(deleted.object.metadata.name, 'two');
      assert.ok(Number(deleted.object.metadata.resourceVersion) > Number(updated.body.metadata.resourceVersion), 'DELETED carries the deletion revision');
      w.close();
    });
  }

  test('resourceVersion=N: only events after N', async () => {
    const coll = await freshNamespace();
    await srv.post(coll, configMap('before'));
    const mid = await srv.post(coll, configMap('at-n'));
    await srv.post(coll, configMap('after-1'));
    const w = await srv.watch(`${coll}?watch=true&resourceVersion=${mid.body.metadata.resourceVersion}`);
    await srv.post(coll, configMap('after-2'));
    assert.deepEqual(summary([(await w.next())!, (await w.next())!]), ['ADDED after-1', 'ADDED after-2']);
    assert.deepEqual(await w.drain(200), []);
    w.close();
  });

  test('events are newline-delimited JSON objects of type/object only', async () => {
    const coll = await freshNamespace();
    await srv.post(coll, configMap('x'));
    const res = await fetch(`${srv.url}${coll}?watch=true&timeoutSeconds=1`, { headers: { Authorization: 'Bearer admin' } });
    const text = await res.text();
    assert.ok(text.endsWith('\n'));
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(lines[0])), ['type', 'object']);
  });

  test('label selector: starts matching → ADDED, stops matching → DELETED', async () => {
    const coll = await freshNamespace();
    await srv.post(coll, configMap('m', { labels: { app: 'no' } }));
    await srv.post(coll, configMap('other', { labels: { app: 'no' } }));
    const w = await srv.watch(`${coll}?watch=true&labelSelector=app%3Dyes`);
    const label = (name: string, app: string) => srv.patch(`${coll}/${name}`, { metadata: { labels: { app } } }, 'application/merge-patch+json');

    await label('m', 'yes');
    let e = (await w.next())!;
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.metadata.labels.app, 'yes');

    await srv.patch(`${coll}/m`, { data: { a: 'changed' } }, 'application/merge-patch+json');
    e = (await w.next())!;
    assert.equal(e.type, 'MODIFIED');

    await label('m', 'no');
    e = (await w.next())!;
    assert.equal(e.type, 'DELETED');
    assert.equal(e.object.metadata.name, 'm');

    // Changes to objects that never match are not sent; deleting a non-matching object neither.
    await srv.patch(`${coll}/other`, { data: { a: 'x' } }, 'application/merge-patch+json');
    await srv.del(`${coll}/other`);
    assert.deepEqual(await w.drain(200), []);
    w.close();
  });

  test('field selector metadata.name (kubectl wait pattern)', async () => {
    const coll = await freshNamespace();
    await srv.post(coll, configMap('target'));
    const list = await srv.get(`${coll}?fieldSelector=metadata.name%3Dtarget&limit=500&resourceVersion=0`);
    assert.equal(list.body.items.length, 1);
    const w = await srv.watch(`${coll}?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dtarget&resourceVersion=${list.body.metadata.resourceVersion}&timeoutSeconds=300&watch=true`);
    await srv.post(coll, configMap('noise'));
    await srv.del(`${coll}/target`);
    const events = (await w.drain(300, 800)).filter((e) => e.type !== 'BOOKMARK');
    assert.deepEqual(summary(events), ['DELETED target']);
    w.close();
  });

  test('allowWatchBookmarks: periodic BOOKMARK with kind, apiVersion and a resourceVersion', async () => {
    const coll = await freshNamespace();
    const created = await srv.post(coll, configMap('b'));
    const w = await srv.watch(`${coll}?watch=true&allowWatchBookmarks=true&resourceVersion=${created.body.metadata.resourceVersion}`);
    const e = (await w.next(2000))!;
    assert.equal(e.type, 'BOOKMARK');
    assert.equal(e.object.kind, 'ConfigMap');
    assert.equal(e.object.apiVersion, 'v1');
    assert.ok(Number(e.object.metadata.resourceVersion) >= Number(created.body.metadata.resourceVersion));
    assert.deepEqual(Object.keys(e.object.metadata), ['resourceVersion']);
    w.close();
  });

  test('no bookmarks unless allowWatchBookmarks=true', async () => {
    const coll = await freshNamespace();
    const list = await srv.get(coll);
    const w = await srv.watch(`${coll}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    assert.deepEqual(await w.drain(600), []);
    w.close();
  });

  test('bookmark resourceVersion advances past later events', async () => {
    const coll = await freshNamespace();
    const list = await srv.get(coll);
    const w = await srv.watch(`${coll}?watch=true&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    const created = await srv.post(coll, configMap('adv'));
    let bookmark: WatchEvent | undefined;
    for (let i = 0; i < 10 && !bookmark; i++) {
      const e = (await w.next(2000))!;
      if (e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) >= Number(created.body.metadata.resourceVersion)) bookmark = e;
    }
    assert.ok(bookmark, 'a bookmark at or after the created object');
    w.close();
  });

  test('sendInitialEvents: ADDED for current objects, then the initial-events-end BOOKMARK, then live events', async () => {
    const coll = await freshNamespace();
    await srv.post(coll, configMap('i1'));
    await srv.post(coll, configMap('i2'));
    const w = await srv.watch(`${coll}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=`);
    const first = [(await w.next())!, (await w.next())!];
    assert.deepEqual(summary(first).sort(), ['ADDED i1', 'ADDED i2']);
    const end = (await w.next())!;
    assert.equal(end.type, 'BOOKMARK');
    assert.deepEqual(end.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    assert.equal(end.object.kind, 'ConfigMap');
    assert.ok(Number(end.object.metadata.resourceVersion) >= Math.max(...first.map((e) => Number(e.object.metadata.resourceVersion))));
    await srv.post(coll, configMap('i3'));
    const live = (await w.drain(300, 800)).filter((e) => e.type !== 'BOOKMARK');
    assert.deepEqual(summary(live), ['ADDED i3']);
    w.close();
  });

  test('sendInitialEvents with resourceVersion=N still starts with the current state', async () => {
    const coll = await freshNamespace();
    const created = await srv.post(coll, configMap('n1'));
    const w = await srv.watch(`${coll}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${created.body.metadata.resourceVersion}`);
    assert.deepEqual(summary([(await w.next())!]), ['ADDED n1']);
    const end = (await w.next())!;
    assert.equal(end.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
    w.close();
  });

  const badInitial: [string, string][] = [
    ['no resourceVersionMatch', 'sendInitialEvents=true&allowWatchBookmarks=true'],
    ['no allowWatchBookmarks', 'sendInitialEvents=true&resourceVersionMatch=NotOlderThan'],
    ['resourceVersionMatch=Exact', 'sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true&resourceVersion=1'],
  ];
  for (const [name, query] of badInitial) {
    test(`sendInitialEvents with ${name} → 422 Invalid ListOptions`, async () => {
      const res = await srv.get(`/api/v1/namespaces/default/configmaps?watch=true&${query}`);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.kind, 'Status');
      assert.equal(res.body.reason, 'Invalid');
      assert.deepEqual([res.body.details.group, res.body.details.kind], ['meta.k8s.io', 'ListOptions']);
    });
  }

  test('a compacted resourceVersion → 200 and one ERROR event with code 410, then the stream ends', async () => {
    const coll = await freshNamespace();
    const old = await srv.post(coll, configMap('old'));
    await srv.patch(`${coll}/old`, { data: { a: '2' } }, 'application/merge-patch+json');
    await srv.post(coll, configMap('newer'));
    await srv.storage.compact(await srv.storage.currentRevision());
    const w = await srv.watch(`${coll}?watch=true&resourceVersion=${old.body.metadata.resourceVersion}`);
    assert.equal(w.status, 200);
    const e = (await w.next())!;
    assert.equal(e.type, 'ERROR');
    assert.equal(e.object.kind, 'Status');
    assert.equal(e.object.status, 'Failure');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
    assert.match(e.object.message, new RegExp(`^too old resource version: ${old.body.metadata.resourceVersion} \\(\\d+\\)$`));
    assert.equal(await w.next(), undefined);
  });

  test('timeoutSeconds=1 closes the stream', async () => {
    const coll = await freshNamespace();
    const started = Date.now();
    const w = await srv.watch(`${coll}?watch=true&timeoutSeconds=1`);
    await Promise.race([w.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open after 5 s')), 5000))]);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 4500, `closed after ${elapsed} ms`);
  });

  test('a non-numeric resourceVersion → 400', async () => {
    const res = await srv.get('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc');
    assert.equal(res.status, 400);
    assert.equal(res.body.kind, 'Status');
  });

  test('a namespaced watch does not see other namespaces; a cluster-wide watch sees all', async () => {
    const a = await freshNamespace();
    const b = await freshNamespace();
    const list = await srv.get('/api/v1/configmaps');
    const rv = list.body.metadata.resourceVersion;
    const wa = await srv.watch(`${a}?watch=true&resourceVersion=${rv}`);
    const wall = await srv.watch(`/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    await srv.post(b, configMap('in-b'));
    await srv.post(a, configMap('in-a'));
    assert.deepEqual(summary(await wa.drain(200)), ['ADDED in-a']);
    assert.deepEqual(summary(await wall.drain(200)), ['ADDED in-b', 'ADDED in-a']);
    wa.close();
    wall.close();
  });

  test('watch with Table Accept: one-row Tables, columnDefinitions only on the first event', async () => {
    const coll = await freshNamespace();
    const list = await srv.get(coll);
    const w = await srv.watch(`${coll}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    await srv.post(coll, configMap('t1'));
    await srv.post(coll, configMap('t2'));
    const [e1, e2] = [(await w.next())!, (await w.next())!];
    assert.equal(e1.object.kind, 'Table');
    assert.ok(e1.object.columnDefinitions.length > 0);
    assert.equal(e1.object.rows[0].cells[0], 't1');
    assert.ok(!e2.object.columnDefinitions?.length, 'later events omit columnDefinitions');
    assert.equal(e2.object.rows[0].cells[0], 't2');
    w.close();
  });
});
