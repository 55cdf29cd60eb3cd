/**
 * Built-in kind → table printer registry and `builtinTable`. Column sets follow kubernetes
 * pkg/printers/internalversion/printers.go (server side prints wide: priority-1 cells included);
 * RBAC roles and CRDs use the apiserver default converter (Name, Created At).
 */
import type { KubeObject } from '../../kube/types.ts';
import type { Printer } from './printer-util.ts';
import { age, ageColumn, list, str } from './printer-util.ts';
import * as core from './printers-core.ts';
import { pod } from './printers-pod.ts';
import * as workloads from './printers-workloads.ts';
import type { ResourceDef } from '../resource.ts';
import type { Table, TableOptions } from './table.ts';
import { buildTable, column, CREATION_TIMESTAMP_DESCRIPTION, crdTable, nameColumn } from './table.ts';

const name = (obj: KubeObject): string => obj.metadata?.name ?? '';

// rest.NewDefaultTableConvertor: creationTimestamp as RFC 3339 in UTC, zero time when unset.
const createdAt: Printer = {
  columns: [nameColumn(), column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  row: (obj) => {
    const ts = Date.parse(obj.metadata?.creationTimestamp ?? '');
    return { cells: [name(obj), Number.isNaN(ts) ? '0001-01-01T00:00:00Z' : new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z')] };
  },
};

function subjects(obj: KubeObject, kind: string): string {
  return list(obj, 'subjects')
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s, 'namespace')}/${str(s, 'name')}` : str(s, 'name')))
    .join(', ');
}

const roleBinding = (what: string): Printer => ({
  columns: [
    nameColumn(),
    column('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
    ageColumn(),
    column('Users', 'string', `Users in the ${what}`, 1),
    column('Groups', 'string', `Groups in the ${what}`, 1),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
  ],
  row: (obj, now) => ({
    cells: [name(obj), `${str(obj, 'roleRef.kind')}/${str(obj, 'roleRef.name')}`, age(obj, now), subjects(obj, 'User'), subjects(obj, 'Group'), subjects(obj, 'ServiceAccount')],
  }),
});

function nodeStatus(obj: KubeObject): string {
  const ready = list(obj, 'status.conditions').find((c) => c.type === 'Ready');
  const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if ((obj.spec as { unschedulable?: boolean } | undefined)?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(obj: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (obj: KubeObject, type: string): string => str(list(obj, 'status.addresses').find((a) => a.type === type), 'address', '<none>');

const node: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      nodeStatus(obj),
      nodeRoles(obj),
      age(obj, now),
      str(obj, 'status.nodeInfo.kubeletVersion'),
      nodeAddress(obj, 'InternalIP'),
      nodeAddress(obj, 'ExternalIP'),
      str(obj, 'status.nodeInfo.osImage') || '<unknown>',
      str(obj, 'status.nodeInfo.kernelVersion') || '<unknown>',
      str(obj, 'status.nodeInfo.containerRuntimeVersion') || '<unknown>',
    ],
  }),
};

/** kube-aggregator's printer: SERVICE is namespace/name or Local, AVAILABLE is the condition (with its reason when not True). */
const apiService: Printer = {
  columns: [
    nameColumn(),
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    ageColumn(),
  ],
  row: (obj, now) => {
    const svc = (obj.spec as { service?: { namespace?: string; name?: string } | null } | undefined)?.service;
    const available = list(obj, 'status.conditions').find((c) => c.type === 'Available');
    const state = !available ? 'Unknown' : available.status === 'True' ? 'True' : `${available.status} (${str(available, 'reason')})`;
    return { cells: [name(obj), svc?.name ? `${svc.namespace}/${svc.name}` : 'Local', state, age(obj, now)] };
  },
};

const fallback: Printer = { columns: [nameColumn(), ageColumn()], row: (obj, now) => ({ cells: [name(obj), age(obj, now)] }) };

const printers: Record<string, Printer> = {
  ConfigMap: core.configMap,
  Secret: core.secret,
  Namespace: core.namespace,
  ServiceAccount: core.serviceAccount,
  Service: core.service,
  Endpoints: core.endpoints,
  Event: core.event,
  PersistentVolumeClaim: core.persistentVolumeClaim,
  Lease: core.lease,
  StorageClass: core.storageClass,
  PriorityClass: core.priorityClass,
  PodDisruptionBudget: core.podDisruptionBudget,
  Ingress: core.ingress,
  NetworkPolicy: core.networkPolicy,
  Node: node,
  Pod: pod,
  Deployment: workloads.deployment,
  ReplicaSet: workloads.replicaSet,
  StatefulSet: workloads.statefulSet,
  DaemonSet: workloads.daemonSet,
  Job: workloads.job,
  CronJob: workloads.cronJob,
  Role: createdAt,
  ClusterRole: createdAt,
  CustomResourceDefinition: createdAt,
  APIService: apiService,
  RoleBinding: roleBinding('roleBinding'),
  ClusterRoleBinding: roleBinding('clusterRoleBinding'),
};

/** True when `kind` has its own column set (otherwise builtinTable prints Name, Age). */
export function hasBuiltinPrinter(kind: string): boolean {
  return Object.hasOwn(printers, kind);
}

/**
 * Table for a built-in kind with upstream's column set; unknown kinds get Name, Age.
 *
 * @example
 * builtinTable('ConfigMap', configMaps, { includeObject: 'Metadata' }, Date.now());
 */
export function builtinTable(kind: string, objects: readonly KubeObject[], opts: TableOptions = {}, now: number = opts.now ?? Date.now()): Table {
  const printer = hasBuiltinPrinter(kind) ? printers[kind] : fallback;
  return buildTable(printer.columns, objects, opts, (obj) => printer.row(obj, now));
}

/**
 * Table for any served resource: CRD printer columns for custom resources, upstream column sets
 * for built-in kinds.
 */
export function resourceTable(def: ResourceDef, objects: readonly KubeObject[], opts: TableOptions = {}): Table {
  return def.builtin ? builtinTable(def.kind, objects, opts) : crdTable(def, objects, opts);
}
