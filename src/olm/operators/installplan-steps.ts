/**
 * InstallPlan steps from an unpacked registry+v1 bundle (olm.md §3.4): the CSV, its CRDs, the RBAC and
 * ServiceAccounts generated from the install strategy's `permissions`/`clusterPermissions`, and every
 * other bundle manifest — in upstream's `status.plan[]` shape. Pure functions; no I/O.
 */
import type { KubeObject } from '../../kube/index.ts';
import { parseApiVersion } from '../../kube/index.ts';
import type { UnpackedBundle } from '../catalog/bundle-image.ts';

/** Step status values, spelled as upstream's `StepStatus` constants. */
export type StepStatus = 'Unknown' | 'NotPresent' | 'Present' | 'Created' | 'NotCreated' | 'WaitingForApi' | 'UnsupportedResource';

/** One entry of `status.plan[]`. `manifest` is the object to apply, as a JSON string. */
export interface Step {
  resolving: string;
  resource: { name: string; kind: string; group: string; version: string; sourceName: string; sourceNamespace: string; manifest?: string };
  status: StepStatus;
  optional?: boolean;
}

/** One entry of `status.bundleLookups[]` (upstream shape). */
export interface BundleLookup {
  /** Bundle image reference, `registry/repo@sha256:…`. */
  path: string;
  /** The CSV name. */
  identifier: string;
  replaces?: string;
  catalogSourceRef?: { name?: string; namespace?: string };
  /** `{"properties":[…]}` as a JSON string; projected onto the CSV as `operatorframework.io/properties`. */
  properties?: string;
  conditions?: unknown[];
}

interface Permission {
  serviceAccountName?: string;
  rules?: unknown[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** Upstream's `utilrand` alphabet (no vowels, no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_NAME = 63;

/** Label the adoption controller puts on the CSV (and the plan): `operators.coreos.com/<package>.<namespace>`. */
export function operatorLabelKey(pkg: string, namespace: string): string | undefined {
  const name = `${pkg}.${namespace}`;
  return name.length <= MAX_NAME ? `operators.coreos.com/${name}` : undefined;
}

/**
 * Upstream's `generateName(base, o)`: `<base>-<hash>`, the hash being fnv-1a/32 of `o` written with
 * upstream's safe alphabet, the base cut so the whole fits 63 characters. Upstream hashes the Go value
 * with spew; this hashes its JSON, so names have the upstream form but not the same suffix.
 * @example generateName('harbor-ce-operator.v2.12.11', ['harbor-ce-operator.v2.12.11', 'ns', perm]) // 'harbor-ce-operator.v2.12.11-7c5d9…'
 */
export function generateName(base: string, o: unknown): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(o))) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  const hash = [...String(h)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
  const cut = base.length + hash.length > MAX_NAME ? base.slice(0, MAX_NAME - hash.length - 1) : base;
  return `${cut}-${hash}`;
}

/** Labels upstream's `ownerutil.OwnerLabel(csv)` sets on generated RBAC. */
function ownerLabels(csvName: string, namespace: string): Record<string, string> {
  return { 'olm.owner': csvName, 'olm.owner.kind': 'ClusterServiceVersion', 'olm.owner.namespace': namespace };
}

/**
 * ServiceAccounts, Role/RoleBinding per `permissions` entry and ClusterRole/ClusterRoleBinding per
 * `clusterPermissions` entry, named like upstream's `RBACForClusterServiceVersion`:
 * Role `<csv>-<sa>-<hash>`, RoleBinding `<role>-<sa>-<hash>`, ClusterRole `<csv>-<hash>`,
 * ClusterRoleBinding `<clusterrole>-<sa>-<hash>`. The `default` ServiceAccount gets no step.
 */
