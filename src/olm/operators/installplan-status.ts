/**
 * InstallPlan status as the executor writes it (olm.md §3.4, §4.8): phase, steps, the `Installed`
 * condition and `message`, written with server-side apply on the status subresource and only when
 * something changed. Condition timestamps are kept while a condition does not change.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { INSTALLPLAN_FIELD_MANAGER } from './installplan-apply.ts';
import type { BundleLookup, Step } from './installplan-steps.ts';

export type InstallPlanPhase = '' | 'Planning' | 'RequiresApproval' | 'Installing' | 'Complete' | 'Failed';

/** `status.conditions[]` of an InstallPlan. */
export interface InstallPlanCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** The InstallPlan fields the executor reads. */
export interface InstallPlan extends KubeObject {
  spec?: { approval?: string; approved?: boolean; clusterServiceVersionNames?: string[] };
  status?: {
    phase?: InstallPlanPhase;
    plan?: Step[];
    bundleLookups?: BundleLookup[];
    conditions?: InstallPlanCondition[];
    catalogSources?: string[];
    message?: string;
    startTime?: string;
  };
}

/** What the executor owns in `status`. */
export interface ExecutorStatus {
  phase: InstallPlanPhase;
  plan: Step[];
  startTime: string;
  /** The `Installed` condition, when the plan has finished (or failed). */
  installed?: { status: 'True' | 'False'; reason?: string; message?: string };
  message?: string;
}

/** Upstream condition reason for a failed step. */
export const REASON_COMPONENT_FAILED = 'InstallComponentFailed';

/** RFC 3339 without fractions, like metav1.Time. */
export function nowTime(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Conditions after setting `Installed`: other types untouched, timestamps kept when nothing changed. */
export function withInstalled(current: InstallPlanCondition[] | undefined, installed: ExecutorStatus['installed'], now: string): InstallPlanCondition[] {
  const rest = (current ?? []).filter((c) => c.type !== 'Installed');
  if (!installed) return current ?? [];
  const old = current?.find((c) => c.type === 'Installed');
  const same = old && old.status === installed.status && (old.reason ?? '') === (installed.reason ?? '') && (old.message ?? '') === (installed.message ?? '');
  if (same) return current!;
  const cond: InstallPlanCondition = { type: 'Installed', status: installed.status, ...(installed.reason ? { reason: installed.reason } : {}), ...(installed.message ? { message: installed.message } : {}), lastUpdateTime: now, lastTransitionTime: old && old.status === installed.status ? (old.lastTransitionTime ?? now) : now };
  return [...rest, cond];
}

/**
 * Writes the executor's part of `status` when it differs from `plan`'s; returns whether it wrote.
 * @example await writeStatus(kube, plan, { phase: 'Installing', plan: steps, startTime });
 */
export async function writeStatus(kube: KubeClient, plan: InstallPlan, desired: ExecutorStatus): Promise<boolean> {
  const cur = plan.status ?? {};
  const conditions = withInstalled(cur.conditions, desired.installed, nowTime());
  const unchanged = cur.phase === desired.phase && isDeepStrictEqual(cur.plan ?? [], desired.plan) && cur.startTime === desired.startTime
    && (cur.message ?? '') === (desired.message ?? '') && isDeepStrictEqual(cur.conditions ?? [], conditions);
  if (unchanged) return false;
  const status: Record<string, unknown> = { phase: desired.phase, plan: desired.plan, startTime: desired.startTime };
  if (conditions.length) status.conditions = conditions;
  if (desired.message) status.message = desired.message;
  if (!cur.catalogSources) status.catalogSources = [];
  const body: KubeObject = { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'InstallPlan', metadata: { name: plan.metadata.name, namespace: plan.metadata.namespace }, status };
  const written = await kube.apply<InstallPlan>(OLM_RESOURCES.InstallPlan, body, INSTALLPLAN_FIELD_MANAGER, { subresource: 'status' });
  plan.status = written.status;
  plan.metadata = written.metadata;
  return true;
}
