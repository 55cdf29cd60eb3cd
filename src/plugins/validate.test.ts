import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../kube/index.ts';
import { validateConfig, mergeConfig } from './descriptors.ts';
import type { ModuleConfigObject, ModuleInfoObject } from './model.ts';
import { compareModuleVersions, selectorMatches, versionInRange } from './model.ts';
import { findModuleConfig, validateLabels, validatePlacement } from './moduleinfo-validate.ts';
import type { InstallWorld } from './moduleinfo-validate.ts';
import { availableVersions, unmetDependencies, upgradeBlockReasons } from './moduleinfo-status.ts';
import { isFinalName } from './moduleinfo-lifecycle.ts';

const GPU_DESCRIPTORS = ['mps', 'pgpu', 'vgpu'].map((k) => ({ path: `custom.${k}_enable`, 'x-descriptors': ['urn:alm:descriptor:com.tectonic.ui:booleanSwitch'] }));

function cluster(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'platform.tkestack.io/v1', kind: 'Cluster', metadata: { name, uid: `uid-${name}`, labels } };
}

function config(version: string, extra: Partial<ModuleConfigObject['spec']> = {}, labels: Record<string, string> = {}): ModuleConfigObject {
  return {
    apiVersion: 'cluster.alauda.io/v1alpha1', kind: 'ModuleConfig',
    metadata: { name: `gpu-device-plugin-${version}`, labels: { 'cpaas.io/module-name': 'gpu-device-plugin', ...labels } },
    spec: {
      name: 'gpu-device-plugin', version,
      affinity: { clusterAffinity: { matchExpressions: [{ key: 'cpaas.io/os-linux', operator: 'Exists' }], matchLabels: { 'cpaas.io/arch-amd64': 'true' } } },
      config: { custom: { mps_enable: false, pgpu_enable: false, vgpu_enable: false } },
      deployDescriptors: GPU_DESCRIPTORS,
      supportedUpgradeVersions: '>= v4.0.0',
      ...extra,
    },
    status: { readyForDeploy: true },
  };
}

function info(name: string, labels: Record<string, string>, spec: ModuleInfoObject['spec'], status?: ModuleInfoObject['status'], created = '2026-11-25T00:00:00Z'): ModuleInfoObject {
  return { apiVersion: 'cluster.alauda.io/v1alpha1', kind: 'ModuleInfo', metadata: { name, uid: `uid-${name}`, labels, creationTimestamp: created }, spec, status };
}

const GPU_LABELS = { 'cpaas.io/cluster-name': 'business', 'cpaas.io/module-name': 'gpu-device-plugin', 'cpaas.io/module-type': 'plugin' };
const BUSINESS = cluster('business', { 'cpaas.io/os-linux': 'true', 'cpaas.io/arch-amd64': 'true' });

function world(over: Partial<InstallWorld> = {}): InstallWorld {
  return { plugin: { metadata: { name: 'gpu-device-plugin' } }, configs: [config('v4.0.15')], cluster: BUSINESS, others: [], ...over };
}

test('labels: a missing cpaas.io/module-type fails as the document says', () => {
  const mi = info('business-temporary-name', { 'cpaas.io/cluster-name': 'business', 'cpaas.io/module-name': 'gpu-device-plugin' }, { version: 'v4.0.15' });
  const problems = validateLabels(mi);
  assert.equal(problems[0].reason, 'MissingModuleType');
  assert.match(problems[0].message, /cpaas\.io\/module-type: plugin is missing/);
  assert.deepEqual(validateLabels(info('x', GPU_LABELS, { version: 'v4.0.15' })), []);
});

test('unknown plugin and unknown version name what exists', () => {
  assert.equal((findModuleConfig('nope', 'v1', world({ plugin: undefined })) as { reason: string }).reason, 'PluginNotFound');
  const p = findModuleConfig('gpu-device-plugin', 'v9.9.9', world({ configs: [config('v4.0.15'), config('v4.0.16')] })) as { reason: string; message: string };
  assert.equal(p.reason, 'VersionNotFound');
  assert.match(p.message, /available: v4\.0\.16, v4\.0\.15/);
});

test('placement: affinity, anti-affinity, unknown cluster, second install, config', () => {
  const mi = info('business-temporary-name', GPU_LABELS, { version: 'v4.0.15', config: { custom: { pgpu_enable: true, vgpu_enable: true } } });
  assert.deepEqual(validatePlacement(mi, config('v4.0.15'), world()), []);
  const arm = cluster('business', { 'cpaas.io/os-linux': 'true', 'cpaas.io/arch-arm64': 'true' });
  const [affinity] = validatePlacement(mi, config('v4.0.15'), world({ cluster: arm }));
  assert.equal(affinity.reason, 'AffinityNotSatisfied');
  assert.match(affinity.message, /cpaas\.io\/arch-amd64=true, cpaas\.io\/os-linux exists/);
  assert.equal(validatePlacement(mi, config('v4.0.15'), world({ cluster: undefined }))[0].reason, 'ClusterNotFound');
  const anti = config('v4.0.15', { affinity: { clusterAntiAffinity: { matchLabels: { 'cpaas.io/arch-amd64': 'true' } }, pluginAntiAffinity: ['other-gpu'] } });
  const earlier = info('business-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', GPU_LABELS, { version: 'v4.0.15' }, undefined, '2026-11-24T00:00:00Z');
  const otherGpu = info('business-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', { ...GPU_LABELS, 'cpaas.io/module-name': 'other-gpu' }, { version: 'v1.0.0' });
  const reasons = validatePlacement(mi, anti, world({ others: [earlier, otherGpu] })).map((p) => p.reason);
  assert.deepEqual(reasons, ['AntiAffinityNotSatisfied', 'PluginAntiAffinity', 'AlreadyInstalled']);
  // The earlier install is not itself refused because of the later attempt.
  assert.deepEqual(validatePlacement(earlier, config('v4.0.15'), world({ others: [mi] })), []);
  const bad = info('x', GPU_LABELS, { version: 'v4.0.15', config: { custom: { pgpu_enable: 'yes' } } });
  const [cfg] = validatePlacement(bad, config('v4.0.15'), world());
  assert.equal(cfg.reason, 'InvalidConfig');
  assert.match(cfg.message, /spec\.config\.custom\.pgpu_enable must be a boolean, got "yes"/);
});

