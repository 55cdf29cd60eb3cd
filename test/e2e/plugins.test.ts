import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

/**
 * The product document's Cluster Plugin section, verbatim, against a real `marketplace up`: violet push,
 * kubectl get moduleplugins/moduleconfigs/moduleinfo, installs into global and a workload cluster, config
 * updates, upgrades with pruning, refusals, uninstall.
 */
const p = new PlatformProcess();
let pkgs = '';

before(async () => {
  await p.start();
  pkgs = mkdtempSync(join(tmpdir(), 'mp-plugins-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-plugins-work-')));
  ok(await p.marketplace(['cluster', 'create', 'business', '--label', 'cpaas.io/os-linux=true', '--label', 'cpaas.io/arch-amd64=true']), 'cluster create business');
  ok(await p.marketplace(['cluster', 'create', 'edge-arm', '--label', 'cpaas.io/os-linux=true', '--label', 'cpaas.io/arch-arm64=true']), 'cluster create edge-arm');
  // A kubeconfig with a context per cluster (global current), as `marketplace kubeconfig` prints it.
  p.kubeconfig = tempFile('all.kubeconfig', ok(await p.marketplace(['kubeconfig', '--cluster', 'global']), 'kubeconfig'));
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const sh = (line: string) => shell(p, line);
const inCluster = (cluster: string, line: string) => sh(line.replace(/^kubectl /, `kubectl --context ${cluster} `));
const apply = (name: string, yaml: string) => p.kubectl(['apply', '-f', tempFile(name, yaml)]);

const WEB_CLI_INFO = `apiVersion: cluster.alauda.io/v1alpha1
kind: ModuleInfo
metadata:
  labels:
    cpaas.io/cluster-name: global
    cpaas.io/module-name: web-cli
    cpaas.io/module-type: plugin
  name: global-temporary-name
spec:
  config: {}
  version: v4.0.4
`;

const GPU_INFO = (name: string, cluster: string, pgpu: boolean, vgpu: boolean, moduleType = true) => `apiVersion: cluster.alauda.io/v1alpha1
kind: ModuleInfo
metadata:
  labels:
    cpaas.io/cluster-name: ${cluster}
    cpaas.io/module-name: gpu-device-plugin
${moduleType ? '    cpaas.io/module-type: plugin\n' : ''}  name: ${name}
spec:
  config:
    custom:
      mps_enable: false
      pgpu_enable: ${pgpu}
      vgpu_enable: ${vgpu}
  version: v4.0.15
`;

test('non-config flow: web-cli into global, as documented', async () => {
  await violetPush(p, join(pkgs, 'web-cli.ALL.v4.0.4.tgz'));
  assert.match(await sh('kubectl get moduleplugins web-cli'), /^NAME\s+AGE\nweb-cli\s+\d+s\n$/);
  await until('ModuleConfig web-cli-v4.0.4', async () => /web-cli-v4\.0\.4/.test(await sh('kubectl get moduleconfigs -l cpaas.io/module-name=web-cli')), 5000);
  assert.match(await sh('kubectl get moduleconfigs -l cpaas.io/module-name=web-cli'), /^NAME\s+AGE\nweb-cli-v4\.0\.4\s+\d+s\n$/);
  const mc = await sh('kubectl get moduleconfigs web-cli-v4.0.4 -oyaml');
  assert.match(mc, /affinity:\n\s+clusterAffinity:\n\s+matchLabels:\n\s+is-global: "true"/);
  assert.match(mc, /version: v4\.0\.4/);
  assert.match(mc, /config: \{\}/);
  await until('readyForDeploy', async () => (await sh("kubectl get moduleconfig web-cli-v4.0.4 -o jsonpath='{.status.readyForDeploy}'")) === 'true');

  ok(await apply('web-cli.yaml', WEB_CLI_INFO), 'create ModuleInfo');
  await until('web-cli Running', async () => /Running/.test(await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli')), 15_000, () => p.logs.slice(-2000));
  const table = await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli');
  assert.match(table, /^NAME\s+CLUSTER\s+MODULE\s+DISPLAY_NAME\s+STATUS\s+TARGET_VERSION\s+CURRENT_VERSION\s+NEW_VERSION\n/);
  assert.match(table, /\nglobal-[0-9a-f]{32}\s+global\s+web-cli\s+web-cli\s+Running\s+v4\.0\.4\s+v4\.0\.4\s+v4\.0\.4\n$/);
  assert.equal(table.trim().split('\n').length, 2, 'exactly one ModuleInfo after the rename');
  // The chart's objects exist in global, owned by the AppRelease.
  assert.match(await sh('kubectl -n cpaas-system get deployment web-cli -o jsonpath={.status.readyReplicas}'), /^1$/);
  assert.match(await sh('kubectl -n cpaas-system get configmap web-cli-legacy-settings -o name'), /configmap\/web-cli-legacy-settings/);
  assert.match(await sh('kubectl -n cpaas-system get ars web-cli'), /web-cli/);
  assert.match(await sh("kubectl get moduleplugin web-cli -o jsonpath='{.status.installed[0].cluster} {.status.installed[0].phase} {.status.latestVersion}'"), /^global Running v4\.0\.4$/);
});

test('upgrade web-cli to v4.0.5: NEW_VERSION, patch spec.version, pruning; Core refuses; delete uninstalls', async () => {
  await violetPush(p, join(pkgs, 'web-cli.ALL.v4.0.5.tgz'));
  await until('NEW_VERSION v4.0.5', async () => /Running\s+v4\.0\.4\s+v4\.0\.4\s+v4\.0\.5/.test(await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli')));
  assert.match(await sh('kubectl get moduleconfigs -l cpaas.io/module-name=web-cli'), /web-cli-v4\.0\.4[\s\S]*web-cli-v4\.0\.5/);
  // Publishing never upgrades by itself.
  assert.match(await sh('kubectl -n cpaas-system get deployment web-cli -o jsonpath={.spec.template.spec.containers[0].image}'), /web-cli:v4\.0\.4$/);

  // A Core plugin only upgrades with the cluster.
  await sh('kubectl label moduleplugin web-cli cpaas.io/lifecycle-type=core --overwrite');
  const name = (await sh("kubectl get moduleinfo -l cpaas.io/module-name=web-cli -o jsonpath='{.items[0].metadata.name}'")).trim();
  await sh(`kubectl patch moduleinfo ${name} --type=merge -p '{"spec":{"version":"v4.0.5"}}'`);
  await until('blocked', async () => /Core plugin/.test(await sh(`kubectl get moduleinfo ${name} -o jsonpath='{.status.blockReasons}'`)));
  assert.match(await sh(`kubectl get moduleinfo ${name} -o jsonpath='{.status.version}'`), /^v4\.0\.4$/);
  assert.match(await sh(`kubectl get moduleinfo ${name} -o jsonpath='{.status.conditions[?(@.type=="Upgradable")].reason}'`), /UpgradeBlocked/);

  await sh('kubectl label moduleplugin web-cli cpaas.io/lifecycle-type=aligned --overwrite');
  await until('upgraded to v4.0.5', async () => /Running\s+v4\.0\.5\s+v4\.0\.5\s+v4\.0\.5/.test(await sh('kubectl get moduleinfo -l cpaas.io/module-name=web-cli')), 20_000);
  assert.match(await sh('kubectl -n cpaas-system get deployment web-cli -o jsonpath={.spec.template.spec.containers[0].image}'), /web-cli:v4\.0\.5$/);
  await until('legacy ConfigMap pruned', async () => !/web-cli-legacy-settings/.test(await sh('kubectl -n cpaas-system get configmaps -o name')));

  await sh(`kubectl delete moduleinfo ${name} --wait=true --timeout=30s`);
  assert.doesNotMatch(await sh('kubectl -n cpaas-system get deployments,services,configmaps,serviceaccounts -o name'), /web-cli/);
  assert.doesNotMatch(await sh('kubectl -n cpaas-system get ars -o name'), /web-cli/);
});

test('with-config flow: gpu-device-plugin into business; switches add and remove DaemonSets', async () => {
  await violetPush(p, join(pkgs, 'gpu-device-plugin.ALL.v4.0.15.tgz'));
  await until('ModuleConfig', async () => /gpu-device-plugin-v4\.0\.15/.test(await sh('kubectl get moduleconfigs -l cpaas.io/module-name=gpu-device-plugin')));
  const mc = await sh('kubectl get moduleconfigs gpu-device-plugin-v4.0.15 -oyaml');
  assert.match(mc, /config:\n\s+custom:\n\s+mps_enable: false\n\s+pgpu_enable: false\n\s+vgpu_enable: false/);
  assert.match(mc, /matchExpressions:\n\s+- key: cpaas.io\/os-linux\n\s+operator: Exists/);

  ok(await apply('gpu.yaml', GPU_INFO('business-temporary-name', 'business', true, true)), 'create ModuleInfo');
  await until('gpu Running', async () => /Running/.test(await sh('kubectl get moduleinfo -l cpaas.io/module-name=gpu-device-plugin')), 15_000, () => p.logs.slice(-2000));
  assert.match(await sh('kubectl get moduleinfo -l cpaas.io/module-name=gpu-device-plugin'), /\nbusiness-[0-9a-f]{32}\s+business\s+gpu-device-plugin\s+gpu-device-plugin\s+Running\s+v4\.0\.15\s+v4\.0\.15\s+v4\.0\.15\n$/);
  const daemonsets = () => inCluster('business', 'kubectl -n kube-system get daemonsets -o name');
  assert.deepEqual((await daemonsets()).trim().split('\n').sort(), ['daemonset.apps/nvidia-device-plugin', 'daemonset.apps/vgpu-device-plugin']);
  assert.match(await inCluster('business', 'kubectl -n kube-system get daemonset vgpu-device-plugin -o jsonpath={.status.numberReady}'), /^1$/);
  assert.doesNotMatch(await sh('kubectl -n kube-system get daemonsets -o name'), /device-plugin/, 'nothing lands in global');

  // Flip the switches: mps on, vgpu off.
  const name = (await sh("kubectl get moduleinfo -l cpaas.io/module-name=gpu-device-plugin -o jsonpath='{.items[0].metadata.name}'")).trim();
  await sh(`kubectl patch moduleinfo ${name} --type=merge -p '{"spec":{"config":{"custom":{"mps_enable":true,"vgpu_enable":false}}}}'`);
  await until('mps added, vgpu removed', async () => (await daemonsets()).trim().split('\n').sort().join(',') === 'daemonset.apps/mps-device-plugin,daemonset.apps/nvidia-device-plugin', 15_000);

  // A bad value is refused with a condition naming the field; what runs stays.
  await sh(`kubectl patch moduleinfo ${name} --type=merge -p '{"spec":{"config":{"custom":{"pgpu_enable":"yes"}}}}'`);
  await until('InvalidConfig', async () => /pgpu_enable must be a boolean/.test(await sh(`kubectl get moduleinfo ${name} -o jsonpath='{.status.conditions}'`)));
  assert.match(await daemonsets(), /nvidia-device-plugin/);
  await sh(`kubectl patch moduleinfo ${name} --type=merge -p '{"spec":{"config":{"custom":{"pgpu_enable":true}}}}'`);
  await until('Running again', async () => /Running/.test(await sh(`kubectl get moduleinfo ${name}`)));
});

test('refusals: affinity not satisfied, missing module-type, second install', async () => {
  ok(await apply('arm.yaml', GPU_INFO('edge-arm-temporary-name', 'edge-arm', true, false)), 'create');
  await until('affinity failure', async () => /Failed/.test(await sh('kubectl get moduleinfo edge-arm-temporary-name')));
  const conds = await sh("kubectl get moduleinfo edge-arm-temporary-name -o jsonpath='{.status.conditions[?(@.type==\"Validated\")].message}'");
  assert.match(conds, /cluster edge-arm does not satisfy the clusterAffinity of gpu-device-plugin v4\.0\.15 \(cpaas\.io\/arch-amd64=true, cpaas\.io\/os-linux exists\)/);

  ok(await apply('nolabel.yaml', GPU_INFO('business-no-type', 'business', true, false, false)), 'create');
  await until('module-type failure', async () => /Failed/.test(await sh('kubectl get moduleinfo business-no-type')));
  assert.match(await sh("kubectl get moduleinfo business-no-type -o jsonpath='{.status.conditions[0].message}'"), /label cpaas\.io\/module-type: plugin is missing/);

  ok(await apply('second.yaml', GPU_INFO('business-second', 'business', false, false)), 'create');
  await until('second install refused', async () => /already installed on cluster business/.test(await sh("kubectl get moduleinfo business-second -o jsonpath='{.status.conditions}'")));
  await sh('kubectl delete moduleinfo edge-arm-temporary-name business-no-type business-second');
});
