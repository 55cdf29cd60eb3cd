import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import type { WorkloadKind } from './health.ts';
import { isWorkload, workloadHealth } from './health.ts';

const obj = (status: Record<string, unknown> | undefined, spec: Record<string, unknown> = {}, generation = 1): KubeObject => ({ metadata: { name: 'x', generation }, spec, status });

const cases: [string, WorkloadKind, KubeObject | undefined, boolean, RegExp?][] = [
  ['absent', 'Deployment', undefined, false, /not observed yet/],
  ['deployment available', 'Deployment', obj({ observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] }), true],
  ['deployment of an old generation', 'Deployment', obj({ observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1 }, {}, 2), false, /current generation/],
  ['deployment with a pull failure', 'Deployment', obj({ observedGeneration: 1, conditions: [{ type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' }, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'Failed to pull image "a"' }] }), false, /Failed to pull image "a"/],
  ['deployment short of replicas', 'Deployment', obj({ observedGeneration: 1, updatedReplicas: 3, availableReplicas: 2 }, { replicas: 3 }), false, /2 of 3 replicas ready/],
  ['statefulset ready', 'StatefulSet', obj({ observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2 }, { replicas: 2 }), true],
  ['statefulset pulling', 'StatefulSet', obj({ observedGeneration: 1, updatedReplicas: 1, availableReplicas: 0, conditions: [{ type: 'Available', status: 'False', message: 'Failed to pull image "b"' }] }), false, /Failed to pull image "b"/],
  ['daemonset ready', 'DaemonSet', obj({ observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberReady: 1 }), true],
  ['daemonset unavailable', 'DaemonSet', obj({ observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 0, numberUnavailable: 1 }), false, /0 of 1 pods ready/],
  ['daemonset unscheduled', 'DaemonSet', obj({ observedGeneration: 1 }), false, /not scheduled/],
  ['job complete', 'Job', obj({ conditions: [{ type: 'Complete', status: 'True' }] }), true],
  ['job failed', 'Job', obj({ conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] }), false, /Job failed: BackoffLimitExceeded/],
  ['job running', 'Job', obj({ active: 1 }), false, /not complete/],
];

for (const [name, kind, live, ready, reason] of cases) {
  test(`workloadHealth: ${name}`, () => {
    const h = workloadHealth(kind, live);
    assert.equal(h.ready, ready);
    if (reason) assert.match(h.reason ?? '', reason);
  });
}

test('isWorkload needs the right apiVersion', () => {
  assert.equal(isWorkload({ apiVersion: 'apps/v1', kind: 'Deployment' }), true);
  assert.equal(isWorkload({ apiVersion: 'example.com/v1', kind: 'Deployment' }), false);
  assert.equal(isWorkload({ apiVersion: 'v1', kind: 'ConfigMap' }), false);
});
