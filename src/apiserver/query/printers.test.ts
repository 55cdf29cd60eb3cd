import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { builtinTable } from './index.ts';

const now = Date.parse('2024-05-01T12:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2024-04-30T12:00:00Z', ...extra });

function headersAndCells(kind: string, obj: KubeObject): [Array<[string, string, number]>, unknown[]] {
  const table = builtinTable(kind, [obj], {}, now);
  return [table.columnDefinitions!.map((c) => [c.name, c.type, c.priority]), table.rows[0].cells];
}

describe('builtinTable', () => {
  const cases: Array<{ kind: string; obj: KubeObject; columns: string[]; cells: unknown[] }> = [
    {
      kind: 'ConfigMap',
      obj: { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } },
      columns: ['Name', 'Data', 'Age'],
      cells: ['cm', 3, '24h'],
    },
    {
      kind: 'Secret',
      obj: { metadata: meta('sh.helm.release.v1.demo.v1'), type: 'helm.sh/release.v1', data: { release: 'eA==' } },
      columns: ['Name', 'Type', 'Data', 'Age'],
      cells: ['sh.helm.release.v1.demo.v1', 'helm.sh/release.v1', 1, '24h'],
    },
    {
      kind: 'Deployment',
      obj: {
        metadata: meta('web'),
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } },
        },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
      cells: ['web', '2/3', 3, 2, '24h', 'nginx,side', 'nginx:1.27,busybox', 'app=web'],
    },
    {
      kind: 'Namespace',
      obj: { metadata: meta('apps'), status: { phase: 'Active' } },
      columns: ['Name', 'Status', 'Age'],
      cells: ['apps', 'Active', '24h'],
    },
    {
      kind: 'Service',
      obj: {
        metadata: meta('svc'),
        spec: { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }], selector: { app: 'web' } },
      },
      columns: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
      cells: ['svc', 'NodePort', '10.96.0.10', '<none>', '80/TCP,443:30443/TCP', '24h', 'app=web'],
    },
    {
      kind: 'ClusterRoleBinding',
      obj: { metadata: meta('admins'), roleRef: { kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'bob' }, { kind: 'ServiceAccount', namespace: 'ops', name: 'bot' }] },
      columns: ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts'],
      cells: ['admins', 'ClusterRole/admin', '24h', 'bob', '', 'ops/bot'],
    },
    {
      kind: 'ClusterRole',
      obj: { metadata: meta('view', { creationTimestamp: '2024-04-30T12:00:00.123Z' }) },
      columns: ['Name', 'Created At'],
      cells: ['view', '2024-04-30T12:00:00Z'],
    },
    {
      kind: 'Job',
      obj: { metadata: meta('once'), spec: { completions: 1 }, status: { succeeded: 1, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:30Z', conditions: [{ type: 'Complete', status: 'True' }] } },
      columns: ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector'],
      cells: ['once', 'Complete', '1/1', '30s', '24h', '', '', '<none>'],
    },
    {
      kind: 'Pod',
      obj: {
        metadata: meta('p'),
        spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          podIPs: [{ ip: '10.1.0.4' }],
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { finishedAt: '2024-05-01T11:50:00Z' } } },
            { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ],
        },
      },
      columns: ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
      cells: ['p', '1/2', 'CrashLoopBackOff', '1 (10m ago)', '24h', '10.1.0.4', 'n1', '<none>', '<none>'],
    },
    {
      kind: 'Widget',
      obj: { metadata: meta('w') },
      columns: ['Name', 'Age'],
      cells: ['w', '24h'],
    },
  ];
  for (const c of cases) {
    it(c.kind, () => {
      const [columns, cells] = headersAndCells(c.kind, c.obj);
      assert.deepEqual(columns.map(([name]) => name), c.columns);
      assert.deepEqual(cells, c.cells);
    });
  }

  it('marks wide columns with priority 1', () => {
    const [columns] = headersAndCells('Deployment', { metadata: meta('d') });
    assert.deepEqual(columns.filter(([, , p]) => p === 1).map(([n]) => n), ['Containers', 'Images', 'Selector']);
  });

  it('returns PartialObjectMetadata rows by default', () => {
    const table = builtinTable('ConfigMap', [{ metadata: meta('cm') }], {}, now);
    assert.deepEqual(table.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta('cm') });
  });

  it('marks completed pods with a row condition', () => {
    const table = builtinTable('Pod', [{ metadata: meta('done'), status: { phase: 'Succeeded' } }], {}, now);
    assert.equal(table.rows[0].conditions?.[0].reason, 'Succeeded');
  });
});
