import type { KubeObject, ResourceRef } from '../kube/index.ts';
import { customResourceDefinition } from '../kube/index.ts';

/**
 * AppRelease (`operator.alauda.io/v1alpha1`, namespaced, `ars`): one install of one or more Helm charts
 * into one cluster, created by the plugin center and reconciled by that cluster's agent ("sentry" in the
 * real platform, shared/reference/alauda.md §1). The fields follow the published examples.
 */

/** Where AppReleases live in the URL space. */
export const APPRELEASES: ResourceRef = { group: 'operator.alauda.io', version: 'v1alpha1', plural: 'appreleases', namespaced: true };

const values = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

const chartStatus = {
  type: 'object',
  properties: {
    releaseName: { type: 'string' },
    installedRevision: { type: 'string' },
    phase: { type: 'string', enum: ['Pending', 'Installing', 'Success', 'Failed'] },
    revision: { type: 'integer' },
    message: { type: 'string' },
    resources: { type: 'integer' },
    ready: { type: 'boolean' },
    manifestHash: { type: 'string' },
  },
};

const condition = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer' },
  },
};

const spec = {
  type: 'object',
  required: ['source'],
  properties: {
    destination: { type: 'object', properties: { cluster: { type: 'string' }, namespace: { type: 'string' } } },
    source: {
      type: 'object',
      required: ['repoURL', 'charts'],
      properties: {
        repoURL: { type: 'string' },
        charts: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, releaseName: { type: 'string' }, targetRevision: { type: 'string' }, values },
          },
        },
      },
    },
    values,
    timeout: { type: 'integer', minimum: 1 },
  },
};

const status = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer' },
    charts: { type: 'object', additionalProperties: chartStatus },
    conditions: { type: 'array', items: condition, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
    // GVKs (`apps/v1/Deployment`) this AppRelease may have objects of; written before applying so prune
    // and uninstall find everything even after a crash mid-apply.
    inventory: { type: 'array', items: { type: 'string' } },
  },
};

/** The AppRelease CRD; the platform installs it in every cluster. */
export const APPRELEASE_CRD: KubeObject = customResourceDefinition({
  group: 'operator.alauda.io',
  kind: 'AppRelease',
  plural: 'appreleases',
  scope: 'Namespaced',
  shortNames: ['ars'],
  versions: [
    {
      name: 'v1alpha1',
      columns: [
        { name: 'Synced', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].status' },
        { name: 'Health', type: 'string', jsonPath: '.status.conditions[?(@.type=="Health")].status' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: { type: 'object', properties: { spec, status } },
    },
  ],
});

/** One chart of `spec.source.charts`. */
export interface AppReleaseChart {
  name: string;
  releaseName?: string;
  targetRevision?: string;
  values?: Record<string, unknown>;
}

export interface AppReleaseSpec {
  destination?: { cluster?: string; namespace?: string };
  source: { repoURL: string; charts: AppReleaseChart[] };
  values?: Record<string, unknown>;
  timeout?: number;
}

export type ChartPhase = 'Pending' | 'Installing' | 'Success' | 'Failed';

/** `status.charts[<chart name>]`. */
export interface ChartStatus {
  releaseName: string;
  installedRevision?: string;
  phase: ChartPhase;
  /** Incremented on every render that changed something. */
  revision: number;
  message: string;
  resources: number;
  ready: boolean;
  /** sha256 of the last applied render; an equal render is not applied again. */
  manifestHash?: string;
}

export interface AppReleaseCondition {
  type: 'Synced' | 'Health';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface AppReleaseStatus {
  observedGeneration?: number;
  charts?: Record<string, ChartStatus>;
  conditions?: AppReleaseCondition[];
  inventory?: string[];
}

export interface AppRelease extends KubeObject {
  spec: AppReleaseSpec;
  status?: AppReleaseStatus;
}

/** All CRDs of this component (one), for the platform's per-cluster CRD list. */
export const AGENT_CRDS: KubeObject[] = [APPRELEASE_CRD];
