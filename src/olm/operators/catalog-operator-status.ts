/**
 * Subscription status as the catalog operator keeps it (shared/reference/olm.md §3.3, §4.1 step 3, §4.7): the
 * state machine driven by the referenced InstallPlan and the CSV named `currentCSV`, catalog health, and the
 * "abnormal-true" conditions with upstream types, reasons and messages. Pure functions.
 */
import type { KubeObject } from '../../kube/index.ts';

/** `SubscriptionCondition`. */
export interface SubscriptionCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
}

/** `corev1.ObjectReference`. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

/** `SubscriptionStatus` (names verbatim). */
export interface SubscriptionStatus {
  state?: string;
  currentCSV?: string;
  installedCSV?: string;
  installPlanRef?: ObjectReference;
  installplan?: { apiVersion: string; kind: string; name: string; uuid: string };
  installPlanGeneration?: number;
  lastUpdated?: string;
  reason?: string;
  catalogHealth?: { catalogSourceRef: ObjectReference; healthy: boolean; lastUpdated: string }[];
  conditions?: SubscriptionCondition[];
}

/** What a Subscription looks like to the catalog operator. */
export interface SubscriptionObject extends KubeObject {
  spec: { name: string; source: string; sourceNamespace: string; channel?: string; startingCSV?: string; installPlanApproval?: string };
  status?: SubscriptionStatus;
}

/** The namespace as one pass sees it. */
export interface NamespaceView {
  /** Names of the CSVs in the namespace. */
  csvs: ReadonlySet<string>;
  /** InstallPlans of the namespace by name. */
  installPlans: ReadonlyMap<string, KubeObject>;
  /** CatalogSources of the namespace and of the global catalog namespace. */
  catalogSources: KubeObject[];
  /** Names of the namespace's Subscriptions with `installPlanApproval: Manual`. */
  manualSubscriptions: string[];
}

export const STATE_UPGRADE_PENDING = 'UpgradePending';
export const STATE_AT_LATEST = 'AtLatestKnown';

/** Sets (or replaces) a condition; `lastTransitionTime` moves only when the status changes. */
export function setCondition(status: SubscriptionStatus, cond: SubscriptionCondition, now: string): void {
  const list = status.conditions ?? [];
  const old = list.find((c) => c.type === cond.type);
  const next: SubscriptionCondition = { ...cond, lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime : now };
  if (next.message === undefined) delete next.message;
  status.conditions = old ? list.map((c) => (c === old ? next : c)) : [...list, next];
}

/** Removes conditions by type. */
export function removeCondition(status: SubscriptionStatus, ...types: string[]): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => !types.includes(c.type));
  if (status.conditions.length === 0) delete status.conditions;
}

/** Whether two statuses differ in anything but `lastUpdated` (status is written only when changed). */
export function statusChanged(a: SubscriptionStatus | undefined, b: SubscriptionStatus): boolean {
  const strip = (s: SubscriptionStatus | undefined) => JSON.stringify({ ...s, lastUpdated: undefined });
  return strip(a) !== strip(b);
}

/** Only the exact string `Manual` is manual (`GetInstallPlanApproval`). */
export function isManualSubscription(sub: SubscriptionObject): boolean {
  return sub.spec.installPlanApproval === 'Manual';
}

/**
 * The next status of one Subscription before resolution: catalog health, then `ensureSubscriptionCSVState`
 * and the referenced InstallPlan's phase (olm.md §4.1 3b, §4.7).
 */
export function observeSubscription(sub: SubscriptionObject, view: NamespaceView, now: string): SubscriptionStatus {
  const status: SubscriptionStatus = structuredClone(sub.status ?? {});
  applyCatalogHealth(sub, status, view.catalogSources, now);
  if (status.currentCSV && view.csvs.has(status.currentCSV)) {
    status.state = STATE_AT_LATEST;
    status.installedCSV = status.currentCSV;
    removeCondition(status, 'InstallPlanPending', 'InstallPlanFailed');
  }
  if (status.installPlanRef?.name) applyInstallPlan(sub, status, view, now);
  return status;
}

/** `catalogHealth[]` and the `CatalogSourcesUnhealthy` condition. A CatalogSource is healthy when it exists and its connection, if reported, is READY. */
function applyCatalogHealth(sub: SubscriptionObject, status: SubscriptionStatus, sources: KubeObject[], now: string): void {
  const sorted = [...sources].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const previous = new Map((status.catalogHealth ?? []).map((h) => [`${h.catalogSourceRef.namespace}/${h.catalogSourceRef.name}`, h]));
  status.catalogHealth = sorted.map((cs) => {
    const healthy = isHealthy(cs);
    const old = previous.get(`${cs.metadata.namespace}/${cs.metadata.name}`);
    const ref = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'CatalogSource', name: cs.metadata.name, namespace: cs.metadata.namespace, uid: cs.metadata.uid };
    return { catalogSourceRef: ref, healthy, lastUpdated: old && old.healthy === healthy ? old.lastUpdated : now };
  });
  if (status.catalogHealth.length === 0) delete status.catalogHealth;
  setCondition(status, catalogCondition(sub, sorted), now);
}

