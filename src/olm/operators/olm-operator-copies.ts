/**
 * Copied CSVs (olm.md §3.5 "Copied CSVs"): a CSV whose OperatorGroup targets other namespaces appears in each
 * of them — same name, spec and status, `status.reason: Copied`, label `olm.copiedFrom=<source ns>`, the group
 * annotations but `olm.targetNamespaces`. Copies go when the target set shrinks or the source goes.
 * `OLMConfig cluster` `spec.features.disableCopiedCSVs` stops copying for AllNamespaces groups.
 */
import type { Informer, KubeClient, KubeObject } from '../../kube/index.ts';
import { StatusError } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { OG_ANNOTATIONS } from './olm-operator-groups.ts';
import type { Csv } from './olm-operator-status.ts';
import { canonical } from './olm-operator-status.ts';

export const COPIED_FROM = 'olm.copiedFrom';
const DROPPED_ANNOTATIONS = [OG_ANNOTATIONS.targetNamespaces, 'kubectl.kubernetes.io/last-applied-configuration'];

/** The namespaces a source CSV is copied into (its group's targets but its own; all namespaces for `[""]`). */
export function copyTargets(csv: Csv, groupNamespaces: string[] | undefined, allNamespaces: string[], disableForAllNamespaces: boolean): string[] {
  const ns = csv.metadata.namespace!;
  if (!groupNamespaces || !csv.metadata.annotations?.[OG_ANNOTATIONS.operatorGroup]) return [];
  const all = groupNamespaces.length === 1 && groupNamespaces[0] === '';
  if (all && disableForAllNamespaces) return [];
  return (all ? allNamespaces : groupNamespaces).filter((t) => t && t !== ns).sort();
}

/** The copy of `csv` in `namespace`, without server-owned metadata. */
export function copyOf(csv: Csv, namespace: string): Csv {
  const source = csv.metadata.namespace!;
  const labels = Object.fromEntries(Object.entries(csv.metadata.labels ?? {}).filter(([k]) => !k.startsWith('operators.coreos.com/')));
  const annotations = Object.fromEntries(Object.entries(csv.metadata.annotations ?? {}).filter(([k]) => !DROPPED_ANNOTATIONS.includes(k)));
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    metadata: { name: csv.metadata.name, namespace, labels: { ...labels, [COPIED_FROM]: source }, annotations },
    spec: csv.spec,
    status: csv.status && { ...csv.status, reason: 'Copied' as never, message: `The operator is running in ${source} but is managing this namespace` },
  };
}

export interface CopiesWorld {
  kube: KubeClient;
  csvs: Informer<Csv>;
  groups: Informer;
  namespaces: Informer;
  olmConfig: Informer;
}

/** Brings the copies of one source CSV (`ns/name`, possibly deleted) in line. */
export async function syncCopies(w: CopiesWorld, ns: string, name: string): Promise<void> {
  const csv = w.csvs.get(name, ns);
  const live = csv && !csv.metadata.deletionTimestamp && !csv.metadata.labels?.[COPIED_FROM] ? csv : undefined;
  const targets = live ? copyTargets(live, groupNamespaces(w, live), w.namespaces.list().filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name!), copiesDisabled(w)) : [];
  const existing = w.csvs.list().filter((c) => c.metadata.name === name && c.metadata.labels?.[COPIED_FROM] === ns);
  for (const stale of existing.filter((c) => !targets.includes(c.metadata.namespace!))) await deleteCopy(w.kube, stale);
  for (const t of targets) await ensureCopy(w.kube, copyOf(live!, t), w.csvs.get(name, t));
}

function groupNamespaces(w: CopiesWorld, csv: Csv): string[] | undefined {
  const og = w.groups.get(csv.metadata.annotations![OG_ANNOTATIONS.operatorGroup], csv.metadata.namespace);
  return (og?.status as { namespaces?: string[] } | undefined)?.namespaces;
}

function copiesDisabled(w: CopiesWorld): boolean {
  const cfg = w.olmConfig.get('cluster');
  return (cfg?.spec as { features?: { disableCopiedCSVs?: boolean } } | undefined)?.features?.disableCopiedCSVs === true;
}

async function ensureCopy(kube: KubeClient, want: Csv, have: Csv | undefined): Promise<void> {
  const ref = OLM_RESOURCES.ClusterServiceVersion;
  const ns = want.metadata.namespace!;
  // A CSV of the same name installed in the target namespace itself is never overwritten.
  // Nor is another source's copy (two groups installing the same operator): the first copy stays.
  if (have && have.metadata.labels?.[COPIED_FROM] !== want.metadata.labels![COPIED_FROM]) return;
  let current = have;
  if (!current) {
    current = await kube.create<Csv>(ref, { ...want, status: undefined }).catch((err) => {
      if (err instanceof StatusError && err.code === 409) return undefined;
      throw err;
    });
    if (!current) return; // created concurrently: the next event brings it in line
  } else if (canonical([current.spec, current.metadata.labels, current.metadata.annotations]) !== canonical([want.spec, want.metadata.labels, { ...current.metadata.annotations, ...want.metadata.annotations }])) {
    current = await kube.request<Csv>('PUT', kube.path(ref, ns, want.metadata.name), { ...current, metadata: { ...current.metadata, labels: want.metadata.labels, annotations: { ...current.metadata.annotations, ...want.metadata.annotations } }, spec: want.spec });
  }
  if (want.status && canonical(current.status ?? {}) !== canonical(want.status)) {
    await kube.request('PUT', kube.path(ref, ns, want.metadata.name, 'status'), { ...current, status: want.status });
  }
}

async function deleteCopy(kube: KubeClient, copy: KubeObject): Promise<void> {
  await kube.delete(OLM_RESOURCES.ClusterServiceVersion, copy.metadata.name!, copy.metadata.namespace).catch((err: unknown) => {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  });
}
