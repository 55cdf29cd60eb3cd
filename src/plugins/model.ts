import type { KubeObject, ResourceRef } from '../kube/index.ts';
import { compareVersions, inRange, parseVersion } from '../olm/index.ts';

/** Resources of this component (global cluster) and the ones it reads or writes elsewhere. */
export const MODULE_PLUGINS: ResourceRef = { group: 'cluster.alauda.io', version: 'v1alpha1', plural: 'moduleplugins', namespaced: false };
export const MODULE_CONFIGS: ResourceRef = { group: 'cluster.alauda.io', version: 'v1alpha1', plural: 'moduleconfigs', namespaced: false };
export const MODULE_INFOS: ResourceRef = { group: 'cluster.alauda.io', version: 'v1alpha1', plural: 'moduleinfoes', namespaced: false };
export const CLUSTERS: ResourceRef = { group: 'platform.tkestack.io', version: 'v1', plural: 'clusters', namespaced: false };
export const APP_RELEASES: ResourceRef = { group: 'operator.alauda.io', version: 'v1alpha1', plural: 'appreleases', namespaced: true };

/** Label and annotation keys (shared/reference/alauda.md §6). */
export const LABELS = {
  moduleName: 'cpaas.io/module-name',
  moduleType: 'cpaas.io/module-type',
  moduleVersion: 'cpaas.io/module-version',
  clusterName: 'cpaas.io/cluster-name',
  lifecycleType: 'cpaas.io/lifecycle-type',
  moduleCatalog: 'cpaas.io/module-catalog',
  product: 'cpaas.io/product',
  moduleInfo: 'cpaas.io/module-info',
  displayName: 'cpaas.io/display-name',
} as const;

export const SYSTEM_NAMESPACE = 'cpaas-system';
export const MODULE_INFO_FINALIZER = 'moduleinfo';

export type LifecycleType = 'Core' | 'Aligned' | 'Agnostic';
export type ModuleInfoPhase = 'Pending' | 'Processing' | 'Running' | 'Failed' | 'Deleting';

export interface ChartVersion {
  name: string;
  releaseName: string;
  version: string;
}

export interface AppReleaseSpec {
  name: string;
  namespace?: string;
  installCondition?: string;
  chartVersions: ChartVersion[];
}

export interface ClusterSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Affinity {
  clusterAffinity?: ClusterSelector;
  clusterAntiAffinity?: ClusterSelector;
  pluginAntiAffinity?: string[];
}

export interface Descriptor {
  path: string;
  'x-descriptors': string[];
  displayName?: string;
  description?: string;
}

export interface Dependency {
  moduleName: string;
  instanceName?: string;
  versionsMatch?: string[];
}

/** ModulePlugin.spec = ModuleConfig.spec ("ModuleConfigSpec"); the fields the controllers use. */
export interface ModuleConfigSpec {
  name: string;
  version?: string;
  description?: { en?: string; zh?: string };
  logo?: string;
  deleteable?: boolean;
  mainChart?: string;
  appReleases?: AppReleaseSpec[];
  affinity?: Affinity;
  config?: Record<string, unknown>;
  valuesTemplates?: Record<string, string>;
  deployDescriptors?: Descriptor[];
  editDescriptors?: Descriptor[];
  dependencies?: Dependency[];
  upgradeBefore?: { moduleName: string }[];
  supportedUpgradeVersions?: string;
  mustUpgrade?: boolean;
  upgradeRiskLevel?: string;
  upgradeRiskDescription?: string;
  upgradeRiskDescriptionEn?: string;
  skipPlatformConfig?: boolean;
  [field: string]: unknown;
}

export interface ModuleConfigObject extends KubeObject {
  spec: ModuleConfigSpec;
  status?: { readyForDeploy?: boolean; conditions?: ModuleCondition[] };
}

