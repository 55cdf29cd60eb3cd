import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, parseCatalogue, platformVersionsMatch, validateCatalogue } from './catalogue.ts';
import { checkApplications, listScenarios, selectPackages, selectPlatformBundle } from './queries.ts';
import { PortalError } from './errors.ts';

const catalogue = parseCatalogue(
  {
    platformVersions: ['v4.0.5', 'v4.1.0', 'v4.1.3'],
    apps: [
      { id: 'demo-operator', name: 'Demo', versions: [{ version: 'v0.1.0', channel: 'stable', platformVersions: ['v4.0', 'v4.1'], packages: 'demo.tgz' }] },
      {
        id: 'ch',
        name: 'ClickHouse',
        versions: [
          { version: 'v0.18.2', channel: 'stable', platformVersions: ['v4.0', 'v4.1'], packages: { ALL: 'ch-2.tgz' } },
          { version: 'v0.18.10', channel: 'stable', platformVersions: ['v4.1.3'], packages: { ALL: 'ch-10.tgz' } },
        ],
      },
      { id: 'plugin', name: 'Plugin', versions: [{ version: 'v4.0.4', platformVersions: ['v4.1'], packages: { amd64: 'plugin-amd64.tgz' } }] },
    ],
    scenarios: [
      { id: 's1', name: 'One', description: 'first', platformVersions: ['v4.1'], apps: [{ appID: 'demo-operator' }, { appID: 'ch', version: 'v0.18.2' }] },
      { id: 'up', name: 'Upgrade', description: '3.x to 4.x', upgrade: true, platformVersions: ['v4.1'], apps: [{ appID: 'ch' }] },
      { id: 'arm', name: 'ARM only', description: '', platformVersions: ['v4.1'], arches: ['arm64'], apps: [{ appID: 'demo-operator' }] },
    ],
    platformBundles: [
      { platformVersion: 'v4.1.0', type: 'core', packages: { amd64: 'core-amd64.tgz', arm64: 'core-arm64.tgz' } },
      { platformVersion: 'v4.1.0', type: 'extensions', packages: { amd64: 'ext-amd64.tgz' } },
    ],
  },
  '/store',
);

const rejects = (fn: () => unknown, status: number, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof PortalError && err.status === status && message.test(err.message));

test('platform versions match by prefix; versions order numerically with pre-releases first', () => {
  for (const [a, b, want] of [['v4.1', 'v4.1.3', true], ['4.1.3', 'v4.1', true], ['v4.1.2', 'v4.1.3', false], ['v4', 'v4.0.5', true], ['v4.10', 'v4.1', false]] as const) {
    assert.equal(platformVersionsMatch(a, b), want, `${a} ~ ${b}`);
  }
  assert.deepEqual(['v0.18.10', 'v0.18.2', '0.18.3', 'v0.18.3-rc.1'].sort(compareVersions), ['v0.18.2', 'v0.18.3-rc.1', '0.18.3', 'v0.18.10']);
});

test('validation reports every problem at once', () => {
  const bad = parseCatalogue({ apps: [{ id: 'a', versions: [{ version: '1', platformVersions: ['v9'], packages: { sparc: '../x.tgz' } }] }], scenarios: [{ id: 's', apps: [{ appID: 'nope' }] }] }, '/store');
  const problems = validateCatalogue(bad, () => true);
  assert.ok(problems.some((p) => /platformVersions: list at least one/.test(p)));
  assert.ok(problems.some((p) => /unknown arch "sparc"/.test(p)));
  assert.ok(problems.some((p) => /must be a plain file name/.test(p)));
  assert.ok(problems.some((p) => /app "nope" is not in apps/.test(p)));
  assert.deepEqual(validateCatalogue(catalogue, () => true), []);
  assert.ok(validateCatalogue(catalogue, () => false).some((p) => /file demo.tgz does not exist/.test(p)));
});

test('scenarios: by platform version, arch and the upgrade flag', () => {
  assert.deepEqual(listScenarios(catalogue, { arch: 'amd64', platformVersion: 'v4.1', upgrade: false }).map((s) => s.id), ['s1']);
  assert.deepEqual(listScenarios(catalogue, { arch: 'arm64', upgrade: false }).map((s) => s.id), ['s1', 'arm']);
  assert.deepEqual(listScenarios(catalogue, { arch: 'amd64', upgrade: true }).map((s) => s.id), ['up']);
  assert.deepEqual(listScenarios(catalogue, { arch: 'amd64', platformVersion: 'v4.0.5', upgrade: false }), []);
  rejects(() => listScenarios(catalogue, { arch: 'amd64', platformVersion: 'v9.9', upgrade: false }), 404, /unknown platform version "v9.9": the portal has packages for v4.0.5, v4.1.0, v4.1.3/);
});

