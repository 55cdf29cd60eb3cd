/**
 * Discovery data of the kinds compiled into the server, as upstream Kubernetes v1.33 reports it
 * (`kubectl api-resources -o wide`): names, short names, categories, scope, verbs, subresources.
 */
import type { ResourceDef, ScaleSubresource, Verb } from '../resource.ts';
import { ALL_VERBS } from '../resource.ts';
import { builtinSchema } from './schemas.ts';

/** Compact row of the table below; expanded by {@link builtinResources}. */
interface Row {
  gv: string;
  kind: string;
  plural: string;
  short?: string[];
  cats?: string[];
  cluster?: boolean;
  verbs?: Verb[];
  status?: boolean;
  scale?: boolean;
  /** PUT without resourceVersion refused (upstream strategy AllowUnconditionalUpdate() == false). */
  conditional?: boolean;
  fields?: string[];
}

const ALL = ['all'];
const EXT = ['api-extensions'];
/** Namespaces have no deletecollection (upstream registry/core/namespace). */
const NO_DELETECOLLECTION: Verb[] = ALL_VERBS.filter((v) => v !== 'deletecollection');
const CREATE_ONLY: Verb[] = ['create'];

/** Scale of the apps kinds; the label selector is computed from spec.selector, not read from a path. */
const REPLICAS_SCALE: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };

const ROWS: Row[] = [
  { gv: 'v1', kind: 'Namespace', plural: 'namespaces', short: ['ns'], cluster: true, verbs: NO_DELETECOLLECTION, status: true, fields: ['status.phase'] },
  { gv: 'v1', kind: 'ConfigMap', plural: 'configmaps', short: ['cm'] },
  { gv: 'v1', kind: 'Secret', plural: 'secrets', fields: ['type'] },
  { gv: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'] },
  { gv: 'v1', kind: 'Service', plural: 'services', short: ['svc'], cats: ALL, status: true },
  { gv: 'v1', kind: 'Endpoints', plural: 'endpoints', short: ['ep'] },
  {
    gv: 'v1', kind: 'Pod', plural: 'pods', short: ['po'], cats: ALL, status: true,
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  {
    gv: 'v1', kind: 'Event', plural: 'events', short: ['ev'],
    fields: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  },
  { gv: 'v1', kind: 'Node', plural: 'nodes', short: ['no'], cluster: true, status: true, fields: ['spec.unschedulable'] },
  { gv: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', short: ['pvc'], status: true },
  { gv: 'apps/v1', kind: 'Deployment', plural: 'deployments', short: ['deploy'], cats: ALL, status: true, scale: true },
  { gv: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', short: ['sts'], cats: ALL, status: true, scale: true },
  { gv: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], cats: ALL, status: true },
  { gv: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', short: ['rs'], cats: ALL, status: true, scale: true, fields: ['status.replicas'] },
  { gv: 'batch/v1', kind: 'Job', plural: 'jobs', cats: ALL, status: true, fields: ['status.successful'] },
  { gv: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', short: ['cj'], cats: ALL, status: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles', cluster: true },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', cluster: true },
  {
    gv: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions',
    short: ['crd', 'crds'], cats: EXT, cluster: true, status: true, conditional: true,
  },
  { gv: 'apiregistration.k8s.io/v1', kind: 'APIService', plural: 'apiservices', cats: EXT, cluster: true, status: true, conditional: true },
  { gv: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases' },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', cats: EXT, cluster: true },
  { gv: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', cats: EXT, cluster: true },
  { gv: 'scheduling.k8s.io/v1', kind: 'PriorityClass', plural: 'priorityclasses', short: ['pc'], cluster: true },
  { gv: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', short: ['pdb'], status: true },
  { gv: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', short: ['ing'], status: true },
  { gv: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', short: ['netpol'] },
  { gv: 'storage.k8s.io/v1', kind: 'StorageClass', plural: 'storageclasses', short: ['sc'], cluster: true },
  { gv: 'events.k8s.io/v1', kind: 'Event', plural: 'events', short: ['ev'] },
  { gv: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', cluster: true, verbs: CREATE_ONLY },
  { gv: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', cluster: true, verbs: CREATE_ONLY },
];

/** Splits "apps/v1" into group and version; "v1" is the core group "". */
export function parseGroupVersion(gv: string): { group: string; version: string } {
  const slash = gv.indexOf('/');
  return slash < 0 ? { group: '', version: gv } : { group: gv.slice(0, slash), version: gv.slice(slash + 1) };
}

function expandRow(row: Row): ResourceDef {
  const { group, version } = parseGroupVersion(row.gv);
  const def: ResourceDef = {
    group,
    version,
    kind: row.kind,
    listKind: `${row.kind}List`,
    plural: row.plural,
    singular: row.kind.toLowerCase(),
    shortNames: row.short ?? [],
    categories: row.cats ?? [],
    namespaced: !row.cluster,
    verbs: [...(row.verbs ?? ALL_VERBS)],
    statusSubresource: row.status ?? false,
    builtin: true,
    allowUnconditionalUpdate: !row.conditional,
  };
  if (row.scale) def.scale = { ...REPLICAS_SCALE };
  if (row.fields) def.selectableFields = [...row.fields];
  return def;
}

/** Only discovery data, no schemas: cheap, used by tooling that must not load the vendored JSON. */
export function builtinResourcesWithoutSchemas(): ResourceDef[] {
  return ROWS.map(expandRow);
}

/**
 * Every built-in kind with its upstream discovery data and resolved OpenAPI schema.
 * Schemas are shared and frozen: copy before mutating.
 *
 * @example
 * const deploy = builtinResources().find((d) => d.group === 'apps' && d.plural === 'deployments');
 * deploy?.shortNames; // ['deploy']
 */
export function builtinResources(): ResourceDef[] {
  return ROWS.map((row) => {
    const def = expandRow(row);
    def.schema = builtinSchema(def.group, def.version, def.kind);
    return def;
  });
}
