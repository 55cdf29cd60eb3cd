/**
 * `transitionCSVState` (olm/operator.go): one level-based step of a CSV's state machine. Reads caches through
 * {@link CsvWorld}, returns the status to write (or an action) without touching the API itself.
 */
import type { KubeObject } from '../../kube/index.ts';
import { duplicateInstallModes, groupAnnotations, installModeError, targetNamespaces } from './olm-operator-groups.ts';
import type { OperatorGroup } from './olm-operator-groups.ts';
import type { InstallCheck } from './olm-operator-install.ts';
import { checkRequirements } from './olm-operator-requirements.ts';
import type { RequirementLookups } from './olm-operator-requirements.ts';
import { CSV_PHASE as P, CSV_REASON as R, OPERATOR_GROUP_FAILURES, setPhase } from './olm-operator-status.ts';
import type { Csv, CsvStatus } from './olm-operator-status.ts';

/** What a step may read. */
export interface CsvWorld extends RequirementLookups {
  csvs(namespace: string): Csv[];
  operatorGroups(namespace: string): OperatorGroup[];
  namespaces(): KubeObject[];
  checkInstall(csv: Csv): InstallCheck;
  now(): string;
  installTimeoutMs: number;
}

/** What the caller must do after a step. */
export type CsvStep =
  | { kind: 'none'; requeueAfterMs?: number }
  | { kind: 'annotate'; annotations: Record<string, string> }
  | { kind: 'status'; status: CsvStatus; requeueAfterMs?: number }
  | { kind: 'install'; status: CsvStatus }
  | { kind: 'delete' }
  | { kind: 'markDeleting'; names: string[] };

const REPLACED_MESSAGE = 'has been replaced by a newer ClusterServiceVersion that has successfully installed.';

/** The CSV whose `spec.replaces` names `csv`, if any. */
export function replacementOf(csv: Csv, all: Csv[]): Csv | undefined {
  return all.find((c) => c.spec.replaces === csv.metadata.name && c.metadata.name !== csv.metadata.name && !c.metadata.deletionTimestamp);
}

/** Upstream findIntermediatesForDeletion: CSVs of the chain before its newest Succeeded member. */
function intermediatesForDeletion(csv: Csv, all: Csv[]): string[] {
  const chain: Csv[] = [csv];
  let toDelete: string[] = [];
  for (let next = replacementOf(csv, all); next && chain.length <= all.length; next = replacementOf(next, all)) {
    if (next.status?.phase === P.Succeeded) toDelete = chain.map((c) => c.metadata.name!);
    chain.push(next);
  }
  return toDelete;
}

type To = (phase: string, reason: string, message: string, extra?: Partial<CsvStatus>, requeueAfterMs?: number) => CsvStep;

/** One state-machine step for `csv`. */
export function stepCsv(csv: Csv, w: CsvWorld): CsvStep {
  const st: CsvStatus = csv.status ?? {};
  const now = w.now();
  const all = w.csvs(csv.metadata.namespace!);
  const to: To = (phase, reason, message, extra = {}, requeueAfterMs) => {
    const base = { ...st, ...extra };
    const next = setPhase(base, phase, reason, message, now) ?? base;
    return { kind: 'status', status: next, requeueAfterMs };
  };
  if (st.phase === P.Deleting) return { kind: 'delete' };
  // checkReplacementsAndUpdateStatus
  if (st.phase !== P.Replacing) {
    const replacement = replacementOf(csv, all);
    if (replacement) return to(P.Replacing, R.BeingReplaced, `being replaced by csv: ${replacement.metadata.name}`);
  }
  if (st.phase === P.Replacing) {
    // Only the oldest CSV of a replacement chain acts.
    if (all.some((c) => c.metadata.name === csv.spec.replaces && c.status?.phase === P.Replacing)) return { kind: 'none' };
    const names = intermediatesForDeletion(csv, all);
    return names.length ? { kind: 'markDeleting', names } : { kind: 'none', requeueAfterMs: 5_000 };
  }
  return groupGuards(csv, w, to) ?? phaseStep(csv, w, all, to);
}

