import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

const p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgs = '';

before(async () => {
  await p.start();
  pkgs = mkdtempSync(join(tmpdir(), 'mp-olm-install-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-olm-install-work-')));
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const push = (file: string) => violetPush(p, join(pkgs, file), PW);
const sh = (line: string) => shell(p, line);


const SUBSCRIPTION = (name: string, pkg: string, approval: string, startingCSV = '') => `apiVersion: operators.coreos.com/v1alpha1
kind: Subscription
metadata:
  annotations:
    cpaas.io/target-namespaces: ""
  name: ${name}
  namespace: ${pkg}
spec:
  channel: stable
  installPlanApproval: ${approval}
  name: ${pkg}
  source: platform
  sourceNamespace: cpaas-system
${startingCSV ? `  startingCSV: ${startingCSV}\n` : ''}`;

test('the documented Manual flow for harbor-ce-operator, step by step', async () => {
  await push('harbor-ce-operator.stable.ALL.v2.12.10.tgz');
  await push('harbor-ce-operator.stable.ALL.v2.12.11.tgz');
  await sh('kubectl create namespace harbor-ce-operator');
  ok(await p.kubectl(['apply', '-f', tempFile('sub.yaml', SUBSCRIPTION('harbor-ce-operator-sub', 'harbor-ce-operator', 'Manual', 'harbor-ce-operator.v2.12.11'))]), 'subscription');
  await until('InstallPlanPending', async () => /InstallPlanPending/.test(await sh('kubectl -n harbor-ce-operator get subscriptions harbor-ce-operator-sub -o yaml')));
  const sub = await sh('kubectl -n harbor-ce-operator get subscriptions harbor-ce-operator-sub -o yaml');
  assert.match(sub, /state: UpgradePending/);
  assert.match(sub, /currentCSV: harbor-ce-operator.v2.12.11/);
  assert.match(sub, /installPlanRef:/);
  const plans = await sh(`kubectl -n harbor-ce-operator get installplan "$(kubectl -n harbor-ce-operator get subscriptions harbor-ce-operator-sub -o jsonpath='{.status.installPlanRef.name}')"`);
  assert.match(plans, /^NAME\s+CSV\s+APPROVAL\s+APPROVED\n/);
  assert.match(plans, /install-\w{5}\s+harbor-ce-operator.v2.12.11\s+Manual\s+false/);
  await sh(`PLAN="$(kubectl -n harbor-ce-operator get subscription harbor-ce-operator-sub -o jsonpath='{.status.installPlanRef.name}')"
kubectl -n harbor-ce-operator patch installplan "$PLAN" --type=json -p='[{"op": "replace", "path": "/spec/approved", "value": true}]'`);
  await until('CSV Succeeded', async () => /Succeeded/.test(await sh('kubectl -n harbor-ce-operator get csv')));
  const csv = await sh('kubectl -n harbor-ce-operator get csv');
  assert.match(csv, /^NAME\s+DISPLAY\s+VERSION\s+REPLACES\s+PHASE\n/);
  assert.match(csv, /harbor-ce-operator.v2.12.11\s+Alauda Build of Harbor\s+2.12.11\s+harbor-ce-operator.v2.12.10\s+Succeeded/);
  assert.match(await sh('kubectl -n harbor-ce-operator get subscription harbor-ce-operator-sub -o jsonpath={.status.state}'), /AtLatestKnown/);
  // The Operator API aggregates the installed parts.
  await until('Operator with its components', async () => {
    const op = JSON.parse(await sh('kubectl get operators.operators.coreos.com harbor-ce-operator.harbor-ce-operator -o json'));
    const refs = (op.status?.components?.refs ?? []) as { kind: string; conditions?: { type: string }[] }[];
    return refs.some((r) => r.kind === 'ClusterServiceVersion' && r.conditions?.[0]?.type === 'Succeeded') && refs.some((r) => r.kind === 'CustomResourceDefinition') && refs.some((r) => r.kind === 'Deployment');
  });
});

test('the documented Automatic flow for clickhouse-operator, then an automatic upgrade after a new push', async () => {
  await push('clickhouse-operator.stable.ALL.v0.18.2.tgz');
  await sh('kubectl create namespace clickhouse-operator');
  ok(await p.kubectl(['apply', '-f', tempFile('sub.yaml', SUBSCRIPTION('clickhouse-operator-subs', 'clickhouse-operator', 'Automatic'))]), 'subscription');
  await until('0.18.2 Succeeded', async () => /clickhouse-operator.v0.18.2\s+ClickHouse Operator\s+0.18.2\s+Succeeded/.test(await sh('kubectl -n clickhouse-operator get csv')));
  await push('clickhouse-operator.stable.ALL.v0.18.3.tgz');
  await until('0.18.3 Succeeded and 0.18.2 replaced', async () => {
    const out = await sh('kubectl -n clickhouse-operator get csv');
    return /clickhouse-operator.v0.18.3\s+ClickHouse Operator\s+0.18.3\s+clickhouse-operator.v0.18.2\s+Succeeded/.test(out) && !/v0.18.2\s+ClickHouse/.test(out);
  }, 60_000);
});

test('an Alauda operator subscribed with Automatic approval fails with a clear condition', async () => {
  await sh('kubectl create namespace harbor-auto');
  ok(await p.kubectl(['apply', '-f', tempFile('sub.yaml', SUBSCRIPTION('harbor-auto', 'harbor-ce-operator', 'Automatic').replace('namespace: harbor-ce-operator', 'namespace: harbor-auto'))]), 'subscription');
  await until('refusal condition', async () => /ManualApprovalRequired/.test(await sh('kubectl -n harbor-auto get subscription harbor-auto -o yaml')));
  const yaml = await sh('kubectl -n harbor-auto get subscription harbor-auto -o yaml');
  assert.match(yaml, /Alauda/);
  assert.equal((await sh('kubectl -n harbor-auto get installplan -o name')).trim(), '');
});
