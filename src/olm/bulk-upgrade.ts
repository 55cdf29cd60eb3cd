/**
 * Bulk upgrade of Alauda operators in one cluster (product document, "升级流程": 批量升级 … 仅 灵雀云 提供的
 * Operators 支持批量升级; SPEC §7). A pending upgrade is an InstallPlan with `spec.approval: Manual`,
 * `spec.approved: false`, not Complete/Failed, whose Subscriptions (owner references or `status.installPlanRef`)
 * all already have an `installedCSV`, currently reference this plan, and subscribe to packages of source type
 * `Alauda`. Plans that also carry a first install or a non-Alauda package are left alone.
 *
 * Source type: the ArtifactVersions in cpaas-system (`cpaas.io/artifact=<package>`, annotation
 * `cpaas.io/source-type`, same `cpaas.io/library` as the Subscription's catalog when it is one of those),
 * else the PackageManifest label `cpaas.io/source-type` of the Subscription's catalog.
 */
import type { KubeClient, KubeObject, ResourceRef } from '../kube/index.ts';
import { OLM_RESOURCES } from './crds/index.ts';
import { SOURCE_TYPE_LABEL } from './catalog/package-manifest.ts';
import { ALAUDA_SOURCE_TYPE } from './operators/catalog-operator-platform.ts';

const SYSTEM_NAMESPACE = 'cpaas-system';
const ARTIFACT_VERSIONS: ResourceRef = { group: 'app.alauda.io', version: 'v1alpha1', plural: 'artifactversions', namespaced: true };
const PACKAGE_MANIFESTS: ResourceRef = { group: 'packages.operators.coreos.com', version: 'v1', plural: 'packagemanifests', namespaced: true };
const DONE_PHASES = new Set(['Complete', 'Failed']);

/** One pending upgrade: a Subscription of an Alauda package whose InstallPlan awaits Manual approval. */
export interface PendingUpgrade {
  namespace: string;
  installPlan: string;
  subscription: string;
  package: string;
  fromCSV: string;
  toCSV: string;
}

/** What the functions here need from a KubeClient (tests pass a fake). */
export type UpgradeKube = Pick<KubeClient, 'list' | 'patch'>;

interface SubscriptionLike extends KubeObject {
  spec?: { name?: string; source?: string; sourceNamespace?: string };
  status?: { installedCSV?: string; currentCSV?: string; installPlanRef?: { name?: string } };
}
interface InstallPlanLike extends KubeObject {
  spec?: { approval?: string; approved?: boolean; clusterServiceVersionNames?: string[] };
  status?: { phase?: string };
}

/** Whether a plan waits for Manual approval: Manual, not approved, not Complete/Failed. */
export function awaitsManualApproval(plan: KubeObject): boolean {
  const ip = plan as InstallPlanLike;
  return ip.spec?.approval === 'Manual' && ip.spec.approved === false && !DONE_PHASES.has(ip.status?.phase ?? '');
}

/**
 * The upgrade rows of each plan awaiting Manual approval, before the source-type check. A plan is dropped
 * when any of its Subscriptions is a first install (no installedCSV) or no longer references it.
 */
export function upgradeCandidates(plans: KubeObject[], subscriptions: KubeObject[]): PendingUpgrade[][] {
  const out: PendingUpgrade[][] = [];
  for (const plan of plans) {
    if (!awaitsManualApproval(plan)) continue;
    const rows = rowsOf(plan as InstallPlanLike, subscriptions as SubscriptionLike[]);
    if (rows) out.push(rows);
  }
  return out;
}

function rowsOf(plan: InstallPlanLike, subscriptions: SubscriptionLike[]): PendingUpgrade[] | undefined {
  const namespace = plan.metadata.namespace!;
  const name = plan.metadata.name!;
  const owners = new Set((plan.metadata.ownerReferences ?? []).filter((o) => o.kind === 'Subscription').map((o) => o.uid || o.name));
  const subs = subscriptions.filter(
    (s) => s.metadata.namespace === namespace && (owners.has(s.metadata.uid ?? '') || owners.has(s.metadata.name!) || s.status?.installPlanRef?.name === name),
  );
  if (subs.length === 0) return undefined;
  const rows: PendingUpgrade[] = [];
  for (const s of subs) {
    const fromCSV = s.status?.installedCSV;
    const pkg = s.spec?.name;
    if (!fromCSV || !pkg || s.status?.installPlanRef?.name !== name) return undefined;
    rows.push({ namespace, installPlan: name, subscription: s.metadata.name!, package: pkg, fromCSV, toCSV: targetCSV(plan, s, pkg) });
  }
  return rows.sort((a, b) => a.subscription.localeCompare(b.subscription));
}