/** operatorGroupForCSV and the install mode checks, run before the phase switch. */
function groupGuards(csv: Csv, w: CsvWorld, to: To): CsvStep | undefined {
  const ns = csv.metadata.namespace!;
  const groups = w.operatorGroups(ns);
  if (groups.length === 0) return to(P.Failed, R.NoOperatorGroup, 'csv in namespace with no operatorgroups');
  if (groups.length > 1) return to(P.Failed, R.TooManyOperatorGroups, "csv created in namespace with multiple operatorgroups, can't pick one automatically");
  const og = groups[0];
  const targets = targetNamespaces(og, w.namespaces());
  const wanted = groupAnnotations(og, targets);
  if (Object.entries(wanted).some(([k, v]) => csv.metadata.annotations?.[k] !== v)) return { kind: 'annotate', annotations: wanted };
  if (targets.length === 0) return to(P.Failed, R.NoTargetNamespaces, 'no targetNamespaces are matched operatorgroups namespace selection');
  const dup = duplicateInstallModes(csv.spec.installModes);
  if (dup) return to(P.Failed, R.InvalidInstallModes, dup);
  const unsupported = installModeError(csv.spec.installModes, ns, targets);
  if (unsupported) return to(P.Failed, R.UnsupportedOperatorGroup, unsupported);
  return undefined;
}

/** The phase switch proper. */
function phaseStep(csv: Csv, w: CsvWorld, all: Csv[], to: To): CsvStep {
  const st: CsvStatus = csv.status ?? {};
  const reqs = () => checkRequirements(csv, w);
  const notMet = "one or more requirements couldn't be found";
  switch (st.phase ?? '') {
    case P.None:
      return to(P.Pending, R.RequirementsUnknown, 'requirements not yet checked');
    case P.Pending: {
      const r = reqs();
      if (!r.met) return to(P.Pending, R.RequirementsNotMet, notMet, { requirementStatus: r.statuses });
      // A CSV that replaces another waits until the old one is Replacing.
      const replaced = all.find((c) => c.metadata.name === csv.spec.replaces);
      if (replaced && replaced.status?.phase !== P.Replacing && replaced.status?.phase !== P.Deleting) return { kind: 'none', requeueAfterMs: 2_000 };
      return to(P.InstallReady, R.AllRequirementsMet, 'all requirements found, attempting install', { requirementStatus: r.statuses });
    }
    case P.InstallReady:
      return { kind: 'install', status: setPhase(st, P.Installing, R.InstallSucceeded, 'waiting for install components to report healthy', w.now()) ?? st };
    case P.Installing: {
      const c = w.checkInstall(csv);
      if (c.state === 'healthy') return to(P.Succeeded, R.InstallSucceeded, 'install strategy completed with no errors');
      if (c.state === 'failed') return to(P.Failed, R.InstallCheckFailed, `install failed: ${c.message}`);
      if (st.lastTransitionTime && Date.parse(w.now()) - Date.parse(st.lastTransitionTime) > w.installTimeoutMs) return to(P.Failed, R.InstallCheckFailed, 'install timeout');
      return to(P.Installing, R.InstallWaiting, `installing: ${c.message}`, {}, 5_000);
    }
    case P.Succeeded: {
      const r = reqs();
      if (!r.met) return to(P.Failed, R.RequirementsNotMet, 'requirements no longer met', { requirementStatus: r.statuses });
      const c = w.checkInstall(csv);
      if (c.state !== 'healthy') return to(P.Failed, R.ComponentUnhealthy, `installing: ${c.message}`);
      return to(P.Succeeded, st.reason ?? R.InstallSucceeded, st.message ?? '', { requirementStatus: r.statuses });
    }
    case P.Failed:
      return failedStep(csv, w, to);
    default:
      return { kind: 'none' };
  }
}

/** Recovery from Failed: OperatorGroup failures → Pending/RequirementsUnknown; others re-check and reinstall. */
function failedStep(csv: Csv, w: CsvWorld, to: To): CsvStep {
  const st: CsvStatus = csv.status ?? {};
  if (OPERATOR_GROUP_FAILURES.has(st.reason ?? '')) {
    return to(P.Pending, R.RequirementsUnknown, st.reason === R.UnsupportedOperatorGroup ? 'InstallModes now support target namespaces' : 'requirements not yet checked');
  }
  if (st.reason === R.InstallComponentFailedNoRetry) return { kind: 'none' };
  const r = checkRequirements(csv, w);
  if (!r.met) return to(P.Pending, R.RequirementsNotMet, "one or more requirements couldn't be found", { requirementStatus: r.statuses });
  return to(P.Pending, R.NeedsReinstall, 'calculated deployment install is bad', { requirementStatus: r.statuses });
}

export { REPLACED_MESSAGE };
