/** Built-in printers for workloads (kubernetes pkg/printers/internalversion/printers.go). */
import type { KubeObject } from '../../kube/types.ts';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.ts';
import { formatLabels, formatLabelSelector, labelSelectorFromObject, labelSelectorString } from './labels.ts';
import type { Printer } from './printer-util.ts';
import { age, ageColumn, at, boolPtr, containerCells, containerColumns, count, hasCondition, int, str } from './printer-util.ts';
import { column, nameColumn } from './table.ts';

const name = (obj: KubeObject): string => obj.metadata?.name ?? '';
const selectorColumn = (description: string) => column('Selector', 'string', description, 1);

function deploymentSelector(obj: KubeObject): string {
  try {
    return labelSelectorString(labelSelectorFromObject(at(obj, 'spec.selector') as never));
  } catch {
    return '<invalid>';
  }
}

const deployment: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn(),
    ...containerColumns(),
    selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      `${int(obj, 'status.readyReplicas')}/${int(obj, 'spec.replicas', 1)}`,
      int(obj, 'status.updatedReplicas'),
      int(obj, 'status.availableReplicas'),
      age(obj, now),
      ...containerCells(obj, 'spec.template.spec'),
      deploymentSelector(obj),
    ],
  }),
};

const replicaSet: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn(),
    ...containerColumns(),
    selectorColumn('Selector is a label query over pods that should match the replica count.'),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      int(obj, 'spec.replicas', 1),
      int(obj, 'status.replicas'),
      int(obj, 'status.readyReplicas'),
      age(obj, now),
      ...containerCells(obj, 'spec.template.spec'),
      formatLabelSelector(at(obj, 'spec.selector') as never),
    ],
  }),
};

const statefulSet: Printer = {
  columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), ...containerColumns()],
  row: (obj, now) => ({
    cells: [name(obj), `${int(obj, 'status.readyReplicas')}/${int(obj, 'spec.replicas', 1)}`, age(obj, now), ...containerCells(obj, 'spec.template.spec')],
  }),
};

const daemonSet: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn(),
    ...containerColumns(),
    selectorColumn('A label query over pods that are managed by the daemon set.'),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      int(obj, 'status.desiredNumberScheduled'),
      int(obj, 'status.currentNumberScheduled'),
      int(obj, 'status.numberReady'),
      int(obj, 'status.updatedNumberScheduled'),
      int(obj, 'status.numberAvailable'),
      formatLabels(at(obj, 'spec.template.spec.nodeSelector') as Record<string, string> | undefined),
      age(obj, now),
      ...containerCells(obj, 'spec.template.spec'),
      formatLabelSelector(at(obj, 'spec.selector') as never),
    ],
  }),
};

function jobCompletions(obj: KubeObject): string {
  const succeeded = int(obj, 'status.succeeded');
  const completions = at(obj, 'spec.completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = int(obj, 'spec.parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(obj: KubeObject, now: number): string {
  const start = parseTimestamp(str(obj, 'status.startTime'));
  if (start === null || Number.isNaN(start)) return '';
  const end = parseTimestamp(str(obj, 'status.completionTime'));
  return humanDuration((end === null || Number.isNaN(end) ? now : end) - start);
}

function jobStatus(obj: KubeObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

const job: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    ...containerColumns(),
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  row: (obj, now) => ({
    cells: [
      name(obj),
      jobStatus(obj),
      jobCompletions(obj),
      jobDuration(obj, now),
      age(obj, now),
      ...containerCells(obj, 'spec.template.spec'),
      formatLabelSelector(at(obj, 'spec.selector') as never),
    ],
  }),
};

const cronJob: Printer = {
  columns: [
    nameColumn(),
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    ageColumn(),
    ...containerColumns(),
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  row: (obj, now) => {
    const last = str(obj, 'status.lastScheduleTime');
    return {
      cells: [
        name(obj),
        str(obj, 'spec.schedule'),
        str(obj, 'spec.timeZone', '<none>'),
        boolPtr(at(obj, 'spec.suspend')),
        count(obj, 'status.active'),
        last ? translateTimestampSince(last, now) : '<none>',
        age(obj, now),
        ...containerCells(obj, 'spec.jobTemplate.spec.template.spec'),
        formatLabelSelector(at(obj, 'spec.jobTemplate.spec.selector') as never),
      ],
    };
  },
};

export { deployment, replicaSet, statefulSet, daemonSet, job, cronJob };
