/** The namespaced CRD and the custom resources the API server benchmark creates (see bench/README.md, §2). */

export const GROUP = 'bench.example.com';
export const PLURAL = 'benchwidgets';
export const NAMESPACES = ['bench-0', 'bench-1', 'bench-2', 'bench-3'];

export const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'benchwidget', kind: 'BenchWidget', shortNames: ['bw'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 100 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  msg: { type: 'string' },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

export function namespaceOf(i: number): string {
  return NAMESPACES[i % NAMESPACES.length];
}

export function widget(name: string, i: number): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: 'BenchWidget',
    metadata: { name, namespace: namespaceOf(i), labels: { app: 'bench', shard: String(i % 10) } },
    spec: { size: 1 + (i % 100), color: i % 2 ? 'red' : 'blue', msg: `benchmark object number ${i}` },
  };
}