export interface ModuleCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export interface AvailableVersion {
  version: string;
  description: string;
  descriptionEn?: string;
  riskLevel: string;
  dependencies?: Dependency[];
  upgradeBefore?: { moduleName: string }[];
}

export interface ModuleInfoAppRelease {
  name: string;
  namespace: string;
  chartVersions: ChartVersion[];
  ready: boolean;
  synced: boolean;
  failed: boolean;
  reason?: string;
  message?: string;
}

export interface ModuleInfoStatus {
  phase?: ModuleInfoPhase;
  version?: string;
  availableVersions?: AvailableVersion[];
  appReleases?: ModuleInfoAppRelease[];
  conditions?: ModuleCondition[];
  blockReasons?: string[];
  specHash?: string;
  moduleconfigSpecHash?: string;
}

export interface ModuleInfoObject extends KubeObject {
  spec: { version: string; config?: Record<string, unknown>; valuesOverride?: Record<string, unknown>; selectedCluster?: Record<string, string>; entrypoint?: string };
  status?: ModuleInfoStatus;
}

/** `cpaas.io/lifecycle-type` (lowercase in data, capitalised in docs); absent ⇒ Agnostic. */
export function lifecycleOf(obj: KubeObject): LifecycleType {
  const raw = (obj.metadata.labels?.[LABELS.lifecycleType] ?? '').toLowerCase();
  return raw === 'core' ? 'Core' : raw === 'aligned' ? 'Aligned' : 'Agnostic';
}

/** `web-cli` + `v4.0.4` → `web-cli-v4.0.4` (ModuleConfig naming). */
export function moduleConfigName(plugin: string, version: string): string {
  return `${plugin}-${version}`;
}

/** Plugin versions are written `v4.0.4`; ranges `>= v4.0.0`. Both compare as semver without the `v`. */
export function stripV(s: string): string {
  return s.replace(/(^|[\s=<>!~^,|])v(?=\d)/g, '$1');
}

export function compareModuleVersions(a: string, b: string): number {
  const pa = parseVersion(stripV(a));
  const pb = parseVersion(stripV(b));
  if (pa.ok && pb.ok) return compareVersions(pa.value, pb.value);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionInRange(version: string, range: string): boolean {
  return inRange(stripV(version), stripV(range));
}

/** Whether a Cluster's labels satisfy a selector (an empty selector matches every cluster). */
export function selectorMatches(selector: ClusterSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((e) => expressionMatches(e, labels));
}

function expressionMatches(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, e.key);
  const value = labels[e.key];
  switch (e.operator) {
    case 'In': return has && (e.values ?? []).includes(value);
    case 'NotIn': return !has || !(e.values ?? []).includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number(value) > Number(e.values?.[0]);
    case 'Lt': return has && Number(value) < Number(e.values?.[0]);
    default: return false;
  }
}

/** A selector as text, for messages: `is-global=true, cpaas.io/os-linux exists`. */
export function describeSelector(selector: ClusterSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator;
    parts.push(op === 'Exists' ? `${e.key} exists` : op === 'DoesNotExist' ? `${e.key} does not exist` : `${e.key} ${op} (${(e.values ?? []).join(', ')})`);
  }
  return parts.join(', ') || '(any cluster)';
}

/** Sets `cond` in `list` (by type), keeping lastTransitionTime when the status did not change. */
export function setCondition(list: ModuleCondition[] | undefined, cond: Omit<ModuleCondition, 'lastTransitionTime' | 'lastProbeTime'>, now: string): ModuleCondition[] {
  const out = (list ?? []).filter((c) => c.type !== cond.type);
  const prev = (list ?? []).find((c) => c.type === cond.type);
  const same = prev && prev.status === cond.status && prev.reason === cond.reason && prev.message === cond.message;
  out.push(same ? prev : { ...cond, lastTransitionTime: prev && prev.status === cond.status ? prev.lastTransitionTime : now });
  return out.sort((a, b) => a.type.localeCompare(b.type));
}