test('config validation: types, required, min/max, pattern, select options, default types', () => {
  const d = (path: string, ...urns: string[]) => ({ path, 'x-descriptors': urns.map((u) => `urn:alm:descriptor:${u}`) });
  const descriptors = [
    d('replicas', 'com.tectonic.ui:number', 'validation:minimum:1', 'validation:maximum:5'),
    d('name', 'com.tectonic.ui:text', 'validation:required', 'validation:pattern:^[a-z]+$', 'validation:maxLength:5'),
    d('storage', 'com.tectonic.ui:select:elasticsearch', 'com.tectonic.ui:select:clickhouse'),
  ];
  assert.deepEqual(validateConfig({ replicas: 2, name: 'abc', storage: 'clickhouse' }, descriptors), []);
  assert.deepEqual(validateConfig({ replicas: 9, storage: 'mysql', extra: { deep: 1 } }, descriptors, { extra: { deep: 'x' } }), [
    'spec.config.replicas must be at most 5, got 9',
    'spec.config.name is required',
    'spec.config.storage must be one of "elasticsearch", "clickhouse", got "mysql"',
    'spec.config.extra.deep must be a string (like its default "x"), got 1',
  ]);
  assert.deepEqual(validateConfig({ name: 'ABCDEFG' }, descriptors), ['spec.config.name must be at most 5 characters long', 'spec.config.name must match the pattern ^[a-z]+$, got "ABCDEFG"']);
  assert.deepEqual(mergeConfig({ custom: { a: false, b: false } }, { custom: { b: true } }), { custom: { a: false, b: true } });
});

test('versions: v-prefixed semver ranges; selectors', () => {
  assert.ok(versionInRange('v4.0.4', '>= v4.0.0'));
  assert.ok(!versionInRange('v3.9.0', '>= v4.0.0'));
  assert.ok(compareModuleVersions('v4.0.10', 'v4.0.9') > 0);
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }, { key: 'b', operator: 'DoesNotExist' }] }, { a: '2' }));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, { a: '2' }));
});

test('availableVersions: newer ready configs this cluster accepts, newest first, current included', () => {
  const configs = [config('v4.0.15'), config('v4.0.16', { upgradeRiskLevel: 'High', upgradeRiskDescription: '重启' }), config('v4.0.14'), { ...config('v4.0.17'), status: { readyForDeploy: false } }];
  const out = availableVersions(configs, BUSINESS, 'v4.0.15');
  assert.deepEqual(out.map((v) => [v.version, v.riskLevel, v.description]), [['v4.0.16', 'High', '重启'], ['v4.0.15', 'Low', '']]);
  assert.deepEqual(availableVersions(configs, cluster('arm', {}), 'v4.0.15'), []);
});

test('upgrade blocks: Core lifecycle, supportedUpgradeVersions, dependencies, upgradeBefore', () => {
  assert.deepEqual(upgradeBlockReasons(undefined, 'v4.0.15', config('v4.0.16'), []), []);
  const core = upgradeBlockReasons(undefined, 'v4.0.15', config('v4.0.16', {}, { 'cpaas.io/lifecycle-type': 'core' }), []);
  assert.match(core[0], /Core plugin: it upgrades only with the cluster/);
  assert.match(upgradeBlockReasons(undefined, 'v3.0.0', config('v4.0.16'), [])[0], /supports upgrades only from versions >= v4\.0\.0; the installed version v3\.0\.0/);
  const dep = info('business-x', { ...GPU_LABELS, 'cpaas.io/module-name': 'driver' }, { version: 'v1.0.0' }, { phase: 'Running', version: 'v1.0.0' });
  const target = config('v4.0.16', { dependencies: [{ moduleName: 'driver', versionsMatch: ['>= v2.0.0'] }], upgradeBefore: [{ moduleName: 'driver' }] });
  assert.deepEqual(upgradeBlockReasons(undefined, 'v4.0.15', target, [dep]), ['gpu-device-plugin v4.0.16 needs driver >= v2.0.0; v1.0.0 is installed: upgrade driver first']);
  assert.deepEqual(unmetDependencies(target, [dep]), ['driver v1.0.0 does not match >= v2.0.0']);
  assert.deepEqual(unmetDependencies(target, []), ['driver is not Running on this cluster yet']);
});

test('final names are <cluster>-<32 hex>', () => {
  assert.ok(isFinalName(info('global-ee98c9991ea1464aaa8054bdacbab313', { 'cpaas.io/cluster-name': 'global' }, { version: 'v1' })));
  assert.ok(!isFinalName(info('global-temporary-name', { 'cpaas.io/cluster-name': 'global' }, { version: 'v1' })));
  assert.ok(!isFinalName(info('business-ee98c9991ea1464aaa8054bdacbab313', { 'cpaas.io/cluster-name': 'global' }, { version: 'v1' })));
});
