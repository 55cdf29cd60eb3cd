/**
 * Workload health as kubectl rollout status judges it, from the status the node simulator (or a real
 * kube-controller-manager) writes. Pure functions.
 */
import type { KubeObject, ResourceRef } from '../kube/index.ts';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

/** Resources of the workload kinds the agent watches for health. */
export const WORKLOAD_RESOURCES: Readonly<Record<WorkloadKind, ResourceRef>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
};

const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1' };

export function isWorkload(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): obj is KubeObject & { kind: WorkloadKind } {
  const kind = obj.kind as WorkloadKind;
  return kind in WORKLOAD_API_VERSIONS && WORKLOAD_API_VERSIONS[kind] === obj.apiVersion;
}

/** Whether a workload is ready, and if not, why (for the Health condition's message). */
export interface WorkloadHealth {
  ready: boolean;
  reason?: string;
}

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberReady?: number;
  numberUnavailable?: number;
  conditions?: Cond[];
}

/** The health of `live` (the object as the server has it; undefined = not observed yet). */
export function workloadHealth(kind: WorkloadKind, live: KubeObject | undefined): WorkloadHealth {
  if (!live) return { ready: false, reason: 'not observed yet' };
  const status = (live.status ?? {}) as WorkloadStatus;
  if (kind === 'Job') return jobHealth(status);
  if ((status.observedGeneration ?? 0) < (live.metadata.generation ?? 1)) return { ready: false, reason: 'status not observed for the current generation' };
  const replicas = ((live.spec ?? {}) as { replicas?: number }).replicas ?? 1;
  if (kind === 'DaemonSet') return daemonSetHealth(status);
  if (kind === 'Deployment') return deploymentHealth(status, replicas);
  return replicasHealth(status, status.readyReplicas ?? 0, replicas);
}

/** A failing condition's message, else `fallback`. */
function notReady(status: WorkloadStatus, fallback: string): WorkloadHealth {
  return { ready: false, reason: status.conditions?.find((c) => c.status === 'False' && c.message)?.message ?? fallback };
}

function replicasHealth(status: WorkloadStatus, ready: number, replicas: number): WorkloadHealth {
  return ready >= replicas && (status.updatedReplicas ?? 0) >= replicas ? { ready: true } : notReady(status, `${ready} of ${replicas} replicas ready`);
}

function deploymentHealth(status: WorkloadStatus, replicas: number): WorkloadHealth {
  const conditions = status.conditions ?? [];
  if (!conditions.some((c) => c.type === 'Available' && c.status === 'False')) return replicasHealth(status, status.availableReplicas ?? 0, replicas);
  // The rollout's cause (e.g. an image that cannot be pulled) is on Progressing, not on Available.
  const progressing = conditions.find((c) => c.type === 'Progressing' && c.reason !== 'NewReplicaSetAvailable' && c.message);
  return { ready: false, reason: progressing?.message ?? 'Deployment does not have minimum availability.' };
}

function daemonSetHealth(status: WorkloadStatus): WorkloadHealth {
  const desired = status.desiredNumberScheduled;
  if (desired === undefined) return notReady(status, 'not scheduled yet');
  const ready = (status.numberReady ?? 0) >= desired && (status.updatedNumberScheduled ?? desired) >= desired && !status.numberUnavailable;
  return ready ? { ready: true } : notReady(status, `${status.numberReady ?? 0} of ${desired} pods ready`);
}

function jobHealth(status: WorkloadStatus): WorkloadHealth {
  const conditions = status.conditions ?? [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { ready: true };
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return { ready: false, reason: `Job failed: ${failed.message ?? 'no message'}` };
  return notReady(status, 'not complete yet');
}
