/**
 * CSV requirement checks (upstream `requirementStatus`): owned and required CRDs must exist, serve the version
 * and be Established; the service accounts of `permissions`/`clusterPermissions` must exist. Policy rules are
 * reported as satisfied (RBAC is not evaluated here); native APIs and minKubeVersion are not checked.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { Csv, RequirementStatus } from './olm-operator-status.ts';

/** Lookups the check needs (informer caches). */
export interface RequirementLookups {
  crd(name: string): KubeObject | undefined;
  serviceAccount(name: string, namespace: string): KubeObject | undefined;
}

type Crd = KubeObject & { spec?: { versions?: { name: string; served?: boolean }[] }; status?: { conditions?: { type: string; status: string }[] } };

function crdStatus(name: string, version: string | undefined, crd: Crd | undefined): RequirementStatus {
  const base = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name };
  if (!crd) return { ...base, status: 'NotPresent', message: 'CRD is not present' };
  const uuid = crd.metadata.uid;
  if (version && !(crd.spec?.versions ?? []).some((v) => v.name === version && v.served !== false)) {
    return { ...base, status: 'PresentNotSatisfied', message: 'CRD version not served', uuid };
  }
  const established = (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  return established
    ? { ...base, status: 'Present', message: 'CRD is present and Established condition is true', uuid }
    : { ...base, status: 'PresentNotAvailable', message: 'CRD is present but the Established condition is False (not available)', uuid };
}

/** Every requirement of the CSV with its status, and whether all are met. */
export function checkRequirements(csv: Csv, lookups: RequirementLookups): { met: boolean; statuses: RequirementStatus[] } {
  const statuses: RequirementStatus[] = [];
  const crds = csv.spec.customresourcedefinitions ?? {};
  const seen = new Set<string>();
  for (const d of [...(crds.owned ?? []), ...(crds.required ?? [])]) {
    if (seen.has(d.name)) continue;
    seen.add(d.name);
    statuses.push(crdStatus(d.name, d.version, lookups.crd(d.name) as Crd | undefined));
  }
  const install = csv.spec.install?.spec ?? {};
  const accounts = new Map<string, RequirementStatus>();
  const ns = csv.metadata.namespace!;
  const perms = [...(install.permissions ?? []).map((p) => ({ p, prefix: 'namespaced rule' })), ...(install.clusterPermissions ?? []).map((p) => ({ p, prefix: 'cluster rule' }))];
  for (const { p, prefix } of perms) {
    let entry = accounts.get(p.serviceAccountName);
    if (!entry) {
      const sa = lookups.serviceAccount(p.serviceAccountName, ns);
      entry = sa
        ? { group: '', version: 'v1', kind: 'ServiceAccount', name: p.serviceAccountName, status: 'Present', message: '', uuid: sa.metadata.uid, dependents: [] }
        : { group: '', version: 'v1', kind: 'ServiceAccount', name: p.serviceAccountName, status: 'NotPresent', message: 'Service account does not exist' };
      accounts.set(p.serviceAccountName, entry);
    }
    if (entry.status !== 'Present') continue;
    for (const rule of p.rules ?? []) {
      entry.dependents!.push({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'PolicyRule', status: 'Satisfied', message: `${prefix}:${JSON.stringify(rule)}` });
    }
  }
  statuses.push(...accounts.values());
  return { met: statuses.every((s) => s.status === 'Present'), statuses };
}
