import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

/** kill -9 the platform in the middle of a plugin install; after a restart the install completes, once. */
const p = new PlatformProcess();
after(async () => {
  await p.stop();
  p.cleanup();
});

const sh = (line: string) => shell(p, line);

test('kill -9 mid-install: the ModuleInfo reaches Running after a restart, nothing duplicated', async () => {
  await p.start();
  const pkgs = mkdtempSync(join(tmpdir(), 'mp-plugins-kill-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-plugins-kill-work-')));
  await violetPush(p, join(pkgs, 'web-cli.ALL.v4.0.4.tgz'));
  await until('readyForDeploy', async () => (await sh("kubectl get moduleconfig web-cli-v4.0.4 -o jsonpath='{.status.readyForDeploy}'")) === 'true');
  ok(await p.kubectl(['apply', '-f', tempFile('mi.yaml', `apiVersion: cluster.alauda.io/v1alpha1
kind: ModuleInfo
metadata:
  labels: {cpaas.io/cluster-name: global, cpaas.io/module-name: web-cli, cpaas.io/module-type: plugin}
  name: global-temporary-name
spec: {config: {}, version: v4.0.4}
`)]), 'create ModuleInfo');
  // Somewhere between the rename and the chart's objects being applied.
  await until('AppRelease created', async () => /web-cli/.test(await sh('kubectl -n cpaas-system get ars -o name')), 15_000);
  assert.equal(await p.kill('SIGKILL'), null);
  await p.start();
  await until('Running after restart', async () => /Running\s+v4\.0\.4\s+v4\.0\.4/.test(await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli')), 30_000, () => p.logs.slice(-3000));
  const infos = (await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli -o name')).trim().split('\n');
  assert.equal(infos.length, 1, `one ModuleInfo, got ${infos.join(', ')}`);
  assert.match(infos[0], /^moduleinfo\.cluster\.alauda\.io\/global-[0-9a-f]{32}$/);
  assert.equal((await sh('kubectl -n cpaas-system get ars -o name')).trim(), 'apprelease.operator.alauda.io/web-cli');
  assert.equal((await sh('kubectl -n cpaas-system get deployments -l operator.alauda.io/app-release=web-cli -o name')).trim(), 'deployment.apps/web-cli');
  assert.match(await sh('kubectl -n cpaas-system get deployment web-cli -o jsonpath={.status.readyReplicas}'), /^1$/);
});
