import type { KubeObject } from '../kube/index.ts';
import { customResourceDefinition } from '../kube/index.ts';

/** The Cluster kind of the platform (clusters.platform.tkestack.io/v1), served in `global`. */
export const CLUSTER_CRD: KubeObject = customResourceDefinition({
  group: 'platform.tkestack.io',
  kind: 'Cluster',
  plural: 'clusters',
  scope: 'Cluster',
  shortNames: ['cls'],
  versions: [
    {
      name: 'v1',
      columns: [
        { name: 'Type', type: 'string', jsonPath: '.spec.type' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        type: 'object',
        properties: {
          spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { type: { type: 'string' }, displayName: { type: 'string' } } },
          status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { phase: { type: 'string' } } },
        },
      },
    },
  ],
});

/** Labels `marketplace up` gives the global cluster (plugin affinity matches them). */
export const GLOBAL_CLUSTER_LABELS: Record<string, string> = {
  'is-global': 'true',
  'cpaas.io/os-linux': 'true',
  'cpaas.io/arch-amd64': 'true',
};

export function clusterObject(name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'platform.tkestack.io/v1',
    kind: 'Cluster',
    metadata: { name, labels },
    spec: { type: name === 'global' ? 'Baremetal' : 'Imported', displayName: name },
  };
}

/** Parses repeated `--label k=v` flags. */
export function parseLabels(values: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new Error(`invalid --label "${v}": expected key=value, e.g. --label cpaas.io/arch-amd64=true`);
    labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}
