/**
 * The deployment install strategy: server-side apply of `spec.install.spec.deployments` with the OLM owner
 * labels, and the health check (upstream `install/status_viewer.go` DeploymentStatus messages).
 */
import { createHash } from 'node:crypto';
import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import type { Csv, StrategyDeployment } from './olm-operator-status.ts';

/** apps/v1 Deployments. */
export const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };

/** Labels OLM puts on what a CSV owns. */
export const OWNER_LABELS = { name: 'olm.owner', namespace: 'olm.owner.namespace', kind: 'olm.owner.kind', specHash: 'olm.deployment-spec-hash' } as const;

/** The field manager of the OLM operator's applies. */
export const FIELD_MANAGER = 'olm-operator';

const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** The Deployment object OLM applies for one strategy entry. */
export function deploymentFor(csv: Csv, dep: StrategyDeployment): KubeObject {
  const template = dep.spec.template ?? {};
  const projected = Object.fromEntries(Object.entries(csv.metadata.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)));
  const spec = { ...dep.spec, template: { ...template, metadata: { ...template.metadata, annotations: { ...template.metadata?.annotations, ...projected } } } };
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: dep.name,
      namespace: csv.metadata.namespace,
      labels: {
        ...dep.label,
        [OWNER_LABELS.name]: csv.metadata.name!,
        [OWNER_LABELS.namespace]: csv.metadata.namespace!,
        [OWNER_LABELS.kind]: 'ClusterServiceVersion',
        [OWNER_LABELS.specHash]: hash,
      },
      ownerReferences: [{ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', name: csv.metadata.name!, uid: csv.metadata.uid!, controller: false, blockOwnerDeletion: false }],
    },
    spec,
  };
}

/** Creates or updates every deployment of the strategy (server-side apply; this manager owns what it sets). */
export async function applyDeployments(kube: KubeClient, csv: Csv): Promise<void> {
  for (const dep of csv.spec.install?.spec?.deployments ?? []) await kube.apply(DEPLOYMENTS, deploymentFor(csv, dep), FIELD_MANAGER);
}

type Condition = { type: string; status: string; reason?: string; message?: string };
type Deployment = KubeObject & {
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: Condition[] };
};

/** Outcome of a health check: healthy, waiting (with message), or failed for good (with message). */
export type InstallCheck = { state: 'healthy' } | { state: 'waiting' | 'missing' | 'failed'; message: string };

/**
 * Upstream DeploymentStatus for one deployment. When Available is not True, the message also carries a
 * non-standard Progressing message (the node simulator's image-pull failure), so users see the cause.
 */
export function deploymentStatus(d: Deployment): InstallCheck {
  const name = d.metadata.name;
  const st = d.status ?? {};
  const cond = (t: string) => (st.conditions ?? []).find((c) => c.type === t);
  const waiting = (m: string): InstallCheck => ({ state: 'waiting', message: `waiting for deployment ${name} to become ready: ${m}` });
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) return waiting('Waiting for deployment spec update to be observed...\n');
  const progressing = cond('Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { state: 'failed', message: `deployment ${name} not ready before timeout: deployment "${name}" exceeded its progress deadline` };
  const replicas = d.spec?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < replicas) return waiting(`Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`);
  if ((st.replicas ?? 0) > updated) return waiting(`Waiting for rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`);
  const available = cond('Available');
  if (!available || available.status !== 'True') {
    if (!available) return waiting('missing condition "Available"');
    const cause = progressing && progressing.reason !== 'NewReplicaSetAvailable' && progressing.message ? ` ${progressing.message}` : '';
    return waiting(`deployment "${name}" not available: ${available.message ?? ''}${cause}`);
  }
  if ((st.availableReplicas ?? 0) < updated) return waiting(`Waiting for rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`);
  return { state: 'healthy' };
}

/** Checks every strategy deployment: the first that is missing, failed or waiting decides. */
export function checkDeployments(csv: Csv, get: (name: string, namespace: string) => KubeObject | undefined): InstallCheck {
  for (const dep of csv.spec.install?.spec?.deployments ?? []) {
    const d = get(dep.name, csv.metadata.namespace!) as Deployment | undefined;
    if (!d) return { state: 'missing', message: `missing deployment with name=${dep.name}` };
    if (d.metadata.labels?.[OWNER_LABELS.name] !== csv.metadata.name) return { state: 'missing', message: `deployment ${dep.name} is not owned by this ClusterServiceVersion` };
    const r = deploymentStatus(d);
    if (r.state !== 'healthy') return r;
  }
  return { state: 'healthy' };
}
