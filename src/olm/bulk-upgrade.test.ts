import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ResourceRef } from '../kube/index.ts';
import type { UpgradeKube } from './bulk-upgrade.ts';
import { APPROVE_PATCH, approveAlaudaUpgrades, awaitsManualApproval, pendingAlaudaUpgrades, sourceTypeFromArtifactVersions, upgradeCandidates } from './bulk-upgrade.ts';

const plan = (ns: string, name: string, csvs: string[], subs: string[], extra: { approval?: string; approved?: boolean; phase?: string } = {}): KubeObject => ({
  metadata: { name, namespace: ns, ownerReferences: subs.map((s) => ({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription', name: s, uid: `uid-${ns}-${s}` })) },
  spec: { approval: extra.approval ?? 'Manual', approved: extra.approved ?? false, clusterServiceVersionNames: csvs },
  status: { phase: extra.phase ?? 'RequiresApproval' },
});
const sub = (ns: string, name: string, pkg: string, [installed, current, planName]: [string | undefined, string, string], source = 'platform'): KubeObject => ({
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` },
  spec: { name: pkg, source, sourceNamespace: 'cpaas-system', channel: 'stable', installPlanApproval: 'Manual' },
  status: { ...(installed ? { installedCSV: installed } : {}), currentCSV: current, installPlanRef: { name: planName, namespace: ns }, state: 'UpgradePending' },
});
const av = (pkg: string, version: string, sourceType: string, library = 'platform'): KubeObject => ({
  metadata: { name: `${pkg}.v${version}`, namespace: 'cpaas-system', labels: { 'cpaas.io/artifact': pkg, 'cpaas.io/library': library }, annotations: { 'cpaas.io/source-type': sourceType, 'cpaas.io/csv-name': `${pkg}.v${version}` } },
});

const H10 = 'harbor-ce-operator.v2.12.10';
const H11 = 'harbor-ce-operator.v2.12.11';
const C2 = 'clickhouse-operator.v0.18.2';
const C3 = 'clickhouse-operator.v0.18.3';

function fakeKube(objects: { plans: KubeObject[]; subs: KubeObject[]; avs: KubeObject[]; manifests?: KubeObject[] }) {
  const patches: { name: string; namespace?: string; patch: unknown; type?: string }[] = [];
  const kube: UpgradeKube = {
    list: (async (r: ResourceRef) => {
      const items = r.plural === 'installplans' ? objects.plans : r.plural === 'subscriptions' ? objects.subs : r.plural === 'artifactversions' ? objects.avs : (objects.manifests ?? []);
      return { items, metadata: {} };
    }) as UpgradeKube['list'],
    patch: (async (_r: ResourceRef, name: string, namespace: string | undefined, patch: unknown, type?: string) => {
      patches.push({ name, namespace, patch, type });
      return { metadata: { name, namespace } };
    }) as UpgradeKube['patch'],
  };
  return { kube, patches };
}

describe('bulk upgrade of Alauda operators: selection', () => {
  it('only Manual, unapproved, unfinished plans await approval', () => {
    assert.equal(awaitsManualApproval(plan('a', 'p', [H11], ['s'])), true);
    assert.equal(awaitsManualApproval(plan('a', 'p', [H11], ['s'], { approved: true })), false);
    assert.equal(awaitsManualApproval(plan('a', 'p', [H11], ['s'], { approval: 'Automatic' })), false);
    assert.equal(awaitsManualApproval(plan('a', 'p', [H11], ['s'], { phase: 'Complete' })), false);
    assert.equal(awaitsManualApproval(plan('a', 'p', [H11], ['s'], { phase: 'Failed' })), false);
  });

  it('keeps upgrades, drops first installs and plans the Subscription no longer references', () => {
    const plans = [plan('a', 'install-up', [H11], ['harbor']), plan('b', 'install-first', [H10], ['harbor']), plan('c', 'install-old', [H11], ['harbor'])];
    const subs = [sub('a', 'harbor', 'harbor-ce-operator', [H10, H11, 'install-up']), sub('b', 'harbor', 'harbor-ce-operator', [undefined, H10, 'install-first']), sub('c', 'harbor', 'harbor-ce-operator', [H10, H11, 'install-new'])];
    assert.deepEqual(upgradeCandidates(plans, subs), [[{ namespace: 'a', installPlan: 'install-up', subscription: 'harbor', package: 'harbor-ce-operator', fromCSV: H10, toCSV: H11 }]]);
  });

  it('reads the source type from the ArtifactVersion of the target CSV, preferring the catalog', () => {
    const avs = [av('harbor-ce-operator', '2.12.10', 'Community'), av('harbor-ce-operator', '2.12.11', 'Alauda'), av('harbor-ce-operator', '2.12.11', 'Custom', 'custom')];
    assert.equal(sourceTypeFromArtifactVersions(avs, 'harbor-ce-operator', H11, 'platform'), 'Alauda');
    assert.equal(sourceTypeFromArtifactVersions(avs, 'harbor-ce-operator', H11, 'custom'), 'Custom');
    assert.equal(sourceTypeFromArtifactVersions(avs, 'harbor-ce-operator', 'harbor-ce-operator.v9', 'platform'), 'Community');
    assert.equal(sourceTypeFromArtifactVersions(avs, 'other', H11, 'platform'), undefined);
  });

  it('lists and approves only Alauda upgrades; a plan mixing in a Community package is left alone', async () => {
    const plans = [
      plan('h1', 'install-a', [H11], ['harbor']),
      plan('h2', 'install-b', [H11], ['harbor']),
      plan('ch', 'install-c', [C3], ['clickhouse']),
      plan('mixed', 'install-d', [H11, C3], ['harbor', 'clickhouse']),
      plan('pm', 'install-e', ['other-operator.v2'], ['other']),
    ];
    const subs = [
      sub('h1', 'harbor', 'harbor-ce-operator', [H10, H11, 'install-a']),
      sub('h2', 'harbor', 'harbor-ce-operator', [H10, H11, 'install-b']),
      sub('ch', 'clickhouse', 'clickhouse-operator', [C2, C3, 'install-c']),
      sub('mixed', 'harbor', 'harbor-ce-operator', [H10, H11, 'install-d']),
      sub('mixed', 'clickhouse', 'clickhouse-operator', [C2, C3, 'install-d']),
      sub('pm', 'other', 'other-operator', ['other-operator.v1', 'other-operator.v2', 'install-e'], 'fbc'),
    ];
    const avs = [av('harbor-ce-operator', '2.12.11', 'Alauda'), av('clickhouse-operator', '0.18.3', 'Community')];
    const manifests: KubeObject[] = [{ metadata: { name: 'other-operator', namespace: 'pm', labels: { catalog: 'fbc', 'catalog-namespace': 'cpaas-system', 'cpaas.io/source-type': 'Alauda' } } }];
    const { kube, patches } = fakeKube({ plans, subs, avs, manifests });
    const pending = await pendingAlaudaUpgrades(kube);
    assert.deepEqual(pending.map((u) => `${u.namespace}/${u.installPlan}/${u.package}/${u.fromCSV}->${u.toCSV}`), [
      `h1/install-a/harbor-ce-operator/${H10}->${H11}`,
      `h2/install-b/harbor-ce-operator/${H10}->${H11}`,
      'pm/install-e/other-operator/other-operator.v1->other-operator.v2',
    ]);
    assert.equal(patches.length, 0, 'listing patches nothing');
    const approved = await approveAlaudaUpgrades(kube);
    assert.deepEqual(approved, pending);
    assert.deepEqual(patches, [
      { name: 'install-a', namespace: 'h1', patch: APPROVE_PATCH, type: 'json' },
      { name: 'install-b', namespace: 'h2', patch: APPROVE_PATCH, type: 'json' },
      { name: 'install-e', namespace: 'pm', patch: APPROVE_PATCH, type: 'json' },
    ]);
    assert.deepEqual(APPROVE_PATCH, [{ op: 'replace', path: '/spec/approved', value: true }]);
  });
});
