/**
 * Which protobuf message carries which kind. Keys are `apiVersion/kind` exactly as the
 * `runtime.Unknown` envelope names them; values are fully qualified message names in k8s.proto.
 */
const CORE = 'k8s.io.api.core.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const KIND_TYPES: Readonly<Record<string, string>> = {
  'v1/Namespace': `${CORE}.Namespace`,
  'v1/ConfigMap': `${CORE}.ConfigMap`,
  'v1/Secret': `${CORE}.Secret`,
  'v1/ServiceAccount': `${CORE}.ServiceAccount`,
  'v1/Service': `${CORE}.Service`,
  'v1/Endpoints': `${CORE}.Endpoints`,
  'v1/Pod': `${CORE}.Pod`,
  'v1/Event': `${CORE}.Event`,
  'v1/PersistentVolumeClaim': `${CORE}.PersistentVolumeClaim`,
  'v1/ResourceQuota': `${CORE}.ResourceQuota`,
  'apps/v1/Deployment': 'k8s.io.api.apps.v1.Deployment',
  'apps/v1/StatefulSet': 'k8s.io.api.apps.v1.StatefulSet',
  'apps/v1/DaemonSet': 'k8s.io.api.apps.v1.DaemonSet',
  'apps/v1/ReplicaSet': 'k8s.io.api.apps.v1.ReplicaSet',
  'batch/v1/Job': 'k8s.io.api.batch.v1.Job',
  'batch/v1/CronJob': 'k8s.io.api.batch.v1.CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'k8s.io.api.rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'k8s.io.api.rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'k8s.io.api.rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  'coordination.k8s.io/v1/Lease': 'k8s.io.api.coordination.v1.Lease',
  'scheduling.k8s.io/v1/PriorityClass': 'k8s.io.api.scheduling.v1.PriorityClass',
  'policy/v1/PodDisruptionBudget': 'k8s.io.api.policy.v1.PodDisruptionBudget',
  'policy/v1/Eviction': 'k8s.io.api.policy.v1.Eviction',
  'networking.k8s.io/v1/Ingress': 'k8s.io.api.networking.v1.Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'k8s.io.api.networking.v1.NetworkPolicy',
  'storage.k8s.io/v1/StorageClass': 'k8s.io.api.storage.v1.StorageClass',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'authentication.k8s.io/v1/TokenRequest': 'k8s.io.api.authentication.v1.TokenRequest',
  'authentication.k8s.io/v1/SelfSubjectReview': 'k8s.io.api.authentication.v1.SelfSubjectReview',
};

/**
 * The options kinds live in meta/v1 but are registered in every group version, so a client
 * sends them under the apiVersion of the resource it talks to (helm: `v1` DeleteOptions).
 */
const OPTIONS_TYPES: Readonly<Record<string, string>> = {
  DeleteOptions: `${META}.DeleteOptions`,
  CreateOptions: `${META}.CreateOptions`,
  UpdateOptions: `${META}.UpdateOptions`,
  PatchOptions: `${META}.PatchOptions`,
};

/**
 * The fully qualified protobuf message name for a kind, or undefined if we cannot decode it.
 *
 * @example
 * protobufTypeNameFor('v1', 'Secret'); // 'k8s.io.api.core.v1.Secret'
 * protobufTypeNameFor('apps/v1', 'DeleteOptions'); // 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'
 */
export function protobufTypeNameFor(apiVersion: string, kind: string): string | undefined {
  return KIND_TYPES[`${apiVersion}/${kind}`] ?? (Object.hasOwn(OPTIONS_TYPES, kind) ? OPTIONS_TYPES[kind] : undefined);
}

/** Every `apiVersion/kind` with a protobuf message (for error messages and tests). */
export function protobufKinds(): string[] {
  return [...Object.keys(KIND_TYPES), ...Object.keys(OPTIONS_TYPES).map((kind) => `*/${kind}`)];
}
