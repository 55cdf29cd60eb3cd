/** Integration over HTTP: list paging, selectors, ListOptions validation and Table output. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestServer } from './testing.ts';
import { WIDGETS, configMap, createCRD, startTestServer, widget } from './testing.ts';

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PAGING = '/api/v1/namespaces/paging/configmaps';
const SEL = '/api/v1/namespaces/sel/configmaps';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  await createCRD(srv);
  for (const ns of ['paging', 'sel']) assert.equal((await srv.post('/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
  for (let i = 0; i < 25; i++) {
    const res = await srv.post(PAGING, configMap(`cm-${String(i).padStart(2, '0')}`, { labels: { parity: i % 2 ? 'odd' : 'even' } }));
    assert.equal(res.status, 201);
  }
  const labelled: [string, Record<string, string>][] = [
    ['a1', { app: 'a', tier: 'web' }],
    ['a2', { app: 'a', tier: 'db' }],
    ['b1', { app: 'b', tier: 'web' }],
    ['c1', { app: 'c' }],
    ['n1', {}],
    ['v1', { version: '7' }],
  ];
  for (const [name, labels] of labelled) await srv.post(SEL, configMap(name, { labels }));
});
after(() => srv.close());

const names = (body: { items: { metadata: { name: string } }[] }) => body.items.map((i) => i.metadata.name);

describe('list', () => {
  test('a list carries kind, apiVersion and the current resourceVersion', async () => {
    const res = await srv.get(PAGING);
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'ConfigMapList');
    assert.equal(res.body.apiVersion, 'v1');
    assert.match(res.body.metadata.resourceVersion, /^\d+$/);
    assert.equal(res.body.items.length, 25);
    assert.equal(res.body.metadata.continue, undefined);
  });

  test('a custom resource list has the CRD listKind', async () => {
    await srv.post(WIDGETS, widget('listed'));
    const res = await srv.get(WIDGETS);
    assert.equal(res.body.kind, 'WidgetList');
    assert.equal(res.body.apiVersion, 'example.com/v1');
    assert.equal(res.body.items[0].kind, 'Widget');
  });

  test('limit/continue pages over 25 objects: every item exactly once, remainingItemCount, pinned revision', async () => {
    const seen: string[] = [];
    const first = await srv.get(`${PAGING}?limit=10`);
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 10);
    assert.equal(first.body.metadata.remainingItemCount, 15);
    assert.equal(typeof first.body.metadata.continue, 'string');
    seen.push(...names(first.body));
    const listRV = first.body.metadata.resourceVersion;

    // A write between pages is not visible: continue pages read at the first page's revision.
    assert.equal((await srv.post(PAGING, configMap('cm-99'))).status, 201);

    const second = await srv.get(`${PAGING}?limit=10&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    assert.equal(second.body.items.length, 10);
    assert.equal(second.body.metadata.remainingItemCount, 5);
    assert.equal(second.body.metadata.resourceVersion, listRV);
    seen.push(...names(second.body));

    const third = await srv.get(`${PAGING}?limit=10&continue=${encodeURIComponent(second.body.metadata.continue)}`);
    assert.equal(third.body.items.length, 5);
    assert.equal(third.body.metadata.continue, undefined);
    assert.equal(third.body.metadata.remainingItemCount, undefined);
    seen.push(...names(third.body));

    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
    await srv.del(`${PAGING}/cm-99`);
  });

  test('paging with a label selector returns every match exactly once', async () => {
    const seen: string[] = [];
    let cont = '';
    for (let pages = 0; pages < 20; pages++) {
      const res = await srv.get(`${PAGING}?limit=4&labelSelector=parity%3Dodd${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 4);
      seen.push(...names(res.body));
      cont = res.body.metadata.continue ?? '';
      if (!cont) break;
    }
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => `cm-${String(2 * i + 1).padStart(2, '0')}`));
  });

  test('limit larger than the collection → everything, no continue', async () => {
    const res = await srv.get(`${PAGING}?limit=500`);
    assert.equal(res.body.items.length, 25);
    assert.equal(res.body.metadata.continue, undefined);
  });

  test('a malformed continue token → 400', async () => {
    const res = await srv.get(`${PAGING}?limit=5&continue=garbage`);
    assert.equal(res.status, 400);
    assert.equal(res.body.reason, 'BadRequest');
  });

  test('a continue token older than the compacted revision → 410 Expired', async () => {
    const srv2 = await startTestServer();
    try {
      for (let i = 0; i < 3; i++) await srv2.post('/api/v1/namespaces/default/configmaps', configMap(`e${i}`));
      const first = await srv2.get('/api/v1/namespaces/default/configmaps?limit=1');
      await srv2.post('/api/v1/namespaces/default/configmaps', configMap('e9'));
      await srv2.storage.compact(await srv2.storage.currentRevision());
      const res = await srv2.get(`/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`);
      assert.equal(res.status, 410);
      assert.equal(res.body.reason, 'Expired');
    } finally {
      await srv2.close();
    }
  });

  test(
    'resourceVersionMatch=Exact at a compacted revision → 410 with the list message',
    async () => {
      const srv2 = await startTestServer();
      try {
        const first = await srv2.post('/api/v1/namespaces/default/configmaps', configMap('x1'));
        await srv2.post('/api/v1/namespaces/default/configmaps', configMap('x2'));
        await srv2.storage.compact(await srv2.storage.currentRevision());
        const res = await srv2.get(`/api/v1/namespaces/default/configmaps?resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
        assert.equal(res.status, 410);
        assert.equal(res.body.message, 'The resourceVersion for the provided list is too old.');
      } finally {
        await srv2.close();
      }
    },
  );

  test('cluster-wide list of a namespaced resource spans namespaces', async () => {
    const res = await srv.get('/api/v1/configmaps?fieldSelector=metadata.namespace%3Dsel');
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body).sort(), ['a1', 'a2', 'b1', 'c1', 'n1', 'v1']);
    assert.ok(res.body.items.every((i: { metadata: { namespace: string } }) => i.metadata.namespace === 'sel'));
  });

  test('resourceVersionMatch=Exact lists at an older revision', async () => {
    const before = await srv.get(SEL);
    await srv.post(SEL, configMap('exact-new'));
    const res = await srv.get(`${SEL}?resourceVersion=${before.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(res.status, 200);
    assert.ok(!names(res.body).includes('exact-new'));
    assert.equal(res.body.metadata.resourceVersion, before.body.metadata.resourceVersion);
    await srv.del(`${SEL}/exact-new`);
  });
});

describe('selectors', () => {
  const labelCases: [string, string[]][] = [
    ['app=a', ['a1', 'a2']],
    ['app==a', ['a1', 'a2']],
    ['app!=a', ['b1', 'c1', 'n1', 'v1']],
    ['app in (a,b)', ['a1', 'a2', 'b1']],
    ['app notin (a,b)', ['c1', 'n1', 'v1']],
    ['app', ['a1', 'a2', 'b1', 'c1']],
    ['!app', ['n1', 'v1']],
    ['app=a,tier=web', ['a1']],
    [' app = b ', ['b1']],
    ['version>5', ['v1']],
    ['version<5', []],
  ];
  for (const [selector, want] of labelCases) {
    test(`labelSelector ${JSON.stringify(selector)}`, async () => {
      const res = await srv.get(`${SEL}?labelSelector=${encodeURIComponent(selector)}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(names(res.body).sort(), want);
    });
  }

  const fieldCases: [string, string[]][] = [
    ['metadata.name=b1', ['b1']],
    ['metadata.name==b1', ['b1']],
    ['metadata.name!=b1', ['a1', 'a2', 'c1', 'n1', 'v1']],
    ['metadata.name=nothere', []],
    ['metadata.namespace=sel,metadata.name=a2', ['a2']],
  ];
  for (const [selector, want] of fieldCases) {
    test(`fieldSelector ${JSON.stringify(selector)}`, async () => {
      const res = await srv.get(`${SEL}?fieldSelector=${encodeURIComponent(selector)}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(names(res.body).sort(), want);
    });
  }

  test('label and field selectors combine', async () => {
    const res = await srv.get(`${SEL}?labelSelector=app%3Da&fieldSelector=metadata.name%3Da2`);
    assert.deepEqual(names(res.body), ['a2']);
  });

  test('fieldSelector metadata.name on a custom resource', async () => {
    await srv.post(WIDGETS, widget('fs-one'));
    await srv.post(WIDGETS, widget('fs-two'));
    const res = await srv.get(`${WIDGETS}?fieldSelector=metadata.name%3Dfs-two`);
    assert.deepEqual(names(res.body), ['fs-two']);
  });

  const invalid: [string, string, string | RegExp][] = [
    ['labelSelector', 'app in (a', /./],
    ['labelSelector', 'a=b=c', /./],
    ['labelSelector', '!!app', /./],
    ['fieldSelector', 'x=y', 'field label not supported: x'],
    ['fieldSelector', 'spec.foo=1', 'field label not supported: spec.foo'],
    ['fieldSelector', 'metadata.name', /./],
  ];
  for (const [param, selector, message] of invalid) {
    test(`invalid ${param} ${JSON.stringify(selector)} → 400`, async () => {
      const res = await srv.get(`${SEL}?${param}=${encodeURIComponent(selector)}`);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.kind, 'Status');
      assert.equal(res.body.reason, 'BadRequest');
      if (typeof message === 'string') assert.equal(res.body.message, message);
      else assert.match(res.body.message, message);
    });
  }

  test('type is a selectable field of Secrets only', async () => {
    assert.equal((await srv.get('/api/v1/namespaces/sel/secrets?fieldSelector=type%3DOpaque')).status, 200);
    const res = await srv.get(`${SEL}?fieldSelector=type%3DOpaque`);
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'field label not supported: type');
  });
});

describe('ListOptions validation', () => {
  const cases: [string, string][] = [
    ['resourceVersionMatch=NotOlderThan', 'resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['resourceVersion=0&resourceVersionMatch=Exact', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['sendInitialEvents=true', 'sendInitialEvents is forbidden for list'],
  ];
  for (const [query, text] of cases) {
    test(`${query} → 422 Invalid ListOptions`, async () => {
      const res = await srv.get(`${SEL}?${query}`);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.reason, 'Invalid');
      assert.equal(res.body.details.kind, 'ListOptions');
      assert.equal(res.body.details.group, 'meta.k8s.io');
      assert.ok(res.body.message.includes(text), res.body.message);
    });
  }
});

describe('Table output', () => {
  before(async () => {
    await srv.post('/api/v1/namespaces', { metadata: { name: 'tables' } });
    await srv.post('/apis/example.com/v1/namespaces/tables/widgets', { ...widget('t-big', { size: 10, color: 'red' }), metadata: { name: 't-big', labels: { l: 'v' } } });
    await srv.post('/apis/example.com/v1/namespaces/tables/widgets', widget('t-nosize', { color: 'blue' }));
  });
  const TW = '/apis/example.com/v1/namespaces/tables/widgets';

  test('CRD printer columns: Name + additionalPrinterColumns (no Age added)', async () => {
    const res = await srv.get(TW, { accept: TABLE_ACCEPT });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kind, 'Table');
    assert.equal(res.body.apiVersion, 'meta.k8s.io/v1');
    assert.match(res.body.metadata.resourceVersion, /^\d+$/);
    const cols = res.body.columnDefinitions.map((c: { name: string; type: string; format: string; priority: number }) => [c.name, c.type, c.format, c.priority]);
    assert.deepEqual(cols, [
      ['Name', 'string', 'name', 0],
      ['Size', 'integer', '', 0],
      ['Color', 'string', '', 1],
    ]);
    const desc = res.body.columnDefinitions[1].description;
    assert.equal(desc, 'Custom resource definition column (in JSONPath format): .spec.size');
    assert.deepEqual(
      res.body.rows.map((r: { cells: unknown[] }) => r.cells),
      [
        ['t-big', 10, 'red'],
        ['t-nosize', null, 'blue'],
      ],
    );
  });

  test('rows carry PartialObjectMetadata by default', async () => {
    const res = await srv.get(TW, { accept: TABLE_ACCEPT });
    const obj = res.body.rows[0].object;
    assert.equal(obj.kind, 'PartialObjectMetadata');
    assert.equal(obj.apiVersion, 'meta.k8s.io/v1');
    assert.equal(obj.metadata.name, 't-big');
    assert.equal(obj.metadata.namespace, 'tables');
    assert.deepEqual(obj.metadata.labels, { l: 'v' });
    assert.equal(obj.spec, undefined);
  });

  test('includeObject=Object embeds the full object, None omits it', async () => {
    const full = await srv.get(`${TW}?includeObject=Object`, { accept: TABLE_ACCEPT });
    assert.equal(full.body.rows[0].object.kind, 'Widget');
    assert.deepEqual(full.body.rows[0].object.spec, { size: 10, color: 'red' });
    const none = await srv.get(`${TW}?includeObject=None`, { accept: TABLE_ACCEPT });
    assert.equal(none.body.rows[0].object, undefined);
  });

  test('includeObject with an unknown value → 400', async () => {
    const res = await srv.get(`${TW}?includeObject=Everything`, { accept: TABLE_ACCEPT });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /unrecognized includeObject value/);
  });

  test('GET of one object as Table → one row', async () => {
    const res = await srv.get(`${TW}/t-big`, { accept: TABLE_ACCEPT });
    assert.equal(res.body.kind, 'Table');
    assert.equal(res.body.rows.length, 1);
    assert.deepEqual(res.body.rows[0].cells, ['t-big', 10, 'red']);
  });

  test('noHeaders=true drops columnDefinitions', async () => {
    const res = await srv.get(`${TW}?noHeaders=true`, { accept: TABLE_ACCEPT });
    assert.ok(!res.body.columnDefinitions || res.body.columnDefinitions.length === 0);
    assert.equal(res.body.rows.length, 2);
  });

  test('built-in ConfigMap table: Name, Data, Age', async () => {
    const res = await srv.get(SEL, { accept: TABLE_ACCEPT });
    assert.deepEqual(
      res.body.columnDefinitions.map((c: { name: string }) => c.name),
      ['Name', 'Data', 'Age'],
    );
    const row = res.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'a1');
    assert.equal(row.cells[1], 1);
    assert.match(row.cells[2], /^\d+s$/);
  });

  test('a table list with limit carries continue', async () => {
    const res = await srv.get(`${PAGING}?limit=10`, { accept: TABLE_ACCEPT });
    assert.equal(res.body.rows.length, 10);
    assert.equal(typeof res.body.metadata.continue, 'string');
    assert.equal(res.body.metadata.remainingItemCount, 15);
  });

  test('plain application/json Accept → a normal list', async () => {
    const res = await srv.get(TW, { accept: 'application/json' });
    assert.equal(res.body.kind, 'WidgetList');
  });
});
