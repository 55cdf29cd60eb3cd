import type { KubeObject } from '../kube/index.ts';
import { validateConfig } from './descriptors.ts';
import type { ModuleConfigObject, ModuleInfoObject } from './model.ts';
import { LABELS, compareModuleVersions, describeSelector, selectorMatches } from './model.ts';

/** A reason (condition reason, CamelCase) and a message that says what to do. */
export interface Problem {
  reason: string;
  message: string;
}

/** What a ModuleInfo is checked against; all read from informer caches. */
export interface InstallWorld {
  plugin?: KubeObject;
  /** ModuleConfigs of this plugin. */
  configs: ModuleConfigObject[];
  /** The target Cluster (clusters.platform.tkestack.io). */
  cluster?: KubeObject;
  /** Other ModuleInfos targeting the same cluster (this one and its renamed copy excluded). */
  others: ModuleInfoObject[];
}

/** The target cluster, plugin and version named by a ModuleInfo's labels and spec. */
export function installTarget(mi: ModuleInfoObject): { cluster?: string; module?: string; version: string } {
  return { cluster: mi.metadata.labels?.[LABELS.clusterName], module: mi.metadata.labels?.[LABELS.moduleName], version: mi.spec?.version ?? '' };
}

/** Label checks first: without them nothing else can be looked up. */
export function validateLabels(mi: ModuleInfoObject): Problem[] {
  const labels = mi.metadata.labels ?? {};
  const problems: Problem[] = [];
  if (labels[LABELS.moduleType] !== 'plugin') problems.push({ reason: 'MissingModuleType', message: `label ${LABELS.moduleType}: plugin is ${labels[LABELS.moduleType] === undefined ? 'missing' : `"${labels[LABELS.moduleType]}", not "plugin"`}; a ModuleInfo must carry it or the installation fails` });
  if (!labels[LABELS.moduleName]) problems.push({ reason: 'MissingModuleName', message: `label ${LABELS.moduleName} is missing: set it to the plugin's name (the ModulePlugin's name)` });
  if (!labels[LABELS.clusterName]) problems.push({ reason: 'MissingClusterName', message: `label ${LABELS.clusterName} is missing: set it to the cluster to install into` });
  if (!mi.spec?.version) problems.push({ reason: 'MissingVersion', message: 'spec.version is required: set it to one of the plugin\'s ModuleConfig versions' });
  return problems;
}

/** The ModuleConfig of `version`, or the problem explaining why there is none. */
export function findModuleConfig(module: string, version: string, world: InstallWorld): ModuleConfigObject | Problem {
  if (!world.plugin) return { reason: 'PluginNotFound', message: `ModulePlugin "${module}" does not exist in the global cluster; publish the plugin with violet push first` };
  const config = world.configs.find((c) => c.spec.version === version);
  if (config) return config;
  const versions = world.configs.map((c) => c.spec.version!).sort((a, b) => compareModuleVersions(b, a));
  return { reason: 'VersionNotFound', message: `plugin ${module} has no version ${version} (no ModuleConfig ${module}-${version}); available: ${versions.join(', ') || 'none'}` };
}

/** Cluster, affinity, one-install-per-cluster and config checks for installing `config` by `mi`. */
export function validatePlacement(mi: ModuleInfoObject, config: ModuleConfigObject, world: InstallWorld): Problem[] {
  const { cluster: clusterName, module } = installTarget(mi);
  if (!world.cluster) return [{ reason: 'ClusterNotFound', message: `cluster "${clusterName}" does not exist (clusters.platform.tkestack.io); check label ${LABELS.clusterName}` }];
  const problems: Problem[] = [];
  const labels = world.cluster.metadata.labels ?? {};
  const affinity = config.spec.affinity ?? {};
  const what = `${module} ${config.spec.version}`;
  if (affinity.clusterAffinity && !selectorMatches(affinity.clusterAffinity, labels)) {
    problems.push({ reason: 'AffinityNotSatisfied', message: `cluster ${clusterName} does not satisfy the clusterAffinity of ${what} (${describeSelector(affinity.clusterAffinity)}); install it on a cluster with those labels` });
  }
  if (affinity.clusterAntiAffinity && hasRules(affinity.clusterAntiAffinity) && selectorMatches(affinity.clusterAntiAffinity, labels)) {
    problems.push({ reason: 'AntiAffinityNotSatisfied', message: `cluster ${clusterName} matches the clusterAntiAffinity of ${what} (${describeSelector(affinity.clusterAntiAffinity)}); it cannot be installed there` });
  }
  const installed = new Map(world.others.map((o) => [o.metadata.labels?.[LABELS.moduleName], o]));
  for (const other of affinity.pluginAntiAffinity ?? []) {
    if (other !== module && installed.has(other)) problems.push({ reason: 'PluginAntiAffinity', message: `${module} cannot be installed on cluster ${clusterName} next to ${other} (pluginAntiAffinity); uninstall ${other} first` });
  }
  const first = world.others.find((o) => o.metadata.labels?.[LABELS.moduleName] === module && isOlder(o, mi));
  if (first) problems.push({ reason: 'AlreadyInstalled', message: `${module} is already installed on cluster ${clusterName} (ModuleInfo ${first.metadata.name}); a plugin installs at most once per cluster: change that ModuleInfo instead` });
  const descriptors = [...(config.spec.deployDescriptors ?? []), ...(config.spec.editDescriptors ?? [])];
  const bad = validateConfig(mi.spec.config, descriptors, config.spec.config ?? {});
  if (bad.length) problems.push({ reason: 'InvalidConfig', message: `spec.config does not match the form of ${what}: ${bad.join('; ')}` });
  return problems;
}

function hasRules(s: { matchLabels?: object; matchExpressions?: unknown[] }): boolean {
  return Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0;
}

/** The earlier of two installs keeps the cluster (creation time, then name). */
function isOlder(a: KubeObject, b: KubeObject): boolean {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb || (ta === tb && a.metadata.name! < b.metadata.name!);
}
