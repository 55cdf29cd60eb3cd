/** Pod printer: printPod of kubernetes pkg/printers/internalversion/printers.go. */
import type { KubeObject } from '../../kube/types.ts';
import { parseTimestamp, translateTimestampSince } from './duration.ts';
import type { Printer } from './printer-util.ts';
import { age, ageColumn, at, hasCondition, list, str } from './printer-util.ts';
import type { RowCells, TableRowCondition } from './table.ts';
import { column, nameColumn } from './table.ts';

type Obj = Record<string, unknown>;

interface PodState {
  reason: string;
  restarts: number;
  ready: number;
  lastRestart: number | null;
}

function noteRestart(state: PodState, status: Obj): void {
  state.restarts += typeof status.restartCount === 'number' ? status.restartCount : 0;
  const finished = parseTimestamp(str(status, 'lastState.terminated.finishedAt'));
  if (finished !== null && !Number.isNaN(finished) && (state.lastRestart === null || finished > state.lastRestart)) state.lastRestart = finished;
}

function terminatedReason(term: Obj, prefix: string): string {
  if (str(term, 'reason')) return `${prefix}${str(term, 'reason')}`;
  const signal = typeof term.signal === 'number' ? term.signal : 0;
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${typeof term.exitCode === 'number' ? term.exitCode : 0}`;
}

/** Returns true while init containers are still deciding the status. */
function applyInitContainers(pod: KubeObject, state: PodState): boolean {
  const statuses = list(pod, 'status.initContainerStatuses');
  const total = list(pod, 'spec.initContainers').length;
  for (let i = 0; i < statuses.length; i++) {
    const status = statuses[i];
    noteRestart(state, status);
    const term = at(status, 'state.terminated') as Obj | undefined;
    const waitingReason = str(status, 'state.waiting.reason');
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (term) state.reason = terminatedReason(term, 'Init:');
    else if (waitingReason && waitingReason !== 'PodInitializing') state.reason = `Init:${waitingReason}`;
    else state.reason = `Init:${i}/${total}`;
    return true;
  }
  return false;
}

function applyContainers(pod: KubeObject, state: PodState): void {
  state.restarts = 0;
  let hasRunning = false;
  const statuses = list(pod, 'status.containerStatuses');
  for (let i = statuses.length - 1; i >= 0; i--) {
    const status = statuses[i];
    noteRestart(state, status);
    const term = at(status, 'state.terminated') as Obj | undefined;
    if (str(status, 'state.waiting.reason')) state.reason = str(status, 'state.waiting.reason');
    else if (term) state.reason = terminatedReason(term, '');
    else if (status.ready === true && at(status, 'state.running')) {
      hasRunning = true;
      state.ready++;
    }
  }
  if (state.reason === 'Completed' && hasRunning) state.reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
}

function podReason(pod: KubeObject): string {
  let reason = str(pod, 'status.reason') || str(pod, 'status.phase');
  for (const c of list(pod, 'status.conditions')) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  return reason;
}

function readinessGates(pod: KubeObject): string {
  const gates = list(pod, 'spec.readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(pod, 'status.conditions');
  const ready = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${ready}/${gates.length}`;
}

const completed: Record<string, TableRowCondition[]> = {
  Succeeded: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
};

function podRow(pod: KubeObject, now: number): RowCells {
  const state: PodState = { reason: podReason(pod), restarts: 0, ready: 0, lastRestart: null };
  if (!applyInitContainers(pod, state)) applyContainers(pod, state);
  if (pod.metadata?.deletionTimestamp) state.reason = str(pod, 'status.reason') === 'NodeLost' ? 'Unknown' : 'Terminating';
  const lastRestart = state.lastRestart === null ? null : new Date(state.lastRestart).toISOString();
  const restarts = lastRestart ? `${state.restarts} (${translateTimestampSince(lastRestart, now)} ago)` : String(state.restarts);
  const podIP = str(list(pod, 'status.podIPs')[0], 'ip') || '<none>';
  const cells = [
    pod.metadata?.name ?? '',
    `${state.ready}/${list(pod, 'spec.containers').length}`,
    state.reason,
    restarts,
    age(pod, now),
    podIP,
    str(pod, 'spec.nodeName') || '<none>',
    str(pod, 'status.nominatedNodeName') || '<none>',
    readinessGates(pod),
  ];
  const conditions = completed[str(pod, 'status.phase')];
  return conditions ? { cells, conditions } : { cells };
}

export const pod: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    column('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
    column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  row: podRow,
};
