/**
 * ClusterServiceVersion shapes, the upstream phase/reason strings and `SetPhase` (phase history in
 * `status.conditions`, trimmed to the last 20; lastTransitionTime moves only when the phase changes).
 */
import type { KubeObject } from '../../kube/index.ts';

/** CSV phases (`ClusterServiceVersionPhase`). */
export const CSV_PHASE = {
  None: '', Pending: 'Pending', InstallReady: 'InstallReady', Installing: 'Installing', Succeeded: 'Succeeded',
  Failed: 'Failed', Unknown: 'Unknown', Replacing: 'Replacing', Deleting: 'Deleting',
} as const;

/** CSV condition reasons used by the OLM operator (upstream `ConditionReason` constants). */
export const CSV_REASON = {
  RequirementsUnknown: 'RequirementsUnknown', RequirementsNotMet: 'RequirementsNotMet', AllRequirementsMet: 'AllRequirementsMet',
  InstallSucceeded: 'InstallSucceeded', InstallWaiting: 'InstallWaiting', InstallCheckFailed: 'InstallCheckFailed',
  ComponentUnhealthy: 'ComponentUnhealthy', InstallComponentFailed: 'InstallComponentFailed',
  InstallComponentFailedNoRetry: 'InstallComponentFailedNoRetry', InvalidInstallStrategy: 'InvalidInstallStrategy',
  NeedsReinstall: 'NeedsReinstall', BeingReplaced: 'BeingReplaced', Replaced: 'Replaced', Copied: 'Copied',
  InvalidInstallModes: 'InvalidInstallModes', NoTargetNamespaces: 'NoTargetNamespaces',
  UnsupportedOperatorGroup: 'UnsupportedOperatorGroup', NoOperatorGroup: 'NoOperatorGroup', TooManyOperatorGroups: 'TooManyOperatorGroups',
} as const;

/** Failures caused by the OperatorGroup; they recover to Pending once the group (or CSV) is fixed. */
export const OPERATOR_GROUP_FAILURES: ReadonlySet<string> = new Set([
  CSV_REASON.NoOperatorGroup, CSV_REASON.TooManyOperatorGroups, CSV_REASON.NoTargetNamespaces,
  CSV_REASON.UnsupportedOperatorGroup, 'InterOperatorGroupOwnerConflict', 'CannotModifyStaticOperatorGroupProvidedAPIs',
]);

/** One entry of `status.conditions` (the phase history). */
export interface CsvCondition {
  phase: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** `status.requirementStatus[]`. */
export interface RequirementStatus {
  group: string;
  version: string;
  kind: string;
  name: string;
  status: 'Present' | 'NotPresent' | 'PresentNotSatisfied' | 'PresentNotAvailable';
  message: string;
  uuid?: string;
  dependents?: { group: string; version: string; kind: string; status: 'Satisfied' | 'NotSatisfied'; message?: string }[];
}

/** `status` of a CSV. */
export interface CsvStatus {
  phase?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  conditions?: CsvCondition[];
  requirementStatus?: RequirementStatus[];
  [key: string]: unknown;
}

/** A deployment of `spec.install.spec.deployments`. */
export interface StrategyDeployment {
  name: string;
  spec: Record<string, unknown> & { replicas?: number; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
  label?: Record<string, string>;
}

/** The parts of a CSV the OLM operator reads. */
export interface Csv extends KubeObject {
  spec: {
    replaces?: string;
    installModes?: { type: string; supported: boolean }[];
    customresourcedefinitions?: { owned?: CrdDescription[]; required?: CrdDescription[] };
    install?: { strategy?: string; spec?: { deployments?: StrategyDeployment[]; permissions?: StrategyPermission[]; clusterPermissions?: StrategyPermission[] } };
    [key: string]: unknown;
  };
  status?: CsvStatus;
}

/** `spec.customresourcedefinitions.owned[]` / `required[]`. */
export interface CrdDescription {
  name: string;
  version?: string;
  kind?: string;
}

/** `spec.install.spec.permissions[]` / `clusterPermissions[]`. */
export interface StrategyPermission {
  serviceAccountName: string;
  rules?: unknown[];
}

/** Conditions kept in `status.conditions` (upstream `ConditionsLengthLimit`). */
export const CONDITIONS_LIMIT = 20;

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function nowTime(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Upstream `SetPhaseWithEventIfChanged`: returns a new status with the phase, reason and message set and
 * the history entry appended, or `undefined` when all three are unchanged.
 */
export function setPhase(status: CsvStatus, phase: string, reason: string, message: string, now: string): CsvStatus | undefined {
  if (status.phase === phase && status.reason === reason && status.message === message) return undefined;
  const next: CsvStatus = { ...status, phase, reason, message, lastUpdateTime: now };
  if (status.phase !== phase) next.lastTransitionTime = now;
  next.lastTransitionTime ??= now;
  const entry: CsvCondition = { phase, reason, message, lastUpdateTime: now, lastTransitionTime: next.lastTransitionTime };
  next.conditions = [...(status.conditions ?? []), entry].slice(-CONDITIONS_LIMIT);
  return next;
}

/** JSON with object keys sorted: key order never counts as a change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
