import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

// Bulk upgrade (product document "升级流程": 批量升级 … 仅 灵雀云 提供的 Operators 支持批量升级).
const p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgs = '';

before(async () => {
  await p.start();
  pkgs = mkdtempSync(join(tmpdir(), 'mp-olm-bulk-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-olm-bulk-work-')));
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const push = (file: string) => violetPush(p, join(pkgs, file), PW);
const sh = (line: string) => shell(p, line);
const subscribe = (ns: string, pkg: string) =>
  p.kubectl(['apply', '-f', tempFile('sub.yaml', `apiVersion: operators.coreos.com/v1alpha1
kind: Subscription
metadata:
  name: ${pkg}
  namespace: ${ns}
  annotations:
    cpaas.io/target-namespaces: ""
spec:
  channel: stable
  installPlanApproval: Manual
  name: ${pkg}
  source: platform
  sourceNamespace: cpaas-system
`)]);
const planOf = async (ns: string, sub: string) => (await sh(`kubectl -n ${ns} get subscription ${sub} -o jsonpath='{.status.installPlanRef.name}'`)).trim();
const approve = (ns: string, sub: string) =>
  sh(`PLAN="$(kubectl -n ${ns} get subscription ${sub} -o jsonpath='{.status.installPlanRef.name}')"; kubectl -n ${ns} patch installplan "$PLAN" --type=json -p='[{"op": "replace", "path": "/spec/approved", "value": true}]'`);
/** A platform endpoint called with a bearer token; resolves with the status and parsed body. */
const call = (method: string, path: string, token: string) =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(`${p.url}${path}`, { method, ca: readFileSync(join(p.dataDir, 'ca.crt')), headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end();
  });

const HARBOR = [
  ['bulk-h1', 'harbor-ce-operator'],
  ['bulk-h2', 'harbor-ce-operator'],
] as const;
const CLICKHOUSE = ['bulk-ch', 'clickhouse-operator'] as const;
const ALL = [...HARBOR, CLICKHOUSE];

test('approve-upgrades approves exactly the pending Alauda upgrades of the cluster', async () => {
  await push('harbor-ce-operator.stable.ALL.v2.12.10.tgz');
  await push('clickhouse-operator.stable.ALL.v0.18.2.tgz');
  for (const [ns, pkg] of ALL) {
    await sh(`kubectl create namespace ${ns}`);
    ok(await subscribe(ns, pkg), `subscribe ${ns}`);
  }
  for (const [ns, pkg] of ALL) await until(`first plan in ${ns}`, async () => /^install-/.test(await planOf(ns, pkg)));
  assert.match(ok(await p.marketplace(['operators', 'upgrades']), 'upgrades'), /no pending Alauda operator upgrades in cluster global/, 'first installs are not upgrades');
  for (const [ns, pkg] of ALL) await approve(ns, pkg);
  for (const [ns] of HARBOR) await until(`2.12.10 Succeeded in ${ns}`, async () => /harbor-ce-operator.v2.12.10.*Succeeded/.test(await sh(`kubectl -n ${ns} get csv`)), 60_000);
  await until('0.18.2 Succeeded', async () => /clickhouse-operator.v0.18.2.*Succeeded/.test(await sh(`kubectl -n ${CLICKHOUSE[0]} get csv`)), 60_000);
  const firstPlans = new Map<string, string>();
  for (const [ns, pkg] of ALL) firstPlans.set(ns, await planOf(ns, pkg));

  await push('harbor-ce-operator.stable.ALL.v2.12.11.tgz');
  await push('clickhouse-operator.stable.ALL.v0.18.3.tgz');
  for (const [ns, pkg] of ALL) {
    await until(`upgrade plan pending in ${ns}`, async () => {
      const plan = await planOf(ns, pkg);
      return plan !== firstPlans.get(ns) && /\s+Manual\s+false/.test(await sh(`kubectl -n ${ns} get installplan ${plan}`));
    });
  }
  const upgradePlans = new Map<string, string>();
  for (const [ns, pkg] of ALL) upgradePlans.set(ns, await planOf(ns, pkg));

  const list = ok(await p.marketplace(['operators', 'upgrades', '--cluster', 'global']), 'upgrades');
  const lines = list.trim().split('\n');
  assert.match(lines[0], /^NAMESPACE\s+PACKAGE\s+FROM\s+TO\s+INSTALLPLAN$/);
  assert.equal(lines.length, 3, list);
  for (const [i, [ns]] of HARBOR.entries()) {
    assert.match(lines[i + 1], new RegExp(`^${ns}\\s+harbor-ce-operator\\s+harbor-ce-operator.v2.12.10\\s+harbor-ce-operator.v2.12.11\\s+${upgradePlans.get(ns)}$`));
  }
  assert.doesNotMatch(list, /clickhouse/);
  assert.match(await sh('kubectl -n bulk-h1 get csv'), /harbor-ce-operator.v2.12.10.*Succeeded/, 'listing approves nothing');

  const approved = ok(await p.marketplace(['operators', 'approve-upgrades']), 'approve-upgrades');
  assert.match(approved, /approved 2 Alauda operator upgrade\(s\) in cluster global/);
  for (const [ns] of HARBOR) assert.match(approved, new RegExp(`${ns}\\s+harbor-ce-operator\\s+harbor-ce-operator.v2.12.10\\s+harbor-ce-operator.v2.12.11\\s+${upgradePlans.get(ns)}`));
  assert.doesNotMatch(approved, /clickhouse/);

  for (const [ns] of HARBOR) {
    assert.match(await sh(`kubectl -n ${ns} get installplan ${upgradePlans.get(ns)} -o jsonpath={.spec.approved}`), /^true$/);
    await until(`2.12.11 Succeeded in ${ns}, 2.12.10 gone`, async () => {
      const csv = await sh(`kubectl -n ${ns} get csv`);
      return /harbor-ce-operator.v2.12.11\s+Alauda Build of Harbor\s+2.12.11\s+harbor-ce-operator.v2.12.10\s+Succeeded/.test(csv) && !/v2.12.10\s+Alauda/.test(csv);
    }, 60_000);
  }
  const [chNs] = CLICKHOUSE;
  assert.equal((await sh(`kubectl -n ${chNs} get installplan ${upgradePlans.get(chNs)} -o jsonpath={.spec.approved}`)).trim(), 'false', 'the Community plan stays unapproved');
  assert.match(await sh(`kubectl -n ${chNs} get csv`), /clickhouse-operator.v0.18.2.*Succeeded/);
  assert.doesNotMatch(await sh(`kubectl -n ${chNs} get csv`), /v0.18.3/);
  assert.match(ok(await p.marketplace(['operators', 'approve-upgrades']), 'approve again'), /no pending Alauda operator upgrades in cluster global/);
});

test('the endpoint is for platform admins and names unknown clusters', async () => {
  ok(await p.marketplace(['user', 'create', 'dev', '--password', 'Dev-Passw0rd']), 'user create');
  const login = await new Promise<{ token: string }>((resolve, reject) => {
    const req = request(`${p.url}/platform/v1/token`, { method: 'POST', ca: readFileSync(join(p.dataDir, 'ca.crt')), headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'dev', password: 'Dev-Passw0rd' }));
  });
  assert.equal((await call('GET', '/platform/v1/clusters/global/operator-upgrades', login.token)).status, 403);
  assert.equal((await call('POST', '/platform/v1/clusters/global/operator-upgrades/approve', login.token)).status, 403);
  assert.equal((await call('GET', '/platform/v1/clusters/global/operator-upgrades', 'nope')).status, 401);
  assert.equal((await call('GET', '/platform/v1/clusters/global/operator-upgrades/approve', p.token())).status, 405);
  const ok200 = await call('GET', '/platform/v1/clusters/global/operator-upgrades', p.token());
  assert.equal(ok200.status, 200);
  assert.deepEqual(ok200.body, { cluster: 'global', items: [] });
  const missing = await p.marketplace(['operators', 'upgrades', '--cluster', 'nowhere']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /cluster "nowhere" not found/);
});
