/** Pure parts: SemVer, routes (incl. the /api/ split with the Kubernetes API), archive validation, index rendering. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { parse } from 'yaml';
import { tarBuffer } from '../packages/index.ts';
import { inspectChart } from './chart-archive.ts';
import { checkProvenance } from './provenance.ts';
import { RepoIndex } from './repo-index.ts';
import { isChartRepositoryPath, parseChartRoute } from './routes.ts';
import { compareVersions, parseSemver } from './semver.ts';
import { chartTgz, provenance, withSymlink } from './testing.ts';
import type { ChartEntry } from './types.ts';

test('SemVer 2: valid and invalid versions', () => {
  for (const v of ['1.2.3', 'v1.2.3', '0.0.0', '1.0.0-rc.1', '1.0.0-alpha.beta-1', '1.0.0+build.5', '1.0.0-0.3.7+x']) assert.ok(parseSemver(v), v);
  for (const v of ['1.2', '1', '01.2.3', '1.02.3', '1.2.3-', '1.2.3-01', '1.2.3+', 'latest', '../1.0.0', '1.2.3 ', '']) assert.equal(parseSemver(v), undefined, v);
});

test('SemVer precedence, as semver.org §11', () => {
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', '2.0.0'];
  const shuffled = [...ordered].reverse();
  assert.deepEqual(shuffled.sort(compareVersions), ordered);
  assert.equal(compareVersions('1.0.0+a', '1.0.0+b'), 0);
});

test('routes: /api/<repo>/charts is ours, the Kubernetes core API is not', () => {
  const ours = ['/charts/public-charts/index.yaml', '/charts/x/charts/a-1.0.0.tgz', '/api/public-charts/charts', '/api/public-charts/charts/', '/api/public-charts/charts/demo', '/api/public-charts/charts/demo/1.0.0', '/api/public-charts/prov', '/charts'];
  const kube = ['/api', '/api/', '/api/v1', '/api/v1/namespaces', '/api/v1/charts', '/api/v1/namespaces/default/pods', '/api/v1/charts/x', '/apis/app.alauda.io/v1beta1/chartrepos', '/api/public-charts', '/api/public-charts/pods', '/chartsx', '/kubernetes/c1/api/v1/pods'];
  for (const p of ours) assert.equal(isChartRepositoryPath(p), true, p);
  for (const p of kube) assert.equal(isChartRepositoryPath(p), false, p);
  assert.equal(parseChartRoute('/api/v1/pods'), undefined);
});

test('routes: parsed shapes; traversal and bad names are unknown', () => {
  assert.deepEqual(parseChartRoute('/charts/public-charts/index.yaml'), { kind: 'index', repo: 'public-charts' });
  assert.deepEqual(parseChartRoute('/charts/public-charts/charts/demo-1.0.0.tgz.prov'), { kind: 'file', repo: 'public-charts', file: 'demo-1.0.0.tgz.prov' });
  assert.deepEqual(parseChartRoute('/charts/public-charts/demo-1.0.0.tgz'), { kind: 'file', repo: 'public-charts', file: 'demo-1.0.0.tgz' });
  assert.deepEqual(parseChartRoute('/api/public-charts/charts/demo/1.0.0+build'), { kind: 'version', repo: 'public-charts', chart: 'demo', version: '1.0.0+build' });
  assert.deepEqual(parseChartRoute('/api/r/charts'), { kind: 'charts', repo: 'r' });
  for (const p of ['/charts/../etc/index.yaml', '/charts/%2e%2e/index.yaml', '/charts/public-charts/%2e%2e/x.tgz', '/charts/Public/index.yaml', '/api/r/charts/a/b/c', '/charts/r/x/y/z.tgz', '/charts/r/charts/a%2fb.tgz']) {
    assert.deepEqual(parseChartRoute(p), { kind: 'unknown' }, p);
  }
});

test('inspectChart: metadata (known fields only, strings coerced) and digest', async () => {
  const tgz = chartTgz('demo', '1.2.3', { chartYaml: 'apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: 1.10\nkeywords: [a, b]\nmaintainers: [{name: me, email: m@x.io, extra: 1}]\nannotations: {n: 5}\nunknownField: x\ndependencies: [{name: d, version: 1.0.0, repository: "https://x", bogus: 1}]\n' });
  const c = await inspectChart(tgz);
  assert.equal(c.digest, createHash('sha256').update(tgz).digest('hex'));
  assert.deepEqual(c.metadata, { apiVersion: 'v2', name: 'demo', version: '1.2.3', appVersion: '1.1', keywords: ['a', 'b'], maintainers: [{ name: 'me', email: 'm@x.io' }], annotations: { n: '5' }, dependencies: [{ name: 'd', version: '1.0.0', repository: 'https://x' }] });
});

test('inspectChart refuses non-charts, bad metadata and hostile entries with clear errors', async () => {
  const cases: [string, Buffer, RegExp][] = [
    ['not gzip', Buffer.from('hello'), /not a gzip-compressed tar/],
    ['gzip, not tar', gzipSync(Buffer.from('x'.repeat(600))), /not a Helm chart/],
    ['no Chart.yaml', gzipSync(tarBuffer([{ path: 'demo/values.yaml', data: Buffer.from('a: 1') }])), /has no demo\/Chart.yaml/],
    ['bad name', chartTgz('demo', '1.0.0', { chartYaml: 'apiVersion: v2\nname: "../evil"\nversion: 1.0.0\n' }), /name "..\/evil" is invalid/],
    ['bad version', chartTgz('demo', '1.0', { chartYaml: 'apiVersion: v2\nname: demo\nversion: "1.0"\n' }), /version "1.0" is not a valid SemVer 2/],
    ['no apiVersion', chartTgz('demo', '1.0.0', { chartYaml: 'name: demo\nversion: 1.0.0\n' }), /apiVersion is required/],
    ['bad yaml', chartTgz('demo', '1.0.0', { chartYaml: 'name: [\n' }), /invalid Chart.yaml/],
    ['traversal', chartTgz('demo', '1.0.0', { extra: { 'demo/../../etc/passwd': 'x' } }), /escapes the chart directory \(path traversal\)/],
    ['absolute', gzipSync(tarBuffer([{ path: '/etc/demo/Chart.yaml', data: Buffer.from('x') }])), /absolute path|escapes|not inside/],
    ['two top dirs', chartTgz('demo', '1.0.0', { extra: { 'other/file': 'x' } }), /outside the chart directory "demo\/"/],
    ['symlink', withSymlink('demo', '/etc/passwd'), /SymbolicLink; chart archives may only hold regular files/],
  ];
  for (const [what, tgz, message] of cases) await assert.rejects(inspectChart(tgz), (err: Error & { code?: number }) => err.code === 400 && message.test(err.message), what);
});

test('provenance: accepted when it names this archive, refused otherwise', async () => {
  const tgz = chartTgz('demo', '1.0.0');
  const chart = await inspectChart(tgz);
  await checkProvenance(await provenance('demo', '1.0.0', chart.digest), chart);
  await assert.rejects(checkProvenance(await provenance('demo', '1.0.0', 'ab'.repeat(32)), chart), /checksum sha256:abab.* does not match the chart archive/);
  await assert.rejects(checkProvenance(await provenance('other', '1.0.0', chart.digest), chart), /it is for chart other 1.0.0, not demo 1.0.0/);
  await assert.rejects(checkProvenance(Buffer.from('not signed'), chart), /not an OpenPGP clear-signed message/);
});

function entry(name: string, version: string, source: 'upload' | 'oci' = 'upload', digest = 'aa'): ChartEntry {
  return { metadata: { apiVersion: 'v2', name, version }, digest, size: 1, created: '2026-01-01T00:00:00.000Z', source, hasProvenance: false };
}

test('RepoIndex: newest first, uploads over OCI, Helm-readable YAML, cached until a change', () => {
  const idx = new RepoIndex('r');
  assert.deepEqual(parse(idx.render()).entries, {});
  for (const v of ['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1']) idx.set(entry('b', v));
  idx.set(entry('a', '0.1.0', 'oci', 'cc'));
  idx.set(entry('b', '1.2.0', 'oci', 'dd'));
  const first = idx.render();
  assert.equal(idx.render(), first);
  const doc = parse(first);
  assert.equal(doc.apiVersion, 'v1');
  assert.deepEqual(Object.keys(doc.entries), ['a', 'b']);
  assert.deepEqual(doc.entries.b.map((e: { version: string }) => e.version), ['2.0.0-rc.1', '1.10.0', '1.2.0', '1.0.0']);
  assert.equal(doc.entries.b[2].digest, 'aa');
  assert.deepEqual(doc.entries.b[0].urls, ['charts/b-2.0.0-rc.1.tgz']);
  assert.equal(doc.entries.a[0].created, '2026-01-01T00:00:00.000Z');
  idx.remove('upload', 'b', '1.2.0');
  const second = idx.render();
  assert.notEqual(second, first);
  assert.equal(parse(second).entries.b[2].digest, 'dd');
  assert.equal(idx.size(), 5);
});
