/**
 * AppRelease status derivation: per-chart entries and the Synced/Health conditions from the outcome of one
 * reconcile. Pure functions; the reconciler writes the result only when it differs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AppReleaseCondition, AppReleaseStatus, ChartPhase, ChartStatus } from './crd.ts';

/** What one reconcile did with one chart. */
export interface ChartOutcome {
  /** `spec.source.charts[].name`, the key of `status.charts`. */
  chart: string;
  releaseName: string;
  version: string;
  phase: ChartPhase;
  message: string;
  /** Objects the render produced. */
  resources: number;
  /** sha256 of the render (undefined when fetch or render failed). */
  manifestHash?: string;
  /** Workloads of this chart that are not ready, as `Kind ns/name: why`. */
  unready: string[];
}

/** The per-chart status entry following `previous` (revision counts renders that changed something). */
export function chartStatus(outcome: ChartOutcome, previous: ChartStatus | undefined): ChartStatus {
  const changed = outcome.manifestHash !== undefined && outcome.manifestHash !== previous?.manifestHash;
  const succeeded = outcome.phase === 'Success';
  const next: ChartStatus = {
    releaseName: outcome.releaseName,
    phase: outcome.phase,
    revision: (previous?.revision ?? 0) + (succeeded && changed ? 1 : 0),
    message: outcome.message,
    resources: outcome.resources,
    ready: succeeded && outcome.unready.length === 0,
  };
  const installedRevision = succeeded ? outcome.version : previous?.installedRevision;
  if (installedRevision !== undefined) next.installedRevision = installedRevision;
  const hash = succeeded ? outcome.manifestHash : previous?.manifestHash;
  if (hash !== undefined) next.manifestHash = hash;
  return next;
}

/** The Synced condition: every chart rendered and applied at this generation. */
export function syncedCondition(outcomes: ChartOutcome[]): Omit<AppReleaseCondition, 'lastTransitionTime' | 'observedGeneration'> {
  const failed = outcomes.filter((o) => o.phase === 'Failed');
  if (failed.length) return { type: 'Synced', status: 'False', reason: 'SyncFailed', message: failed.map((o) => o.message).join('; ') };
  const pending = outcomes.filter((o) => o.phase !== 'Success');
  if (pending.length) return { type: 'Synced', status: 'False', reason: 'Progressing', message: `installing ${pending.map((o) => `chart ${o.chart}`).join(', ')}` };
  return { type: 'Synced', status: 'True', reason: 'Synced', message: `${outcomes.length} chart(s) rendered and applied` };
}

/** The Health condition: every workload the charts created is ready. */
export function healthCondition(outcomes: ChartOutcome[]): Omit<AppReleaseCondition, 'lastTransitionTime' | 'observedGeneration'> {
  if (outcomes.some((o) => o.phase !== 'Success')) return { type: 'Health', status: 'False', reason: 'NotSynced', message: 'not every chart is applied yet' };
  const unready = outcomes.flatMap((o) => o.unready);
  if (unready.length) {
    const shown = unready.slice(0, 3).join('; ') + (unready.length > 3 ? `; and ${unready.length - 3} more` : '');
    return { type: 'Health', status: 'False', reason: 'WorkloadsNotReady', message: shown };
  }
  return { type: 'Health', status: 'True', reason: 'Healthy', message: 'all workloads are ready' };
}

/** Stamps conditions: lastTransitionTime moves only when the status flips. */
export function withTimes(next: Omit<AppReleaseCondition, 'lastTransitionTime' | 'observedGeneration'>[], current: AppReleaseCondition[] | undefined, generation: number, now: string): AppReleaseCondition[] {
  return next.map((c) => {
    const old = current?.find((o) => o.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now, observedGeneration: generation };
  });
}

/** The whole status after a reconcile. */
export function desiredStatus(current: AppReleaseStatus | undefined, outcomes: ChartOutcome[], inventory: string[], generation: number, now: string): AppReleaseStatus {
  const charts: Record<string, ChartStatus> = {};
  for (const o of outcomes) charts[o.chart] = chartStatus(o, current?.charts?.[o.chart]);
  const conditions = withTimes([syncedCondition(outcomes), healthCondition(outcomes)], current?.conditions, generation, now);
  return { observedGeneration: generation, charts, conditions, inventory: [...inventory].sort() };
}

/** The merge patch turning `current` into `next` (charts that went away are nulled), or undefined when equal. */
export function statusPatch(current: AppReleaseStatus | undefined, next: AppReleaseStatus): Record<string, unknown> | undefined {
  if (isDeepStrictEqual(normalise(current), normalise(next))) return undefined;
  const charts: Record<string, unknown> = { ...next.charts };
  for (const name of Object.keys(current?.charts ?? {})) if (!(name in charts)) charts[name] = null;
  return { status: { ...next, charts } };
}

function normalise(status: AppReleaseStatus | undefined): AppReleaseStatus {
  return { observedGeneration: status?.observedGeneration, charts: status?.charts ?? {}, conditions: status?.conditions ?? [], inventory: status?.inventory ?? [] };
}
