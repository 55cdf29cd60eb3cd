/**
 * Pure handling of rendered objects: ownership labels, default namespace, apply order, identities and the
 * hash that decides whether a render changed. No I/O.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.ts';
import { parseApiVersion } from '../kube/index.ts';

/** The AppRelease an object belongs to (survives agent restarts; prune and uninstall select on it). */
export const APP_RELEASE_LABEL = 'operator.alauda.io/app-release';
export const APP_RELEASE_NAMESPACE_LABEL = 'operator.alauda.io/app-release-namespace';
/** The chart release (`spec.source.charts[].releaseName`) that rendered the object. */
export const CHART_RELEASE_LABEL = 'operator.alauda.io/chart-release';

/** The owner of rendered objects. */
export interface Owner {
  name: string;
  namespace: string;
}

/** Label selector for every object of one AppRelease. */
export function ownerSelector(owner: Owner): string {
  return `${APP_RELEASE_LABEL}=${owner.name},${APP_RELEASE_NAMESPACE_LABEL}=${owner.namespace}`;
}

/** `apps/v1/Deployment`, `v1/ConfigMap`: how inventories name kinds. */
export function gvkOf(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `${obj.apiVersion}/${obj.kind}`;
}

export function parseGvk(gvk: string): { group: string; version: string; kind: string } {
  const slash = gvk.lastIndexOf('/');
  return { ...parseApiVersion(gvk.slice(0, slash)), kind: gvk.slice(slash + 1) };
}

/** `apps/v1/Deployment/ns/name` (namespace empty for cluster-scoped): an object's identity. */
export function identityOf(obj: KubeObject): string {
  return `${gvkOf(obj)}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/**
 * The object as the agent applies it: ownership labels added, and the namespace set for namespaced kinds
 * (the template's own namespace wins, else `defaultNamespace`) and removed for cluster-scoped ones.
 */
export function prepareObject(obj: KubeObject, owner: Owner, releaseName: string, namespaced: boolean, defaultNamespace: string): KubeObject {
  const metadata = { ...obj.metadata, labels: { ...obj.metadata.labels, [APP_RELEASE_LABEL]: owner.name, [APP_RELEASE_NAMESPACE_LABEL]: owner.namespace, [CHART_RELEASE_LABEL]: releaseName } };
  if (namespaced) metadata.namespace = obj.metadata.namespace || defaultNamespace;
  else delete metadata.namespace;
  return { ...obj, metadata };
}

// Helm's install order (pkg/release/util/kind_sorter.go), CRDs moved first: they must exist before their CRs.
const INSTALL_ORDER = [
  'CustomResourceDefinition', 'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList',
  'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

function installRank(kind: string | undefined): number {
  const i = INSTALL_ORDER.indexOf(kind ?? '');
  return i < 0 ? INSTALL_ORDER.length : i;
}

/** Objects in apply order (stable within a kind). Uninstall uses the reverse. */
export function sortForApply(objects: KubeObject[]): KubeObject[] {
  return objects.map((o, i) => ({ o, i })).sort((a, b) => installRank(a.o.kind) - installRank(b.o.kind) || a.i - b.i).map(({ o }) => o);
}

/** Rank for deleting: CRDs and Namespaces last, so their contents go first and cleanly. */
export function deleteRank(gvk: string): number {
  const kind = parseGvk(gvk).kind;
  if (kind === 'CustomResourceDefinition') return 2;
  if (kind === 'Namespace') return 1;
  return 0;
}

/** sha256 over the prepared objects, independent of helm's document order. */
export function manifestHash(objects: KubeObject[]): string {
  const lines = objects.map((o) => `${identityOf(o)}\n${stableJson(o)}`).sort();
  return createHash('sha256').update(lines.join('\n---\n')).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `spec.values` deep-merged with the chart's own values (chart wins; arrays and scalars replace). */
export function mergeValues(base: unknown, over: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  if (!isPlainObject(over)) return out;
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
