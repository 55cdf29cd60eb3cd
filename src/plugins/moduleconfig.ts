import type { KubeObject } from '../kube/index.ts';
import type { PluginConfig } from './chart-config.ts';
import { MODULE_CONFIG_SPEC_SCHEMA } from './crds.ts';
import type { ModuleConfigObject, ModuleConfigSpec } from './model.ts';
import { LABELS, compareModuleVersions, moduleConfigName } from './model.ts';

const SPEC_FIELDS = new Set(Object.keys(MODULE_CONFIG_SPEC_SCHEMA.properties as object));
const COPIED_LABELS = [LABELS.lifecycleType, LABELS.moduleCatalog, LABELS.product];

/**
 * The version a ModulePlugin publishes: `spec.version`, else its main chart's version ("any chart version
 * change ⇒ new ModuleConfig", alauda.md §1/§12).
 */
export function pluginVersion(plugin: KubeObject): string | undefined {
  const spec = plugin.spec as ModuleConfigSpec;
  if (spec.version) return spec.version;
  const charts = (spec.appReleases ?? []).flatMap((a) => a.chartVersions ?? []);
  return (charts.find((c) => c.name === spec.mainChart) ?? charts[0])?.version;
}

/**
 * The ModuleConfig of one plugin version: the ModulePlugin's spec (only the published ModuleConfigSpec fields),
 * the concrete version, and what the main chart's plugin-config.yaml defines (config defaults, descriptors,
 * valuesTemplates, upgrade rules).
 */
export function buildModuleConfig(plugin: KubeObject, version: string, cfg: PluginConfig): ModuleConfigObject {
  const name = plugin.metadata.name!;
  const spec = Object.fromEntries(Object.entries(plugin.spec as object).filter(([k]) => SPEC_FIELDS.has(k))) as ModuleConfigSpec;
  const labels: Record<string, string> = { [LABELS.moduleName]: name, [LABELS.moduleVersion]: version, [LABELS.moduleType]: 'plugin' };
  for (const key of COPIED_LABELS) {
    const v = plugin.metadata.labels?.[key];
    if (v) labels[key] = v;
  }
  const annotations: Record<string, string> = { [LABELS.moduleName]: name };
  const display = plugin.metadata.annotations?.[LABELS.displayName];
  if (display) annotations[LABELS.displayName] = display;
  return {
    apiVersion: 'cluster.alauda.io/v1alpha1',
    kind: 'ModuleConfig',
    metadata: {
      name: moduleConfigName(name, version),
      labels,
      annotations,
      ownerReferences: [{ apiVersion: 'cluster.alauda.io/v1alpha1', kind: 'ModulePlugin', name, uid: plugin.metadata.uid!, controller: true, blockOwnerDeletion: false }],
    },
    spec: { ...spec, name: spec.name ?? name, version, config: cfg.config ?? spec.config ?? {}, ...withoutConfig(cfg) },
  };
}

function withoutConfig(cfg: PluginConfig): Omit<PluginConfig, 'config'> {
  const { config: _ignored, ...rest } = cfg;
  return rest;
}

/** ModulePlugin.status.moduleConfigs and latestVersion, newest first. */
export function summarizeModuleConfigs(configs: ModuleConfigObject[]): { latestVersion?: string; moduleConfigs: Record<string, unknown>[] } {
  const sorted = [...configs].sort((a, b) => compareModuleVersions(b.spec.version ?? '', a.spec.version ?? ''));
  return {
    latestVersion: sorted[0]?.spec.version,
    moduleConfigs: sorted.map((c) => ({ name: c.metadata.name, version: c.spec.version, readyForDeploy: c.status?.readyForDeploy ?? false, ...(c.spec.affinity ? { affinity: c.spec.affinity } : {}) })),
  };
}
