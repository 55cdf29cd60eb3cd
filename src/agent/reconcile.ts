/**
 * Reconciling one AppRelease (level-based: read the AppRelease, never trust the event):
 * finalizer → plan every chart → record the inventory → apply changed charts → prune → health → status.
 * Deletion removes every owned object, then the finalizer.
 */
import type { KubeClient, KubeObject, ReconcileResult, RestMapper } from '../kube/index.ts';
import { splitKey } from '../kube/index.ts';
import { ApplyError, applyObjects, describe, pruneObjects } from './apply.ts';
import type { AppRelease, AppReleaseStatus } from './crd.ts';
import { APPRELEASES } from './crd.ts';
import type { WorkloadKind } from './health.ts';
import { isWorkload, workloadHealth } from './health.ts';
import type { Owner } from './manifests.ts';
import { gvkOf, identityOf } from './manifests.ts';
import type { ChartPlan, Planner } from './plan.ts';
import type { ChartOutcome } from './status.ts';
import { desiredStatus, statusPatch } from './status.ts';

/** Removed only after everything the AppRelease created is gone. */
export const APP_RELEASE_FINALIZER = 'operator.alauda.io/app-release-cleanup';

export interface ReconcilerDeps {
  kube: KubeClient;
  mapper: RestMapper;
  planner: Planner;
  /** A workload as the agent's informers last saw it. */
  workload(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined;
  /** Re-check delay while workloads are not ready or objects are terminating (default 2 s). */
  pollMs?: number;
  /**
   * With annotation `interval-sync: "true"` (what the plugin center sets), a healthy AppRelease is re-applied
   * this often even when nothing changed, so objects deleted or edited by hand come back (default 5 min).
   */
  resyncMs?: number;
}

/** The AppRelease annotation that asks for periodic re-application (alauda.md §1). */
export const INTERVAL_SYNC_ANNOTATION = 'interval-sync';

/** A reconcile that failed for a chart; the status already says why, this makes the controller back off. */
export class ChartsFailedError extends Error {}

export function createReconciler(deps: ReconcilerDeps): (key: string, signal: AbortSignal) => Promise<ReconcileResult> {
  const { kube } = deps;
  const pollMs = deps.pollMs ?? 2_000;
  const resyncMs = deps.resyncMs ?? 300_000;
  /** When each AppRelease was last applied in full (drift repair is due `resyncMs` later). */
  const lastFullSync = new Map<string, number>();

  const writeStatus = async (ar: AppRelease, patch: Record<string, unknown>) => {
    await kube.request('PATCH', kube.path(APPRELEASES, ar.metadata.namespace, ar.metadata.name, 'status'), patch, 'application/merge-patch+json');
  };

  const setFinalizers = (ar: AppRelease, finalizers: string[]) =>
    kube.patch<AppRelease>(APPRELEASES, ar.metadata.name!, ar.metadata.namespace, { metadata: { finalizers, resourceVersion: ar.metadata.resourceVersion } });

  const uninstall = async (ar: AppRelease, owner: Owner, signal: AbortSignal): Promise<ReconcileResult> => {
    if (!ar.metadata.finalizers?.includes(APP_RELEASE_FINALIZER)) return;
    const present = await pruneObjects(kube, deps.mapper, owner, ar.status?.inventory ?? [], { keep: new Set(), mayPrune: () => true, signal });
    if (present > 0) return { requeueAfterMs: Math.min(pollMs, 500) };
    await setFinalizers(ar, ar.metadata.finalizers.filter((f) => f !== APP_RELEASE_FINALIZER));
  };

  return async (key, parentSignal) => {
    const { namespace, name } = splitKey(key);
    let ar = await kube.tryGet<AppRelease>(APPRELEASES, name, namespace);
    if (!ar) return void lastFullSync.delete(key);
    const owner: Owner = { name, namespace: namespace! };
    if (ar.metadata.deletionTimestamp) return uninstall(ar, owner, parentSignal);
    if (!ar.metadata.finalizers?.includes(APP_RELEASE_FINALIZER)) ar = await setFinalizers(ar, [...(ar.metadata.finalizers ?? []), APP_RELEASE_FINALIZER]);
    const signal = AbortSignal.any([parentSignal, AbortSignal.timeout((ar.spec.timeout ?? 300) * 1000)]);
    const plans: ChartPlan[] = [];
    for (const chart of ar.spec.source?.charts ?? []) plans.push(await deps.planner.plan(ar, chart, signal));
    const intervalSync = ar.metadata.annotations?.[INTERVAL_SYNC_ANNOTATION] === 'true';
    const force = intervalSync && Date.now() - (lastFullSync.get(key) ?? 0) >= resyncMs;
    const outcomes = await sync({ ...deps, writeStatus }, ar, owner, plans, signal, force);
    if (force || !lastFullSync.has(key)) lastFullSync.set(key, Date.now());
    const status = desiredStatus(ar.status, outcomes.list, outcomes.inventory, ar.metadata.generation ?? 1, now());
    const patch = statusPatch(ar.status, status);
    if (patch) await writeStatus(ar, patch);
    const failed = outcomes.list.filter((o) => o.phase === 'Failed');
    if (failed.length) throw new ChartsFailedError(failed.map((o) => o.message).join('; '));
    // Healthy: workload and AppRelease events drive the next reconcile, plus the drift repair below.
    if (outcomes.list.some((o) => o.unready.length)) return { requeueAfterMs: pollMs };
    // The controller lets an earlier requeue (poll, backoff) win over this long one.
    if (intervalSync) return { requeueAfterMs: Math.max(0, (lastFullSync.get(key) ?? Date.now()) + resyncMs - Date.now()) };
  };
}

type StatusWriter = (ar: AppRelease, patch: Record<string, unknown>) => Promise<void>;

/** Applies what changed and prunes what went away; returns per-chart outcomes and the inventory to record. */
async function sync(deps: ReconcilerDeps & { writeStatus: StatusWriter }, ar: AppRelease, owner: Owner, plans: ChartPlan[], signal: AbortSignal, force = false): Promise<{ list: ChartOutcome[]; inventory: string[] }> {
  const previous = ar.status?.charts ?? {};
  // `force` (drift repair) re-applies unchanged charts too: server-side apply recreates and resets what was touched.
  const stale = plans.filter((p) => p.objects && (p.hash !== previous[p.chart]?.manifestHash || previous[p.chart]?.phase !== 'Success'));
  const changed = force ? plans.filter((p) => p.objects) : stale;
  const rendered = [...new Set(plans.flatMap((p) => p.objects?.map(gvkOf) ?? []))];
  const recorded = ar.status?.inventory ?? [];
  const inventory = [...new Set([...recorded, ...rendered])].sort();
  // A drift repair re-applies what is already recorded: no Installing phase, no status churn.
  if (stale.length || inventory.length !== recorded.length) await recordIntent(ar, stale, inventory, deps.writeStatus);

  const applyErrors = new Map<string, string>();
  const applied = new Map<string, KubeObject>();
  for (const plan of changed) {
    try {
      for (const [id, obj] of await applyObjects(deps.kube, deps.mapper, plan.objects!, { signal })) applied.set(id, obj);
    } catch (err) {
      if (!(err instanceof ApplyError)) throw err;
      applyErrors.set(plan.chart, `chart ${plan.chart} ${plan.version}: ${err.message}`);
    }
  }
  const blocked = new Set(plans.filter((p) => p.error || applyErrors.has(p.chart)).map((p) => p.releaseName));
  const removedCharts = Object.keys(previous).some((c) => !plans.some((p) => p.chart === c));
  if (changed.length || removedCharts || recorded.some((g) => !rendered.includes(g))) {
    const keep = new Set(plans.flatMap((p) => p.objects?.map(identityOf) ?? []));
    await pruneObjects(deps.kube, deps.mapper, owner, inventory, { keep, mayPrune: (r) => r !== undefined && !blocked.has(r), signal });
  }
  const list = plans.map((p) => outcomeOf(deps, p, applyErrors.get(p.chart), applied));
  // Shrink the inventory only when every chart's objects are known; a failed chart may own other kinds.
  return { list, inventory: blocked.size ? inventory : rendered };
}

/** Before applying: the inventory (crash safety: prune and uninstall find what a half-done apply created) and Installing phases. */
async function recordIntent(ar: AppRelease, changed: ChartPlan[], inventory: string[], writeStatus: StatusWriter): Promise<void> {
  const charts: Record<string, unknown> = {};
  for (const p of changed) {
    charts[p.chart] = { ...ar.status?.charts?.[p.chart], releaseName: p.releaseName, phase: 'Installing', message: `applying ${p.objects!.length} objects of ${p.version}`, ready: false };
  }
  await writeStatus(ar, { status: { inventory, charts } });
  ar.status = { ...ar.status, inventory, charts: { ...ar.status?.charts, ...(charts as NonNullable<AppReleaseStatus['charts']>) } };
}

function outcomeOf(deps: ReconcilerDeps, plan: ChartPlan, applyError: string | undefined, applied: Map<string, KubeObject>): ChartOutcome {
  const base = { chart: plan.chart, releaseName: plan.releaseName, version: plan.version, resources: plan.objects?.length ?? 0 };
  const error = plan.error ?? applyError;
  if (error) return { ...base, phase: 'Failed', message: error, unready: [] };
  const unready: string[] = [];
  for (const obj of plan.objects!) {
    if (!isWorkload(obj)) continue;
    const health = workloadHealth(obj.kind, latest(deps.workload(obj.kind, obj.metadata.namespace!, obj.metadata.name!), applied.get(identityOf(obj))));
    if (!health.ready) unready.push(`${describe(obj)}: ${health.reason}`);
  }
  return { ...base, phase: 'Success', message: '', manifestHash: plan.hash, unready };
}

/** The informer may still hold the pre-apply object: the apply response wins unless the cache has caught up. */
function latest(cached: KubeObject | undefined, applied: KubeObject | undefined): KubeObject | undefined {
  if (!applied) return cached;
  if (!cached) return applied;
  return (cached.metadata.generation ?? 0) >= (applied.metadata.generation ?? 0) ? cached : applied;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
