import type { KubeObject } from '../kube/index.ts';
import { customResourceDefinition } from '../kube/index.ts';

/**
 * Artifact and ArtifactVersion (app.alauda.io/v1alpha1, namespaced, in cpaas-system): what
 * `violet push` registers for operators and charts. Fields follow the platform's published CRDs
 * (shared/reference/alauda.md §7).
 */

const labelSelector = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: { type: 'object', required: ['key', 'operator'], properties: { key: { type: 'string' }, operator: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } } },
    },
  },
  'x-kubernetes-map-type': 'atomic',
};

export const ARTIFACT_CRD: KubeObject = customResourceDefinition({
  group: 'app.alauda.io',
  kind: 'Artifact',
  plural: 'artifacts',
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1alpha1',
      columns: [
        { name: 'Type', type: 'string', jsonPath: '.spec.type' },
        { name: 'Repository', type: 'string', jsonPath: '.spec.repository' },
        { name: 'Present', type: 'boolean', jsonPath: '.spec.present' },
        { name: 'Versions', type: 'integer', jsonPath: '.status.availableArtifactVersion' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            required: ['artifactVersionSelector', 'present', 'registry', 'repository', 'type'],
            properties: {
              artifactVersionSelector: labelSelector,
              present: { type: 'boolean' },
              registry: { type: 'string' },
              repository: { type: 'string' },
              type: { type: 'string' },
              displayName: { type: 'string' },
              description: { type: 'string' },
              imagePullSecrets: { type: 'array', items: { type: 'string' } },
              tagPatterns: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, regex: { type: 'string' }, maxQuantity: { type: 'integer' } } } },
            },
          },
          status: {
            type: 'object',
            properties: { availableArtifactVersion: { type: 'integer' }, lastUpdateTime: { type: 'string', format: 'date-time' }, synced: { type: 'boolean' } },
          },
        },
      },
    },
  ],
});

export const ARTIFACT_VERSION_CRD: KubeObject = customResourceDefinition({
  group: 'app.alauda.io',
  kind: 'ArtifactVersion',
  plural: 'artifactversions',
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1alpha1',
      columns: [
        { name: 'Name', type: 'string', jsonPath: '.status.name' },
        { name: 'Version', type: 'string', jsonPath: '.status.version' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        { name: 'Reason', type: 'string', jsonPath: '.status.reason' },
      ],
      schema: {
        type: 'object',
        properties: {
          spec: { type: 'object', required: ['present', 'tag'], properties: { present: { type: 'boolean' }, tag: { type: 'string' } } },
          status: {
            type: 'object',
            properties: {
              phase: { type: 'string' },
              reason: { type: 'string' },
              message: { type: 'string' },
              name: { type: 'string' },
              version: { type: 'string' },
              type: { type: 'string' },
              chartInfo: {
                type: 'object',
                properties: {
                  metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  files: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, data: { type: 'string' } } } },
                },
              },
            },
          },
        },
      },
    },
  ],
});

/** CRDs this component installs into every cluster. */
export const ARTIFACT_CRDS: KubeObject[] = [ARTIFACT_CRD, ARTIFACT_VERSION_CRD];
