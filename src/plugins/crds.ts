import type { KubeObject } from '../kube/index.ts';
import { customResourceDefinition } from '../kube/index.ts';

/**
 * ModulePlugin, ModuleConfig and ModuleInfo (cluster.alauda.io/v1alpha1, cluster-scoped, global cluster),
 * following the published CRDs (shared/reference/alauda.md §2–§4). ModulePlugin.spec and ModuleConfig.spec
 * share one field set; nested free-form parts (config, templates, uiContext) keep unknown fields.
 */
const FREE: Record<string, unknown> = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const STRING = { type: 'string' };
const STRINGS = { type: 'array', items: STRING };
const BILINGUAL = { type: 'object', properties: { en: STRING, zh: STRING } };

const selectorRequirement = { type: 'object', required: ['key', 'operator'], properties: { key: STRING, operator: STRING, values: STRINGS } };
const clusterSelector = { type: 'object', properties: { matchLabels: { type: 'object', additionalProperties: STRING }, matchExpressions: { type: 'array', items: selectorRequirement } } };
const descriptor = { type: 'object', required: ['path', 'x-descriptors'], properties: { path: STRING, 'x-descriptors': STRINGS, displayName: STRING, description: STRING } };
const chartVersion = { type: 'object', required: ['name', 'releaseName', 'version'], properties: { name: STRING, releaseName: STRING, version: STRING } };

/** The spec shared by ModulePlugin and ModuleConfig ("ModuleConfigSpec" in the published schema). */
export const MODULE_CONFIG_SPEC_SCHEMA: Record<string, unknown> = {
  type: 'object',
  required: ['deleteable', 'description', 'logo', 'name'],
  properties: {
    name: STRING,
    version: STRING,
    description: BILINGUAL,
    logo: STRING,
    deleteable: { type: 'boolean' },
    mainChart: STRING,
    appReleases: {
      type: 'array',
      items: { type: 'object', required: ['name', 'chartVersions'], properties: { name: STRING, namespace: STRING, installCondition: STRING, chartVersions: { type: 'array', items: chartVersion } } },
    },
    affinity: { type: 'object', properties: { clusterAffinity: clusterSelector, clusterAntiAffinity: clusterSelector, pluginAntiAffinity: STRINGS } },
    config: FREE,
    cfgFilename: STRING,
    valuesTemplates: { type: 'object', additionalProperties: STRING },
    deployDescriptors: { type: 'array', items: descriptor },
    editDescriptors: { type: 'array', items: descriptor },
    upgradeDescriptors: { type: 'array', items: descriptor },
    dependencies: { type: 'array', items: { type: 'object', required: ['moduleName'], properties: { moduleName: STRING, instanceName: STRING, versionsMatch: STRINGS } } },
    pluginDependencies: FREE,
    crossClusterDependencies: STRINGS,
    upgradeBefore: { type: 'array', items: { type: 'object', properties: { moduleName: STRING } } },
    supportedUpgradeVersions: STRING,
    mustUpgrade: { type: 'boolean' },
    upgradeRiskLevel: STRING,
    upgradeRiskDescription: STRING,
    upgradeRiskDescriptionEn: STRING,
    deleteRiskDescription: STRING,
    deleteRiskDescriptionEn: STRING,
    deleteBlockDescription: STRING,
    deleteBlockDescriptionEn: STRING,
    resourcesBlockRemove: { type: 'array', items: { type: 'object', properties: { apiVersion: STRING, kind: STRING, name: STRING, namespace: STRING } } },
    targetClusterVersions: STRINGS,
    transitTimeout: { type: 'integer', format: 'int64' },
    entrypointTemplate: STRING,
    labelCluster: STRING,
    skipPlatformConfig: { type: 'boolean' },
    uiContext: FREE,
  },
};

function crd(plural: string, kind: string, shortNames: string[], schema: Record<string, unknown>, columns: Record<string, unknown>[] = []): KubeObject {
  return customResourceDefinition({ group: 'cluster.alauda.io', kind, plural, scope: 'Cluster', shortNames, versions: [{ name: 'v1alpha1', schema, columns }] });
}

