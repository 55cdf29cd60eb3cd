import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

let p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgs = '';

before(async () => {
  await p.start();
  pkgs = mkdtempSync(join(tmpdir(), 'mp-olm-life-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-olm-life-work-')));
  for (const f of ['harbor-ce-operator.stable.ALL.v2.12.10.tgz', 'clickhouse-operator.stable.ALL.v0.18.2.tgz']) await violetPush(p, join(pkgs, f), PW);
  // These tests install the same operators cluster-wide in several namespaces, which real clusters never do:
  // without copied CSVs (OLMConfig, as large clusters run) each namespace shows only its own.
  ok(await p.kubectl(['apply', '-f', tempFile('olmconfig.yaml', 'apiVersion: operators.coreos.com/v1\nkind: OLMConfig\nmetadata: {name: cluster}\nspec: {features: {disableCopiedCSVs: true}}\n')]), 'olmconfig');
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const sh = (line: string) => shell(p, line);
const subscribe = (ns: string, pkg: string, approval: string, extra = '', annotate = true) =>
  p.kubectl(['apply', '-f', tempFile('sub.yaml', `apiVersion: operators.coreos.com/v1alpha1
kind: Subscription
metadata:
  name: ${pkg}
  namespace: ${ns}
${annotate ? '  annotations:\n    cpaas.io/target-namespaces: ""\n' : ''}spec:
  channel: stable
  installPlanApproval: ${approval}
  name: ${pkg}
  source: platform
  sourceNamespace: cpaas-system
${extra}`)]);
const approve = (ns: string, sub: string) =>
  sh(`PLAN="$(kubectl -n ${ns} get subscription ${sub} -o jsonpath='{.status.installPlanRef.name}')"; kubectl -n ${ns} patch installplan "$PLAN" --type=json -p='[{"op": "replace", "path": "/spec/approved", "value": true}]'`);

test('Manual: a newly pushed version yields a new InstallPlan awaiting approval; approving upgrades', async () => {
  await sh('kubectl create namespace up');
  ok(await subscribe('up', 'harbor-ce-operator', 'Manual'), 'subscribe');
  await until('first plan', async () => /install-/.test(await sh('kubectl -n up get installplan -o name')));
  await approve('up', 'harbor-ce-operator');
  await until('2.12.10 Succeeded', async () => /harbor-ce-operator.v2.12.10.*Succeeded/.test(await sh('kubectl -n up get csv')));
  await violetPush(p, join(pkgs, 'harbor-ce-operator.stable.ALL.v2.12.11.tgz'), PW);
  await until('upgrade plan pending approval', async () => /harbor-ce-operator.v2.12.11\s+Manual\s+false/.test(await sh('kubectl -n up get installplan')));
  assert.match(await sh('kubectl -n up get csv'), /harbor-ce-operator.v2.12.10.*Succeeded/, 'nothing moves before approval');
  await approve('up', 'harbor-ce-operator');
  await until('2.12.11 Succeeded, 2.12.10 gone', async () => {
    const csv = await sh('kubectl -n up get csv');
    return /harbor-ce-operator.v2.12.11\s+Alauda Build of Harbor\s+2.12.11\s+harbor-ce-operator.v2.12.10\s+Succeeded/.test(csv) && !/v2.12.10\s+Alauda/.test(csv);
  }, 60_000);
});

test('an OperatorGroup whose mode the CSV does not support gives UnsupportedOperatorGroup', async () => {
  await sh('kubectl create namespace og-multi && kubectl create namespace og-a && kubectl create namespace og-b');
  ok(await p.kubectl(['apply', '-f', tempFile('og.yaml', 'apiVersion: operators.coreos.com/v1\nkind: OperatorGroup\nmetadata: {name: multi, namespace: og-multi}\nspec:\n  targetNamespaces: [og-a, og-b]\n')]), 'og');
  ok(await subscribe('og-multi', 'clickhouse-operator', 'Automatic', '', false), 'subscribe');
  await until('UnsupportedOperatorGroup', async () => /UnsupportedOperatorGroup/.test(await sh('kubectl -n og-multi get csv -o yaml')));
  assert.match(await sh('kubectl -n og-multi get csv'), /Failed/);
});

test('a missing image keeps the CSV out of Succeeded and names the image', async () => {
  // Delete the operator image from the platform registry (admin, registry API), then install.
  const ca = readFileSync(join(p.dataDir, 'certs', 'ca.crt'));
  const auth = `Basic ${Buffer.from(`admin:${PW}`).toString('base64')}`;
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(`${p.url}${path}`, { method, ca, headers: { Authorization: auth, ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  const head = await call('HEAD', '/v2/altinity/clickhouse-operator/manifests/0.18.2', { Accept: 'application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json' });
  assert.equal(head.status, 200);
  assert.equal((await call('DELETE', `/v2/altinity/clickhouse-operator/manifests/${head.headers['docker-content-digest']}`)).status, 202);
  await sh('kubectl create namespace noimg');
  ok(await subscribe('noimg', 'clickhouse-operator', 'Automatic'), 'subscribe');
  await until('Installing with the image named', async () => /registry.example.com\/altinity\/clickhouse-operator:0.18.2/.test(await sh('kubectl -n noimg get csv -o jsonpath={.items[0].status.message}')));
  assert.doesNotMatch(await sh('kubectl -n noimg get csv'), /Succeeded/);
});

test('kill -9 the platform right after approval: the install completes after restart, nothing duplicated', async () => {
  await sh('kubectl create namespace crash');
  ok(await subscribe('crash', 'harbor-ce-operator', 'Manual', '  startingCSV: harbor-ce-operator.v2.12.10\n'), 'subscribe');
  await until('plan', async () => /install-/.test(await sh('kubectl -n crash get installplan -o name')));
  await approve('crash', 'harbor-ce-operator');
  await p.kill('SIGKILL');
  const again = new PlatformProcess(p.dataDir);
  await again.start();
  p = again;
  await until('CSV Succeeded after restart', async () => /harbor-ce-operator.v2.12.1\d.*Succeeded/.test(await sh('kubectl -n crash get csv')), 60_000);
  const plans = (await sh('kubectl -n crash get installplan -o name')).trim().split('\n');
  const csvs = (await sh('kubectl -n crash get csv -o name')).trim().split('\n');
  assert.equal(new Set(csvs).size, csvs.length);
  assert.ok(plans.length <= 2, `plans: ${plans.join(', ')}`);
});

test('two Subscriptions in one namespace, one Manual: the merged plan is Manual, and the Automatic one says why it waits', async () => {
  await sh('kubectl create namespace shared');
  ok(await subscribe('shared', 'harbor-ce-operator', 'Manual'), 'manual');
  ok(await subscribe('shared', 'clickhouse-operator', 'Automatic'), 'automatic');
  // Each resolution pass makes one plan for the whole namespace; the newest one carries both CSVs (upstream too).
  type Plan = { spec: { approval: string; approved: boolean; generation: number; clusterServiceVersionNames: string[] } };
  const newest = async () => (JSON.parse(await sh('kubectl -n shared get installplan -o json')).items as Plan[]).sort((a, b) => b.spec.generation - a.spec.generation)[0];
  await until('a merged plan with both CSVs', async () => (await newest())?.spec.clusterServiceVersionNames.length === 2);
  const plan = await newest();
  assert.equal(plan.spec.approval, 'Manual');
  assert.equal(plan.spec.approved, false);
  const auto = await sh('kubectl -n shared get subscription clickhouse-operator -o yaml');
  assert.match(auto, /harbor-ce-operator/, 'the Automatic Subscription names the Manual one that holds the plan');
  assert.doesNotMatch(await sh('kubectl -n shared get csv 2>&1'), /Succeeded/);
});