function isHealthy(cs: KubeObject): boolean {
  const state = (cs.status as { connectionState?: { lastObservedState?: string } } | undefined)?.connectionState?.lastObservedState;
  return state === undefined || state === 'READY';
}

function catalogCondition(sub: SubscriptionObject, sources: KubeObject[]): SubscriptionCondition {
  if (sources.length === 0) return { type: 'CatalogSourcesUnhealthy', status: 'True', reason: 'NoCatalogSourcesFound', message: 'dependency resolution requires at least one catalogsource' };
  const target = sources.find((cs) => cs.metadata.name === sub.spec.source && cs.metadata.namespace === sub.spec.sourceNamespace);
  const id = `${sub.spec.sourceNamespace}/${sub.spec.source}`;
  if (!target) return { type: 'CatalogSourcesUnhealthy', status: 'True', reason: 'UnhealthyCatalogSourceFound', message: `targeted catalogsource ${id} missing` };
  const unhealthy = sources.find((cs) => !isHealthy(cs));
  if (unhealthy) return { type: 'CatalogSourcesUnhealthy', status: 'True', reason: 'UnhealthyCatalogSourceFound', message: `targeted catalogsource ${unhealthy.metadata.namespace}/${unhealthy.metadata.name} unhealthy` };
  return { type: 'CatalogSourcesUnhealthy', status: 'False', reason: 'AllCatalogSourcesHealthy', message: 'all available catalogsources are healthy' };
}

/** The referenced InstallPlan (exported for the pass that just created it): missing (PR #1894 / InstallPlanMissing), pending, failed or complete. */
export function applyInstallPlan(sub: SubscriptionObject, status: SubscriptionStatus, view: NamespaceView, now: string): void {
  const ip = view.installPlans.get(status.installPlanRef!.name!);
  if (!ip) {
    if (status.state === STATE_UPGRADE_PENDING) {
      // A deleted plan of a pending upgrade: forget it and resolve again.
      for (const k of ['installPlanRef', 'installplan', 'currentCSV', 'state'] as const) delete status[k];
      removeCondition(status, 'InstallPlanPending', 'InstallPlanFailed', 'InstallPlanMissing');
    } else {
      setCondition(status, { type: 'InstallPlanMissing', status: 'True', reason: 'ReferencedInstallPlanNotFound', message: `installplan ${sub.metadata.namespace}/${status.installPlanRef!.name} not found` }, now);
    }
    return;
  }
  removeCondition(status, 'InstallPlanMissing');
  if (status.state !== STATE_UPGRADE_PENDING) return;
  const phase = (ip.status as { phase?: string } | undefined)?.phase ?? '';
  const installed = installedCondition(ip);
  if (phase === 'Complete') return removeCondition(status, 'InstallPlanPending', 'InstallPlanFailed');
  if (phase === 'Failed') {
    removeCondition(status, 'InstallPlanPending');
    return setCondition(status, { type: 'InstallPlanFailed', status: 'True', reason: installed?.reason || 'InstallPlanFailed', message: installed?.message }, now);
  }
  removeCondition(status, 'InstallPlanFailed');
  const reason = phase === '' ? 'InstallPlanNotYetReconciled' : phase;
  setCondition(status, { type: 'InstallPlanPending', status: 'True', reason, message: installed?.message || blockedMessage(sub, ip, view) }, now);
}

function installedCondition(ip: KubeObject): { reason?: string; message?: string } | undefined {
  const conds = (ip.status as { conditions?: { type: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === 'Installed');
}

/**
 * Why an Automatic Subscription waits for a human: the namespace's one InstallPlan is Manual because of the
 * named Manual Subscriptions (upstream #1355; the resolver's `BlockedExplanation` wording).
 */
export function blockedMessage(sub: SubscriptionObject, ip: KubeObject, view: Pick<NamespaceView, 'manualSubscriptions'>): string | undefined {
  const spec = ip.spec as { approval?: string; approved?: boolean };
  if (isManualSubscription(sub) || spec.approval !== 'Manual' || spec.approved || view.manualSubscriptions.length === 0) return undefined;
  return (
    `Subscription ${sub.metadata.name} uses installPlanApproval Automatic, but the InstallPlan for namespace ${sub.metadata.namespace} ` +
    `requires manual approval because Subscription(s) ${view.manualSubscriptions.join(', ')} use installPlanApproval Manual; ` +
    `OLM puts every Subscription of a namespace into one InstallPlan (one operator per namespace avoids this)`
  );
}
