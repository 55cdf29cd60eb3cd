/**
 * Pure status computations: what a healthy controller (plus kubelet) would write for a workload whose images
 * are all present, and what it would write while an image cannot be pulled. Strings follow upstream
 * (kube-controller-manager) where a standard exists; see README.md for the exact table.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.ts';
import { pullFailedMessage } from './images.ts';

/** The workload kinds the simulator drives. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

/** A status condition as written by the simulator. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

type Status = Record<string, unknown> & { conditions?: Condition[] };

/** `<name>-<10 hex>`: a stand-in for the pod-template-hash / controller revision name. */
export function revisionName(obj: KubeObject): string {
  const spec = obj.spec as { template?: unknown } | undefined;
  return `${obj.metadata.name}-${createHash('sha256').update(JSON.stringify(spec?.template ?? {})).digest('hex').slice(0, 10)}`;
}

const cond = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({ type, status, reason, message });

/** The simulator-only condition of StatefulSets, DaemonSets and Jobs whose images are missing. */
const pullCondition = (missing: string[]): Condition => cond('Available', 'False', 'ErrImagePull', missing.map(pullFailedMessage).join('; '));

/**
 * The status to write for `obj` given the images that are missing from the registry (none → healthy).
 * Timestamps are left out; {@link mergeConditions} carries them over from the current status.
 */
export function desiredStatus(kind: WorkloadKind, obj: KubeObject, missing: string[]): Status {
  const spec = (obj.spec ?? {}) as { replicas?: number; completions?: number; parallelism?: number };
  const generation = obj.metadata.generation ?? 1;
  const ok = missing.length === 0;
  const n = spec.replicas ?? 1;
  const rev = revisionName(obj);
  switch (kind) {
    case 'Deployment':
      return ok
        ? {
            observedGeneration: generation, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n,
            conditions: [
              cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
              cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rev}" has successfully progressed.`),
            ],
          }
        : {
            observedGeneration: generation, replicas: n, updatedReplicas: n, unavailableReplicas: n,
            conditions: [
              cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
              cond('Progressing', 'True', 'ReplicaSetUpdated', missing.map(pullFailedMessage).join('; ')),
            ],
          };
    case 'StatefulSet':
      return {
        observedGeneration: generation, replicas: n, currentReplicas: n, updatedReplicas: n,
        ...(ok ? { readyReplicas: n, availableReplicas: n } : { availableReplicas: 0 }),
        currentRevision: rev, updateRevision: rev, collisionCount: 0,
        ...(ok ? {} : { conditions: [pullCondition(missing)] }),
      };
    case 'DaemonSet':
      // One simulated node.
      return {
        observedGeneration: generation, currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, updatedNumberScheduled: 1,
        ...(ok ? { numberReady: 1, numberAvailable: 1 } : { numberReady: 0, numberUnavailable: 1 }),
        ...(ok ? {} : { conditions: [pullCondition(missing)] }),
      };
    case 'Job': {
      const completions = spec.completions ?? 1;
      if (!ok) return { active: spec.parallelism ?? 1, ready: 0, conditions: [pullCondition(missing)] };
      const reached = 'Reached expected number of succeeded pods';
      return {
        succeeded: completions, ready: 0, terminating: 0,
        conditions: [cond('SuccessCriteriaMet', 'True', 'CompletionsReached', reached), cond('Complete', 'True', 'CompletionsReached', reached)],
      };
    }
  }
}

/**
 * Carries `lastUpdateTime`/`lastTransitionTime` over from `current` for unchanged conditions and stamps `now`
 * on changed ones (Deployments have both fields; the other kinds only lastTransitionTime).
 */
export function mergeConditions(kind: WorkloadKind, desired: Condition[] | undefined, current: Condition[] | undefined, now: string): Condition[] | undefined {
  if (!desired) return undefined;
  return desired.map((d) => {
    const old = current?.find((c) => c.type === d.type);
    const same = old && old.status === d.status && old.reason === d.reason && old.message === d.message;
    const transition = old && old.status === d.status ? old.lastTransitionTime ?? now : now;
    if (kind === 'Deployment') return { ...d, lastUpdateTime: same ? old.lastUpdateTime ?? now : now, lastTransitionTime: transition };
    return { ...d, lastTransitionTime: transition };
  });
}

/** True when the Job already finished (Complete or Failed): its status is final. */
export function jobFinished(obj: KubeObject): boolean {
  const conditions = ((obj.status ?? {}) as Status).conditions ?? [];
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}