const condition = { type: 'object', required: ['type', 'status', 'message'], properties: { type: STRING, status: STRING, reason: STRING, message: STRING, lastProbeTime: { type: 'string', format: 'date-time' }, lastTransitionTime: { type: 'string', format: 'date-time' } } };

/** `kubectl get moduleplugins` prints NAME and AGE. */
export const MODULE_PLUGIN_CRD: KubeObject = crd('moduleplugins', 'ModulePlugin', ['mplugin'], {
  type: 'object',
  properties: {
    // Vendors' module-plugin.yaml files carry fields newer than the published schema: keep them.
    spec: { ...MODULE_CONFIG_SPEC_SCHEMA, 'x-kubernetes-preserve-unknown-fields': true },
    status: {
      type: 'object',
      properties: {
        conditions: { type: 'array', items: FREE },
        installed: { type: 'array', items: { type: 'object', required: ['cluster', 'name', 'phase', 'version'], properties: { cluster: STRING, name: STRING, phase: STRING, version: STRING } } },
        latestVersion: STRING,
        moduleConfigs: { type: 'array', items: { type: 'object', properties: { name: STRING, version: STRING, readyForDeploy: { type: 'boolean' }, targetClusterVersions: STRINGS, affinity: FREE } } },
        specHash: STRING,
        targetClusterVersions: FREE,
      },
    },
  },
});

export const MODULE_CONFIG_CRD: KubeObject = crd('moduleconfigs', 'ModuleConfig', ['mconfig'], {
  type: 'object',
  properties: {
    spec: MODULE_CONFIG_SPEC_SCHEMA,
    status: { type: 'object', properties: { readyForDeploy: { type: 'boolean' }, targetClusterVersions: STRINGS, conditions: { type: 'array', items: condition } } },
  },
});

/** Printer columns in the published CRD's order (the product document's second example). */
export const MODULE_INFO_CRD: KubeObject = crd(
  'moduleinfoes',
  'ModuleInfo',
  ['minfo'],
  {
    type: 'object',
    properties: {
      spec: { type: 'object', required: ['version'], properties: { version: STRING, config: FREE, valuesOverride: FREE, selectedCluster: { type: 'object', additionalProperties: STRING }, entrypoint: STRING } },
      status: {
        type: 'object',
        properties: {
          phase: STRING,
          version: STRING,
          availableVersions: {
            type: 'array',
            items: { type: 'object', required: ['version', 'description', 'riskLevel'], properties: { version: STRING, description: STRING, descriptionEn: STRING, riskLevel: STRING, options: FREE, dependencies: { type: 'array', items: FREE }, upgradeBefore: { type: 'array', items: FREE } } },
          },
          appReleases: {
            type: 'array',
            items: { type: 'object', required: ['failed'], properties: { name: STRING, namespace: STRING, chartVersions: { type: 'array', items: chartVersion }, ready: { type: 'boolean' }, synced: { type: 'boolean' }, failed: { type: 'boolean' }, reason: STRING, message: STRING, lastProbeTime: { type: 'string', format: 'date-time' } } },
          },
          conditions: { type: 'array', items: condition },
          blockReasons: STRINGS,
          removeIsPrevented: { type: 'boolean' },
          specHash: STRING,
          moduleconfigSpecHash: STRING,
          transitVersion: STRING,
          transitTimestamp: STRING,
          transitTimeout: { type: 'integer', format: 'int64' },
        },
      },
    },
  },
  [
    { name: 'Cluster', type: 'string', jsonPath: '.metadata.labels.cpaas\\.io/cluster-name' },
    { name: 'Module', type: 'string', jsonPath: '.metadata.labels.cpaas\\.io/module-name' },
    { name: 'Display_Name', type: 'string', jsonPath: '.metadata.annotations.cpaas\\.io/display-name' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Target_Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Current_Version', type: 'string', jsonPath: '.status.version' },
    { name: 'New_Version', type: 'string', jsonPath: '.status.availableVersions[0].version' },
  ],
);

/** CRDs of this component, installed in the global cluster only. */
export const GLOBAL_PLUGIN_CRDS: KubeObject[] = [MODULE_PLUGIN_CRD, MODULE_CONFIG_CRD, MODULE_INFO_CRD];
