/**
 * Strategic-merge-patch metadata of the built-in kinds, as skeleton schemas that carry only
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` along the paths that need them.
 * Transcribed from the `patchStrategy` / `patchMergeKey` struct tags of upstream
 * k8s.io/api core/v1, apps/v1, batch/v1 types.go and apimachinery meta/v1 ObjectMeta.
 * Fields not listed here are maps (merged) or lists without a tag (replaced, i.e. atomic).
 */
import type { JSONSchemaProps } from '../resource.ts';

function object(properties: Record<string, JSONSchemaProps>): JSONSchemaProps {
  return { type: 'object', properties };
}

/** `patchStrategy:"merge" patchMergeKey:"<key>"` on a list of structs. */
function mergeByKey(mergeKey: string, items: JSONSchemaProps = { type: 'object' }, strategy = 'merge'): JSONSchemaProps {
  return { type: 'array', 'x-kubernetes-patch-strategy': strategy, 'x-kubernetes-patch-merge-key': mergeKey, items };
}

/** `patchStrategy:"merge"` on a list of scalars: merged as a set. */
function mergeSet(): JSONSchemaProps {
  return { type: 'array', 'x-kubernetes-patch-strategy': 'merge', items: { type: 'string' } };
}

/** metav1.ObjectMeta: finalizers merge as a set, ownerReferences by uid. */
export const metadataPatchMeta: JSONSchemaProps = object({
  finalizers: mergeSet(),
  ownerReferences: mergeByKey('uid'),
});

/** core/v1 Container (and EphemeralContainerCommon, which has the same tags). envFrom, resizePolicy: atomic. */
export const containerPatchMeta: JSONSchemaProps = object({
  ports: mergeByKey('containerPort'),
  env: mergeByKey('name'),
  volumeMounts: mergeByKey('mountPath'),
  volumeDevices: mergeByKey('devicePath'),
});

/** core/v1 PodSpec. tolerations and readinessGates carry no tag upstream: replaced. */
export const podSpecPatchMeta: JSONSchemaProps = object({
  volumes: mergeByKey('name', { type: 'object' }, 'merge,retainKeys'),
  initContainers: mergeByKey('name', containerPatchMeta),
  containers: mergeByKey('name', containerPatchMeta),
  ephemeralContainers: mergeByKey('name', containerPatchMeta),
  imagePullSecrets: mergeByKey('name'),
  hostAliases: mergeByKey('ip'),
  topologySpreadConstraints: mergeByKey('topologyKey'),
  schedulingGates: mergeByKey('name'),
  resourceClaims: mergeByKey('name', { type: 'object' }, 'merge,retainKeys'),
});

/** core/v1 PodTemplateSpec. */
export const podTemplatePatchMeta: JSONSchemaProps = object({ metadata: metadataPatchMeta, spec: podSpecPatchMeta });

/** `status.conditions` merged by `type` (most workload and core statuses). */
const statusWithConditions: JSONSchemaProps = object({ conditions: mergeByKey('type') });

/** A kind whose only patch metadata is in `metadata`. */
const metadataOnly: JSONSchemaProps = object({ metadata: metadataPatchMeta });

/** A workload whose `spec.template` is a PodTemplateSpec, with optional extra spec fields. */
function workload(spec: Record<string, JSONSchemaProps> = {}): JSONSchemaProps {
  return object({ metadata: metadataPatchMeta, spec: object({ template: podTemplatePatchMeta, ...spec }), status: statusWithConditions });
}

/** Patch metadata per built-in Kind. Read-only: shared by every request. */
export const BUILTIN_PATCH_META: Readonly<Record<string, JSONSchemaProps>> = deepFreeze({
  Pod: object({
    metadata: metadataPatchMeta,
    spec: podSpecPatchMeta,
    status: object({ conditions: mergeByKey('type'), podIPs: mergeByKey('ip') }),
  }),
  PodTemplate: object({ metadata: metadataPatchMeta, template: podTemplatePatchMeta }),
  ReplicationController: workload(),
  // apps/v1 DeploymentSpec.Strategy: `patchStrategy:"retainKeys"`.
  Deployment: workload({ strategy: { type: 'object', 'x-kubernetes-patch-strategy': 'retainKeys' } }),
  StatefulSet: workload(),
  DaemonSet: workload(),
  ReplicaSet: workload(),
  Job: workload(),
  CronJob: object({
    metadata: metadataPatchMeta,
    spec: object({ jobTemplate: object({ metadata: metadataPatchMeta, spec: object({ template: podTemplatePatchMeta }) }) }),
  }),
  Service: object({ metadata: metadataPatchMeta, spec: object({ ports: mergeByKey('port') }), status: statusWithConditions }),
  Namespace: object({ metadata: metadataPatchMeta, status: statusWithConditions }),
  Node: object({
    metadata: metadataPatchMeta,
    spec: object({ podCIDRs: mergeSet() }),
    status: object({ conditions: mergeByKey('type'), addresses: mergeByKey('type') }),
  }),
  PersistentVolumeClaim: object({ metadata: metadataPatchMeta, status: statusWithConditions }),
  ConfigMap: metadataOnly,
  Secret: metadataOnly,
  // ServiceAccount.imagePullSecrets has no patch tag upstream (unlike PodSpec's): replaced.
  ServiceAccount: object({ metadata: metadataPatchMeta, secrets: mergeByKey('name') }),
  Role: metadataOnly,
  ClusterRole: metadataOnly,
  RoleBinding: metadataOnly,
  ClusterRoleBinding: metadataOnly,
  Event: metadataOnly,
  Endpoints: metadataOnly,
});

/**
 * Patch-metadata schema for a built-in Kind, or `undefined` when the kind is not built in (then
 * strategic merge patch treats every list as replaced).
 *
 * @example
 * applyStrategicMergePatch(live, patch, patchMetaFor('Deployment'));
 */
export function patchMetaFor(kind: string): JSONSchemaProps | undefined {
  return Object.hasOwn(BUILTIN_PATCH_META, kind) ? BUILTIN_PATCH_META[kind] : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