export function rbacForCsv(csv: KubeObject, namespace: string): KubeObject[] {
  const csvName = csv.metadata.name!;
  const spec = ((csv.spec as { install?: { spec?: { permissions?: Permission[]; clusterPermissions?: Permission[] } } } | undefined)?.install?.spec) ?? {};
  const labels = ownerLabels(csvName, namespace);
  const out: KubeObject[] = [];
  const accounts = new Set<string>();
  const account = (sa: string) => {
    if (sa === 'default' || accounts.has(sa)) return;
    accounts.add(sa);
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace, labels } });
  };
  const subjects = (sa: string) => [{ kind: 'ServiceAccount', name: sa, namespace }];
  for (const p of spec.permissions ?? []) {
    const sa = p.serviceAccountName ?? 'default';
    account(sa);
    const role = generateName(`${csvName}-${sa}`, [csvName, p]);
    out.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: { name: role, namespace, labels }, rules: p.rules ?? [] });
    out.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: { name: generateName(`${role}-${sa}`, [csvName, p]), namespace, labels }, roleRef: { kind: 'Role', name: role, apiGroup: RBAC_GROUP }, subjects: subjects(sa) });
  }
  for (const p of spec.clusterPermissions ?? []) {
    const sa = p.serviceAccountName ?? 'default';
    account(sa);
    const role = generateName(csvName, [csvName, namespace, p]);
    out.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name: role, labels }, rules: p.rules ?? [] });
    out.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: { name: generateName(`${role}-${sa}`, [csvName, namespace, p]), labels }, roleRef: { kind: 'ClusterRole', name: role, apiGroup: RBAC_GROUP }, subjects: subjects(sa) });
  }
  return out;
}

/** The CSV as the plan installs it: in the plan's namespace, `spec.replaces` from the lookup, upstream's label and properties annotation. */
export function csvForPlan(bundle: Pick<UnpackedBundle, 'csv' | 'annotations'>, lookup: BundleLookup, namespace: string): KubeObject {
  const csv = clean(bundle.csv);
  csv.metadata.namespace = namespace;
  const spec = { ...((csv.spec as Record<string, unknown>) ?? {}) };
  if (lookup.replaces) spec.replaces = lookup.replaces;
  else if (lookup.replaces === '') delete spec.replaces;
  csv.spec = spec;
  const pkg = bundle.annotations['operators.operatorframework.io.bundle.package.v1'];
  const key = pkg ? operatorLabelKey(pkg, namespace) : undefined;
  if (key) csv.metadata.labels = { ...csv.metadata.labels, [key]: '' };
  if (lookup.properties) csv.metadata.annotations = { ...csv.metadata.annotations, 'operatorframework.io/properties': lookup.properties };
  return csv;
}

/** A manifest without server-owned fields (status, uid, resourceVersion, managedFields, …). */
export function clean(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject;
  delete copy.status;
  const { name, generateName: _g, namespace, labels, annotations, ownerReferences } = copy.metadata;
  copy.metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ...(ownerReferences ? { ownerReferences } : {}) };
  return copy;
}

/**
 * The steps for one bundle, in upstream's `OrderSteps` order: the CSV first, then CRDs, then everything
 * else (generated ServiceAccounts and RBAC, then the other bundle manifests). Namespaces of namespaced
 * objects are set at apply time (the plan's namespace); CRDs stay cluster-scoped. Secrets get
 * upstream's synthetic step kind `BundleSecret`. Objects appearing twice (e.g. a ServiceAccount both
 * shipped and generated) keep the bundle's copy.
 */
export function stepsForBundle(bundle: Pick<UnpackedBundle, 'csv' | 'crds' | 'otherManifests' | 'annotations'>, lookup: BundleLookup, namespace: string): Step[] {
  const csv = csvForPlan(bundle, lookup, namespace);
  const others = bundle.otherManifests.map(clean);
  const shipped = new Set(others.map((o) => `${o.kind}/${o.metadata.name}`));
  const generated = rbacForCsv(csv, namespace).filter((o) => !shipped.has(`${o.kind}/${o.metadata.name}`));
  const step = (obj: KubeObject): Step => {
    const { group, version } = parseApiVersion(obj.apiVersion ?? 'v1');
    const kind = obj.kind === 'Secret' && group === '' ? 'BundleSecret' : obj.kind!;
    const resource = { name: obj.metadata.name!, kind, group, version, sourceName: lookup.catalogSourceRef?.name ?? '', sourceNamespace: lookup.catalogSourceRef?.namespace ?? '', manifest: JSON.stringify(obj) };
    return { resolving: lookup.identifier || csv.metadata.name!, resource, status: 'Unknown' };
  };
  return [csv, ...bundle.crds.map(clean), ...generated, ...others].map(step);
}

/** Key that identifies a step across rebuilds: CSV, group, kind and name. */
export function stepKey(s: Step): string {
  return `${s.resolving}|${s.resource.group}|${s.resource.kind}|${s.resource.name}`;
}

/** `Created` and `Present` steps are not applied again (upstream `ExecutePlan`); `WaitingForApi` ones are re-checked. */
export function stepDone(s: Step): boolean {
  return s.status === 'Created' || s.status === 'Present';
}