test('packages: all, by platform, by app (latest), by scenario', () => {
  const ids = (q: Parameters<typeof selectPackages>[1]) => selectPackages(catalogue, q).map((p) => `${p.appID}@${p.version}`);
  assert.deepEqual(ids({ arch: 'amd64' }), ['ch@v0.18.2', 'ch@v0.18.10', 'demo-operator@v0.1.0', 'plugin@v4.0.4']);
  assert.deepEqual(ids({ arch: 'arm64', platformVersion: 'v4.1.0' }), ['ch@v0.18.2', 'demo-operator@v0.1.0']);
  assert.deepEqual(ids({ arch: 'amd64', appID: 'ch', latest: true }), ['ch@v0.18.10']);
  assert.deepEqual(ids({ arch: 'amd64', appID: 'ch', appVersions: ['v0.18.2', '0.18.10'] }), ['ch@v0.18.2', 'ch@v0.18.10']);
  assert.deepEqual(ids({ arch: 'amd64', scenario: 's1', platformVersion: 'v4.1.3' }), ['ch@v0.18.2', 'demo-operator@v0.1.0']);
  assert.deepEqual(ids({ arch: 'amd64', scenario: 'Upgrade', platformVersion: 'v4.1.3' }), ['ch@v0.18.10']);
});

test('packages: unknown app, unknown version, arch mismatch, incompatible platform, unknown scenario', () => {
  rejects(() => selectPackages(catalogue, { arch: 'amd64', appID: 'nope' }), 404, /app ID "nope" is not in the portal catalogue/);
  rejects(() => selectPackages(catalogue, { arch: 'amd64', appID: 'ch', appVersions: ['v9'] }), 404, /app "ch" has no version "v9": available versions are v0.18.2, v0.18.10/);
  rejects(() => selectPackages(catalogue, { arch: 'arm64', appID: 'plugin', appVersions: ['v4.0.4'] }), 404, /arch mismatch: plugin v4.0.4 has no arm64 package \(packages exist for amd64\)/);
  rejects(() => selectPackages(catalogue, { arch: 'arm64', appID: 'plugin' }), 404, /arch mismatch: no arm64 package of "plugin"/);
  rejects(() => selectPackages(catalogue, { arch: 'amd64', appID: 'ch', appVersions: ['v0.18.10'], platformVersion: 'v4.1.0' }), 404, /ch v0.18.10 is not compatible with platform v4.1.0/);
  rejects(() => selectPackages(catalogue, { arch: 'amd64', appID: 'plugin', platformVersion: 'v4.0.5' }), 404, /no version of "plugin" is compatible with platform v4.0.5/);
  rejects(() => selectPackages(catalogue, { arch: 'amd64', scenario: 'zzz' }), 404, /scenario "zzz" does not exist/);
  rejects(() => selectPackages(catalogue, { arch: 'amd64', scenario: 'arm' }), 404, /scenario "arm" is not offered for arch amd64/);
});

test('platform bundles: default core, type and arch errors', () => {
  assert.equal(selectPlatformBundle(catalogue, { arch: 'arm64', platformVersion: 'v4.1.0', type: 'core' }).file, 'core-arm64.tgz');
  assert.equal(selectPlatformBundle(catalogue, { arch: 'amd64', platformVersion: 'v4.1', type: 'extensions' }).file, 'ext-amd64.tgz');
  rejects(() => selectPlatformBundle(catalogue, { arch: 'amd64', platformVersion: 'v4.1.0', type: 'standard' }), 404, /no standard package for platform v4.1.0 \(types available: core, extensions\)/);
  rejects(() => selectPlatformBundle(catalogue, { arch: 'arm64', platformVersion: 'v4.1.0', type: 'extensions' }), 404, /arch mismatch/);
  rejects(() => selectPlatformBundle(catalogue, { arch: 'amd64', platformVersion: 'v4.1.0', type: 'full' }), 400, /unknown package type "full"/);
  rejects(() => selectPlatformBundle(catalogue, { arch: 'amd64', type: 'core' }), 400, /--platformVersion is required/);
});

test('scenario check: newest compatible package per application, refusals with reasons', () => {
  const results = checkApplications(catalogue, {
    arch: 'amd64',
    platformVersion: 'v4.1.3',
    applications: {
      ch: { displayName: 'ClickHouse', type: 'OperatorBundle', installed: [{ clusterName: 'global', version: '0.18.2' }] },
      'demo-operator': { installed: [{ clusterName: 'global', version: '0.2.0' }] },
      unknown: { displayName: 'Unknown', installed: [] },
      plugin: { type: 'ModulePlugin', installed: [] },
    },
  });
  assert.deepEqual(
    results.map((r) => [r.appID, r.status, r.package?.version ?? '-']),
    [['ch', 'Passed', 'v0.18.10'], ['demo-operator', 'Failed', 'v0.1.0'], ['plugin', 'Passed', 'v4.0.4'], ['unknown', 'Failed', '-']],
  );
  assert.match(results[1].reason, /installed 0.2.0 is newer than the newest compatible package v0.1.0/);
  assert.match(results[3].reason, /not in the portal catalogue/);
  const arm = checkApplications(catalogue, { arch: 'arm64', platformVersion: 'v4.1.3', applications: { plugin: {} } });
  assert.match(arm[0].reason, /arch mismatch/);
});
