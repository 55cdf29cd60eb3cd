import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../kube/index.ts';
import { nextGeneration, operatorLabel, plansToCollect } from './catalog-operator-plan.ts';
import { approvalRefusal, desiredOperatorGroup, parseTargetNamespaces } from './catalog-operator-platform.ts';
import type { SubscriptionObject, SubscriptionStatus } from './catalog-operator-status.ts';
import { setCondition, statusChanged } from './catalog-operator-status.ts';
import type { Catalog } from '../model.ts';

const sub = (name: string, approval?: string, annotations?: Record<string, string>): SubscriptionObject => ({
  metadata: { name, namespace: 'ns', annotations },
  spec: { name: 'harbor-ce-operator', source: 'platform', sourceNamespace: 'cpaas-system', installPlanApproval: approval },
});
const plan = (generation: number): KubeObject => ({ metadata: { name: `install-${generation}` }, spec: { generation } });
const catalog: Catalog = { source: 'platform', sourceNamespace: 'cpaas-system', packages: [{ name: 'harbor-ce-operator', defaultChannel: 'stable', sourceType: 'Alauda' }], channels: [], bundles: [] };

describe('catalog operator: platform rules', () => {
  it('parses cpaas.io/target-namespaces', () => {
    assert.deepEqual(parseTargetNamespaces(''), []);
    assert.deepEqual(parseTargetNamespaces('a, b,,a'), ['a', 'b']);
  });
  it('creates the OperatorGroup only when annotated and none exists', () => {
    assert.equal(desiredOperatorGroup('ns', [sub('a')], []), undefined);
    assert.equal(desiredOperatorGroup('ns', [sub('a', 'Manual', { 'cpaas.io/target-namespaces': '' })], [plan(1)]), undefined);
    const og = desiredOperatorGroup('ns', [sub('b', 'Manual', { 'cpaas.io/target-namespaces': 'x' }), sub('a', 'Manual', { 'cpaas.io/target-namespaces': '' })], [])!;
    assert.deepEqual(og.spec, { upgradeStrategy: 'Default' });
    assert.equal(og.metadata.annotations?.['cpaas.io/created-by-subscription'], 'a');
  });
  it('refuses anything but exactly Manual for Alauda packages', () => {
    assert.equal(approvalRefusal(sub('a', 'Manual'), [catalog]), undefined);
    assert.equal(approvalRefusal(sub('a', 'manual'), [catalog])?.reason, 'ManualApprovalRequired');
    assert.match(approvalRefusal(sub('a'), [catalog])!.message!, /uses installPlanApproval Automatic/);
    assert.equal(approvalRefusal(sub('a'), [{ ...catalog, packages: [{ name: 'harbor-ce-operator', defaultChannel: 'stable', sourceType: 'Community' }] }]), undefined);
  });
});

describe('catalog operator: plans and status', () => {
  it('generation is max(subscriptions, plans) + 1; GC keeps 5, lowest generation first', () => {
    const s = { ...sub('a'), status: { installPlanGeneration: 7 } };
    assert.equal(nextGeneration([s], [plan(3)]), 8);
    assert.deepEqual(plansToCollect([7, 1, 5, 2, 6, 3, 4].map(plan)).map((p) => (p.spec as { generation: number }).generation), [1, 2]);
  });
  it('operator label only when the name fits', () => {
    assert.equal(operatorLabel('etcd', 'operators'), 'operators.coreos.com/etcd.operators');
    assert.equal(operatorLabel('x'.repeat(60), 'operators'), undefined);
  });
  it('lastTransitionTime moves only with the status; lastUpdated alone is no change', () => {
    const st: SubscriptionStatus = {};
    setCondition(st, { type: 'X', status: 'True', reason: 'A' }, 't1');
    setCondition(st, { type: 'X', status: 'True', reason: 'B' }, 't2');
    assert.deepEqual(st, { conditions: [{ type: 'X', status: 'True', reason: 'B', lastTransitionTime: 't1' }] });
    assert.equal(statusChanged({ ...st, lastUpdated: 'a' }, { ...st, lastUpdated: 'b' }), false);
  });
});