/** The CSV the plan installs for the Subscription: its currentCSV, else the plan's CSV named after the package. */
function targetCSV(plan: InstallPlanLike, sub: SubscriptionLike, pkg: string): string {
  const names = plan.spec?.clusterServiceVersionNames ?? [];
  const current = sub.status?.currentCSV;
  if (current && current !== sub.status?.installedCSV && (names.length === 0 || names.includes(current))) return current;
  return names.find((n) => n.startsWith(`${pkg}.`)) ?? names[0] ?? current ?? '';
}

/**
 * The source type of a package from the ArtifactVersions (cpaas-system): the one for `csv` first, else any of the
 * package's (preferring those of the Subscription's catalog, `cpaas.io/library`). Undefined when none says.
 */
export function sourceTypeFromArtifactVersions(artifactVersions: KubeObject[], pkg: string, csv: string, catalog?: string): string | undefined {
  const mine = artifactVersions.filter((av) => av.metadata.labels?.['cpaas.io/artifact'] === pkg && av.metadata.annotations?.['cpaas.io/source-type']);
  const inCatalog = mine.filter((av) => av.metadata.labels?.['cpaas.io/library'] === catalog);
  const pool = inCatalog.length ? inCatalog : mine;
  const exact = pool.find((av) => av.metadata.annotations?.['cpaas.io/csv-name'] === csv);
  return (exact ?? pool[0])?.metadata.annotations?.['cpaas.io/source-type'];
}

/** Every pending upgrade of an Alauda operator in the cluster, by namespace, plan and Subscription. */
export async function pendingAlaudaUpgrades(kube: UpgradeKube): Promise<PendingUpgrade[]> {
  const [plans, subs, avs] = await Promise.all([
    kube.list(OLM_RESOURCES.InstallPlan),
    kube.list(OLM_RESOURCES.Subscription),
    kube.list(ARTIFACT_VERSIONS, { namespace: SYSTEM_NAMESPACE }).catch(() => ({ items: [] as KubeObject[] })),
  ]);
  const candidates = upgradeCandidates(plans.items, subs.items);
  const subByKey = new Map(subs.items.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s as SubscriptionLike]));
  const manifests = new Map<string, Promise<KubeObject[]>>();
  const fromManifests = async (sub: SubscriptionLike, pkg: string): Promise<string | undefined> => {
    const source = sub.spec?.source ?? '';
    const sourceNamespace = sub.spec?.sourceNamespace ?? '';
    const key = `${sub.metadata.namespace}\n${source}\n${sourceNamespace}`;
    if (!manifests.has(key)) {
      const selector = `catalog=${source},catalog-namespace=${sourceNamespace}`;
      manifests.set(key, kube.list(PACKAGE_MANIFESTS, { namespace: sub.metadata.namespace, labelSelector: selector }).then((l) => l.items, () => []));
    }
    return (await manifests.get(key)!).find((m) => m.metadata.name === pkg)?.metadata.labels?.[SOURCE_TYPE_LABEL];
  };
  const out: PendingUpgrade[] = [];
  for (const rows of candidates) {
    let alauda = true;
    for (const row of rows) {
      const sub = subByKey.get(`${row.namespace}/${row.subscription}`)!;
      const catalog = sub.spec?.sourceNamespace === SYSTEM_NAMESPACE ? sub.spec.source : undefined;
      const type = sourceTypeFromArtifactVersions(avs.items, row.package, row.toCSV, catalog) ?? (await fromManifests(sub, row.package));
      if (type !== ALAUDA_SOURCE_TYPE) alauda = false;
    }
    if (alauda) out.push(...rows);
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.installPlan.localeCompare(b.installPlan) || a.subscription.localeCompare(b.subscription));
}

/** The documented approval: `kubectl patch installplan … --type=json -p='[{"op": "replace", "path": "/spec/approved", "value": true}]'`. */
export const APPROVE_PATCH = [{ op: 'replace', path: '/spec/approved', value: true }];

/** Approves every pending Alauda upgrade (each InstallPlan once) and returns the upgrades approved. */
export async function approveAlaudaUpgrades(kube: UpgradeKube): Promise<PendingUpgrade[]> {
  const pending = await pendingAlaudaUpgrades(kube);
  const done = new Set<string>();
  for (const u of pending) {
    const key = `${u.namespace}/${u.installPlan}`;
    if (done.has(key)) continue;
    await kube.patch(OLM_RESOURCES.InstallPlan, u.installPlan, u.namespace, APPROVE_PATCH, 'json');
    done.add(key);
  }
  return pending;
}
