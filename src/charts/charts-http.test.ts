/** Integration: the chart repository over HTTP — uploads, conflicts, deletes, auth, bad input, persistence, OCI charts. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import type { TestRegistry } from '../registry/testing.ts';
import { call, pushBlob, startTestRegistry } from '../registry/testing.ts';
import type { ChartRepository } from './index.ts';
import { createChartRepository } from './index.ts';
import { chartTgz, provenance, req, serve, testAuth } from './testing.ts';

let root: string;
let reg: TestRegistry;
let charts: ChartRepository;
let srv: { base: string; close(): Promise<void> };

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'charts-test-'));
  reg = await startTestRegistry({ onManifest: (e) => charts.onManifest(e) });
  charts = createChartRepository({ root, auth: testAuth(), registry: reg.registry.content });
  await charts.start();
  srv = await serve(charts);
});
after(async () => {
  await srv?.close();
  await reg?.stop();
  rmSync(root, { recursive: true, force: true });
});

const index = async () => parse(await (await req(srv.base, '/charts/public-charts/index.yaml')).text());
const u8 = (b: Buffer) => new Uint8Array(b);
const upload = (body: Buffer | FormData, query = '', headers: Record<string, string> = {}, user: 'admin' | 'viewer' | null = 'admin') => req(srv.base, `/api/public-charts/charts${query}`, { method: 'POST', body: Buffer.isBuffer(body) ? u8(body) : body, headers, user });

test('raw upload → index.yaml entry with digest, urls, created; archive served byte for byte', async () => {
  const tgz = chartTgz('alpha', '1.0.0');
  const r = await upload(tgz);
  assert.equal(r.status, 201, await r.clone().text());
  const e = (await index()).entries.alpha[0];
  assert.equal(e.digest, createHash('sha256').update(tgz).digest('hex'));
  assert.deepEqual(e.urls, ['charts/alpha-1.0.0.tgz']);
  assert.ok(!Number.isNaN(Date.parse(e.created)));
  assert.equal(e.appVersion, '1.0');
  const got = Buffer.from(await (await req(srv.base, '/charts/public-charts/charts/alpha-1.0.0.tgz')).arrayBuffer());
  assert.deepEqual(got, tgz);
});

test('same content again is a 200 no-op; different content 409 unless ?force=true', async () => {
  const tgz = chartTgz('beta', '1.0.0');
  assert.equal((await upload(tgz)).status, 201);
  const created = (await index()).entries.beta[0].created;
  const again = await upload(tgz);
  assert.equal(again.status, 200);
  assert.equal((await again.json()).saved, false);
  assert.equal((await index()).entries.beta[0].created, created);
  const other = chartTgz('beta', '1.0.0', { extra: { 'beta/values.yaml': 'message: changed\n' } });
  const conflict = await upload(other);
  assert.equal(conflict.status, 409);
  const body = await conflict.json();
  assert.equal(body.reason, 'Conflict');
  assert.match(body.error, /chart beta version 1.0.0 already exists in repository "public-charts" with different content.*force=true/);
  assert.equal((await upload(other, '?force=true')).status, 201);
  assert.equal((await index()).entries.beta[0].digest, createHash('sha256').update(other).digest('hex'));
});

test('multipart chart + prov; .prov served; mismatched provenance refused and index unchanged', async () => {
  const tgz = chartTgz('gamma', '0.1.0');
  const digest = createHash('sha256').update(tgz).digest('hex');
  const good = new FormData();
  good.append('chart', new Blob([u8(tgz)]), 'gamma-0.1.0.tgz');
  good.append('prov', new Blob([u8(await provenance('gamma', '0.1.0', digest))]), 'gamma-0.1.0.tgz.prov');
  assert.equal((await upload(good)).status, 201);
  const prov = await req(srv.base, '/charts/public-charts/charts/gamma-0.1.0.tgz.prov');
  assert.equal(prov.status, 200);
  assert.match(await prov.text(), /BEGIN PGP SIGNED MESSAGE/);
  const before = await (await req(srv.base, '/charts/public-charts/index.yaml')).text();
  const bad = new FormData();
  const tgz2 = chartTgz('gamma', '0.2.0');
  bad.append('chart', new Blob([u8(tgz2)]), 'gamma-0.2.0.tgz');
  bad.append('prov', new Blob([u8(await provenance('gamma', '0.2.0', digest))]), 'x.prov');
  const r = await upload(bad);
  assert.equal(r.status, 400);
  assert.match((await r.json()).error, /invalid provenance file: its checksum .* does not match the chart archive/);
  assert.equal(await (await req(srv.base, '/charts/public-charts/index.yaml')).text(), before);
});

test('bad uploads: 400 with clear errors, index unchanged', async () => {
  const before = await (await req(srv.base, '/charts/public-charts/index.yaml')).text();
  const cases: [Buffer, RegExp][] = [
    [Buffer.from('just text'), /not a gzip-compressed tar/],
    [chartTgz('bad', '1.0', { chartYaml: 'apiVersion: v2\nname: bad\nversion: "1.0"\n' }), /not a valid SemVer 2/],
    [chartTgz('Bad Name', '1.0.0', { top: 'bad', chartYaml: 'apiVersion: v2\nname: "Bad Name"\nversion: 1.0.0\n' }), /name "Bad Name" is invalid/],
    [chartTgz('trav', '1.0.0', { extra: { 'trav/../../x': 'x' } }), /path traversal/],
  ];
  for (const [body, message] of cases) {
    const r = await upload(body);
    assert.equal(r.status, 400);
    assert.match((await r.json()).message, message);
  }
  assert.equal((await upload(Buffer.alloc(0))).status, 400);
  assert.equal(await (await req(srv.base, '/charts/public-charts/index.yaml')).text(), before);
});

test('ChartMuseum reads and DELETE; unknown repository 404; methods', async () => {
  await upload(chartTgz('delta', '1.0.0'));
  await upload(chartTgz('delta', '1.1.0'));
  const all = await (await req(srv.base, '/api/public-charts/charts')).json();
  assert.deepEqual(all.delta.map((v: { version: string }) => v.version), ['1.1.0', '1.0.0']);
  assert.equal((await (await req(srv.base, '/api/public-charts/charts/delta/1.0.0')).json()).version, '1.0.0');
  assert.equal((await req(srv.base, '/api/public-charts/charts/delta/9.9.9')).status, 404);
  assert.equal((await req(srv.base, '/api/public-charts/charts/delta/1.0.0', { method: 'DELETE' })).status, 200);
  assert.deepEqual((await index()).entries.delta.map((v: { version: string }) => v.version), ['1.1.0']);
  assert.equal((await req(srv.base, '/charts/public-charts/charts/delta-1.0.0.tgz')).status, 404);
  assert.equal((await req(srv.base, '/api/public-charts/charts/delta/1.0.0', { method: 'DELETE' })).status, 404);
  const missing = await req(srv.base, '/charts/nope/index.yaml');
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).message, /chart repository "nope" does not exist/);
  assert.equal((await req(srv.base, '/charts/public-charts/index.yaml', { method: 'PUT' })).status, 405);
  assert.equal((await req(srv.base, '/api/v1/namespaces')).status, 418);
});

test('auth: reads need an account, writes an admin; Bearer works; 401 carries a Basic challenge', async () => {
  const anon = await req(srv.base, '/charts/public-charts/index.yaml', { user: null });
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  assert.equal((await req(srv.base, '/charts/public-charts/index.yaml', { user: 'viewer' })).status, 200);
  const denied = await upload(chartTgz('eps', '1.0.0'), '', {}, 'viewer');
  assert.equal(denied.status, 403);
  assert.match((await denied.json()).message, /user "viewer" may not change chart repository "public-charts"/);
  assert.equal((await req(srv.base, '/api/public-charts/charts', { method: 'POST', body: u8(chartTgz('eps', '1.0.0')), user: null, headers: { Authorization: 'Bearer admin-token' } })).status, 201);
  const open = createChartRepository({ root, auth: testAuth(), anonymousGet: true });
  await open.start();
  const s2 = await serve(open);
  try {
    assert.equal((await req(s2.base, '/charts/public-charts/index.yaml', { user: null })).status, 200);
    assert.equal((await req(s2.base, '/api/public-charts/charts', { method: 'POST', body: u8(chartTgz('z', '1.0.0')), user: null })).status, 401);
  } finally {
    await s2.close();
  }
});

test('persistence: a new instance on the same directory serves the same index', async () => {
  const again = createChartRepository({ root, auth: testAuth() });
  await again.start();
  const uploads = (e: Record<string, { digest: string }[]>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.map((x) => x.digest)]));
  const mine = parse(charts.service.repo('public-charts').render()).entries;
  const theirs = parse(again.service.repo('public-charts').render()).entries;
  for (const name of ['alpha', 'beta', 'gamma', 'delta', 'eps']) assert.deepEqual(uploads(theirs)[name], uploads(mine)[name], name);
});

test('Helm OCI charts pushed under <repo>/ are listed and served; delete removes them', async () => {
  const tgz = chartTgz('ocichart', '2.0.0');
  const config = JSON.stringify({ apiVersion: 'v2', name: 'ocichart', version: '2.0.0', description: 'from oci' });
  const name = 'public-charts/ocichart';
  const configDesc = { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: await pushBlob(reg, name, config), size: config.length };
  const layer = { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: await pushBlob(reg, name, tgz), size: tgz.length };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configDesc, layers: [layer], annotations: { 'org.opencontainers.image.created': '2026-02-03T04:05:06Z' } }));
  assert.equal((await call(reg, `/v2/${name}/manifests/2.0.0`, { method: 'PUT', body: manifest, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } })).status, 201);
  const e = (await index()).entries.ocichart[0];
  assert.equal(e.digest, layer.digest.slice(7));
  assert.equal(e.created, '2026-02-03T04:05:06.000Z');
  assert.equal(e.description, 'from oci');
  assert.deepEqual(Buffer.from(await (await req(srv.base, '/charts/public-charts/charts/ocichart-2.0.0.tgz')).arrayBuffer()), tgz);
  const fresh = createChartRepository({ root, auth: testAuth(), registry: reg.registry.content });
  await fresh.start();
  assert.equal(parse(fresh.service.repo('public-charts').render()).entries.ocichart[0].digest, e.digest);
  const del = await req(srv.base, '/api/public-charts/charts/ocichart/2.0.0', { method: 'DELETE' });
  assert.equal(del.status, 409);
  assert.match((await del.json()).message, /is an OCI chart; delete it from the registry/);
  assert.equal((await call(reg, `/v2/${name}/manifests/2.0.0`, { method: 'DELETE' })).status, 202);
  assert.equal((await index()).entries.ocichart, undefined);
});
