/**
 * The chart repository through real clients: helm (v4 and v3) repo add / search / pull / template /
 * install --dry-run, helm push/pull oci:// round trip listed in index.yaml, violet push of a chart package
 * (appears within a second, re-push no-op, different build refused without --force), bad uploads refused
 * with the index unchanged, and the Kubernetes core API at /api still answering beside ChartMuseum's /api/<repo>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PlatformProcess, ROOT, ok, violet } from './harness.ts';
import { packageSource } from '../../src/violet/authoring/build.ts';
import { chartTgz } from '../../src/charts/testing.ts';

const PW = 'Passw0rd!';
const p = new PlatformProcess();
let ca = '';
let chartPkg = '';
let changedPkg = '';

before(async () => {
  await p.start();
  ca = join(p.dataDir, 'ca.crt');
  chartPkg = (await packageSource(join(ROOT, 'examples', 'chart', 'demo-chart'), { outDir: mkdtempSync(join(tmpdir(), 'mp-charts-pkg-')) })).file;
  const changed = join(mkdtempSync(join(tmpdir(), 'mp-charts-src-')), 'demo-chart');
  cpSync(join(ROOT, 'examples', 'chart', 'demo-chart'), changed, { recursive: true });
  writeFileSync(join(changed, 'values.yaml'), `${readFileSync(join(changed, 'values.yaml'), 'utf8')}\nrebuilt: true\n`);
  changedPkg = (await packageSource(changed, { outDir: mkdtempSync(join(tmpdir(), 'mp-charts-pkg2-')) })).file;
});
after(async () => {
  await p.stop();
  p.cleanup();
});

/** One HTTPS request to the platform (Basic admin unless `auth` is given, '' for none). */
function api(method: string, path: string, body?: Buffer, auth = `Basic ${Buffer.from(`admin:${PW}`).toString('base64')}`): Promise<{ status: number; text: string; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const url = new URL(path, p.url);
    const headers: Record<string, string | number> = auth ? { Authorization: auth } : {};
    if (body) headers['Content-Length'] = body.length;
    const req = request(url, { method, ca: readFileSync(ca), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const indexYaml = async () => (await api('GET', '/charts/public-charts/index.yaml')).text;
const entries = async () => parse(await indexYaml()).entries ?? {};
const pushFlags = () => ['--platform-address', p.url, '--platform-username', 'admin', '--platform-password', PW, '--ca-file', ca];

test('the default ChartRepo public-charts exists and points at the platform', async () => {
  const out = ok(await p.kubectl(['get', 'chartrepos', '-n', 'cpaas-system']), 'get chartrepos');
  assert.match(out, new RegExp(`public-charts\\s+${p.url.replace(/[.]/g, '\\.')}/charts/public-charts\\s+Synced`));
});

test('violet push of a chart package: in index.yaml within a second, re-push no-op, other build refused without --force', async () => {
  const r = await violet(['push', chartPkg, ...pushFlags()]);
  const pushedAt = Date.now();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /chart demo-chart 1.2.0 uploaded to chart repository public-charts/);
  let seen = 0;
  while (!(await entries())['demo-chart']) assert.ok(Date.now() - pushedAt < 1000, 'demo-chart not in index.yaml within 1 s');
  seen = Date.now() - pushedAt;
  assert.ok(seen < 1000);
  const first = (await entries())['demo-chart'][0];
  assert.equal(first.version, '1.2.0');
  assert.match(ok(await p.kubectl(['get', 'artifactversions', '-n', 'cpaas-system']), 'avs'), /demo-chart.v1.2.0/);

  const again = await violet(['push', chartPkg, ...pushFlags()]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /chart demo-chart 1.2.0 is already in chart repository public-charts/);
  assert.deepEqual((await entries())['demo-chart'][0], first);

  const before = await indexYaml();
  const refused = await violet(['push', changedPkg, ...pushFlags()]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout, /FAILED .*chart demo-chart 1.2.0 already exists in chart repository "public-charts" with different content.*--force/);
  assert.equal(await indexYaml(), before);

  const forced = await violet(['push', changedPkg, ...pushFlags(), '--force']);
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  assert.match(forced.stderr, /chart demo-chart 1.2.0 replaced in chart repository public-charts/);
  assert.notEqual((await entries())['demo-chart'][0].digest, first.digest);
});

test('helm repo add / search / pull (digest checked) / template / install --dry-run, helm 4 and helm 3', async () => {
  for (const v of [4, 3] as const) {
    const name = `pc${v}`;
    ok(await p.helm(['repo', 'add', name, `${p.url}/charts/public-charts`, '--ca-file', ca, '--username', 'admin', '--password', PW], v), `helm${v} repo add`);
    assert.match(ok(await p.helm(['search', 'repo', `${name}/demo-chart`], v), 'search'), new RegExp(`${name}/demo-chart\\s+1\\.2\\.0\\s+1\\.2\\.0`));
    const dir = mkdtempSync(join(tmpdir(), 'mp-pull-'));
    ok(await p.helm(['pull', `${name}/demo-chart`, '--version', '1.2.0', '-d', dir], v), `helm${v} pull`);
    const rendered = ok(await p.helm(['template', 'demo', join(dir, 'demo-chart-1.2.0.tgz')], v), 'template');
    assert.match(rendered, /kind: ConfigMap/);
    const dry = ok(await p.helm(['install', `demo${v}`, `${name}/demo-chart`, '--version', '1.2.0', '--dry-run=server', '--namespace', 'default'], v), `helm${v} install --dry-run`);
    assert.match(dry, new RegExp(`NAME: demo${v}`));
    assert.match(dry, /kind: ConfigMap/);
  }
});

test('helm push oci:// → helm pull oci:// round trip, listed in index.yaml and pullable over HTTP too', async () => {
  const host = new URL(p.url).host;
  const dir = mkdtempSync(join(tmpdir(), 'mp-oci-'));
  const tgz = join(dir, 'ocidemo-0.3.0.tgz');
  writeFileSync(tgz, chartTgz('ocidemo', '0.3.0'));
  ok(await p.helm(['registry', 'login', host, '--username', 'admin', '--password', PW, '--ca-file', ca]), 'registry login');
  ok(await p.helm(['push', tgz, `oci://${host}/public-charts`, '--ca-file', ca]), 'helm push');
  const out = mkdtempSync(join(tmpdir(), 'mp-oci-pull-'));
  ok(await p.helm(['pull', `oci://${host}/public-charts/ocidemo`, '--version', '0.3.0', '-d', out, '--ca-file', ca]), 'helm pull oci');
  assert.deepEqual(readFileSync(join(out, 'ocidemo-0.3.0.tgz')), readFileSync(tgz));
  const e = (await entries()).ocidemo?.[0];
  assert.equal(e?.version, '0.3.0');
  ok(await p.helm(['repo', 'update', 'pc4']), 'repo update');
  const http = mkdtempSync(join(tmpdir(), 'mp-oci-http-'));
  ok(await p.helm(['pull', 'pc4/ocidemo', '--version', '0.3.0', '-d', http]), 'helm pull over HTTP');
  assert.deepEqual(readFileSync(join(http, 'ocidemo-0.3.0.tgz')), readFileSync(tgz));
});

test('bad uploads are refused with clear errors and the index is unchanged', async () => {
  const before = await indexYaml();
  const cases: [Buffer, RegExp][] = [
    [Buffer.from('definitely not a chart'), /not a gzip-compressed tar archive/],
    [chartTgz('x', '1.0.0', { chartYaml: 'apiVersion: v2\nname: "x/../y"\nversion: 1.0.0\n' }), /name "x\/..\/y" is invalid/],
    [chartTgz('x', '1.0', { chartYaml: 'apiVersion: v2\nname: x\nversion: "1.0"\n' }), /version "1.0" is not a valid SemVer 2 version/],
    [chartTgz('x', '1.0.0', { extra: { 'x/../../../etc/cron.d/evil': 'x' } }), /escapes the chart directory \(path traversal\)/],
  ];
  for (const [body, message] of cases) {
    const r = await api('POST', '/api/public-charts/charts', body);
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error, message);
  }
  const viewer = await api('POST', '/api/public-charts/charts', chartTgz('x', '1.0.0'), '');
  assert.equal(viewer.status, 401);
  assert.equal(await indexYaml(), before);
});

test('/api/<repo>/charts and the Kubernetes core API share /api without confusion', async () => {
  const token = `Bearer ${p.token()}`;
  const versions = await api('GET', '/api', undefined, token);
  assert.equal(versions.json.kind, 'APIVersions');
  assert.equal((await api('GET', '/api/v1/namespaces', undefined, token)).json.kind, 'NamespaceList');
  const charts = await api('GET', '/api/public-charts/charts', undefined, token);
  assert.equal(charts.status, 200);
  assert.ok(charts.json['demo-chart']);
  assert.match(ok(await p.kubectl(['get', 'ns', 'default']), 'kubectl get ns'), /default\s+Active/);
});

test('the cluster agent installs a chart from public-charts by name and version (Helm HTTP repository)', async () => {
  // demo-chart 1.2.0 is in public-charts since the violet push test above.
  const appRelease = `apiVersion: operator.alauda.io/v1alpha1
kind: AppRelease
metadata:
  name: demo-from-repo
  namespace: default
spec:
  destination: {cluster: global, namespace: default}
  source:
    repoURL: ${p.url}/charts/public-charts
    charts:
    - {name: demo-chart, releaseName: demo, targetRevision: 1.2.0, values: {message: from the chart repository}}
`;
  ok(await p.kubectl(['apply', '-f', '-'], appRelease), 'apply AppRelease');
  const deadline = Date.now() + 20_000;
  let message = '';
  while (Date.now() < deadline && !message) {
    const r = await p.kubectl(['-n', 'default', 'get', 'configmap', 'demo-config', '-o', 'jsonpath={.data.message}']);
    message = r.code === 0 ? r.stdout : '';
    if (!message) await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(message, 'from the chart repository', ok(await p.kubectl(['-n', 'default', 'get', 'ars', 'demo-from-repo', '-o', 'yaml']), 'ars'));
  const ars = JSON.parse(ok(await p.kubectl(['-n', 'default', 'get', 'ars', 'demo-from-repo', '-o', 'json']), 'ars'));
  assert.equal(ars.status.charts['demo-chart'].phase, 'Success');
  assert.equal(ars.status.charts['demo-chart'].installedRevision, '1.2.0');
  ok(await p.kubectl(['-n', 'default', 'delete', 'ars', 'demo-from-repo', '--wait=true', '--timeout=20s']), 'delete');
  assert.notEqual((await p.kubectl(['-n', 'default', 'get', 'configmap', 'demo-config'])).code, 0, 'uninstalled');
});
