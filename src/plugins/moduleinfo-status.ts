import type { KubeObject } from '../kube/index.ts';
import type { AvailableVersion, ModuleConfigObject, ModuleInfoAppRelease, ModuleInfoObject } from './model.ts';
import { LABELS, compareModuleVersions, lifecycleOf, selectorMatches, versionInRange } from './model.ts';

/**
 * Pure status derivation for ModuleInfo: upgrade candidates, upgrade blocks and the roll-up of the
 * AppReleases' status (AppRelease → ModuleInfo, STYLE.md "child failures propagated upward").
 */

/** ModuleConfigs this cluster accepts at or above `current`, newest first (NEW_VERSION is the first). */
export function availableVersions(configs: ModuleConfigObject[], cluster: KubeObject | undefined, current: string): AvailableVersion[] {
  const labels = cluster?.metadata.labels ?? {};
  return configs
    .filter((c) => c.status?.readyForDeploy && c.spec.version && compareModuleVersions(c.spec.version, current) >= 0)
    .filter((c) => selectorMatches(c.spec.affinity?.clusterAffinity, labels))
    .sort((a, b) => compareModuleVersions(b.spec.version!, a.spec.version!))
    .map((c) => ({
      version: c.spec.version!,
      description: c.spec.upgradeRiskDescription ?? '',
      ...(c.spec.upgradeRiskDescriptionEn ? { descriptionEn: c.spec.upgradeRiskDescriptionEn } : {}),
      riskLevel: c.spec.upgradeRiskLevel ?? 'Low',
      ...(c.spec.dependencies?.length ? { dependencies: c.spec.dependencies } : {}),
      ...(c.spec.upgradeBefore?.length ? { upgradeBefore: c.spec.upgradeBefore } : {}),
    }));
}

/**
 * Why `current` → `target` may not happen: lifecycle Core (upgrades only with the cluster), the target's
 * `supportedUpgradeVersions`, its dependencies' `versionsMatch`, and `upgradeBefore` modules not yet at the
 * target version. `installed` are the other ModuleInfos on the same cluster.
 */
export function upgradeBlockReasons(plugin: KubeObject | undefined, current: string, target: ModuleConfigObject, installed: ModuleInfoObject[]): string[] {
  const reasons: string[] = [];
  const module = target.spec.name;
  const version = target.spec.version!;
  if ((plugin && lifecycleOf(plugin) === 'Core') || lifecycleOf(target) === 'Core') {
    reasons.push(`${module} is a Core plugin: it upgrades only with the cluster's Distribution Version; upgrade the cluster to get ${version}`);
  }
  const range = target.spec.supportedUpgradeVersions;
  if (range && !versionInRange(current, range)) reasons.push(`${module} ${version} supports upgrades only from versions ${range}; the installed version ${current} is not one of them`);
  for (const dep of target.spec.dependencies ?? []) {
    const mi = installed.find((i) => i.metadata.labels?.[LABELS.moduleName] === dep.moduleName);
    const v = mi?.status?.version;
    if (!v) reasons.push(`${module} ${version} depends on ${dep.moduleName}, which is not installed on this cluster`);
    else if (dep.versionsMatch?.length && !dep.versionsMatch.some((r) => versionInRange(v, r))) reasons.push(`${module} ${version} needs ${dep.moduleName} ${dep.versionsMatch.join(' or ')}; ${v} is installed: upgrade ${dep.moduleName} first`);
  }
  for (const before of target.spec.upgradeBefore ?? []) {
    const mi = installed.find((i) => i.metadata.labels?.[LABELS.moduleName] === before.moduleName);
    if (mi && mi.status?.version && mi.spec.version !== mi.status.version) reasons.push(`${before.moduleName} must finish its upgrade before ${module}`);
    else if (mi && mi.status?.phase !== 'Running') reasons.push(`${before.moduleName} must be upgraded (and Running) before ${module}`);
  }
  return reasons;
}

/** Dependencies that are not yet Running at a matching version on the cluster (installs wait for them). */
export function unmetDependencies(config: ModuleConfigObject, installed: ModuleInfoObject[]): string[] {
  const out: string[] = [];
  for (const dep of config.spec.dependencies ?? []) {
    const mi = installed.find((i) => i.metadata.labels?.[LABELS.moduleName] === dep.moduleName && (!dep.instanceName || i.metadata.name === dep.instanceName));
    const v = mi?.status?.version;
    if (!mi || mi.status?.phase !== 'Running' || !v) out.push(`${dep.moduleName} is not Running on this cluster yet`);
    else if (dep.versionsMatch?.length && !dep.versionsMatch.some((r) => versionInRange(v, r))) out.push(`${dep.moduleName} ${v} does not match ${dep.versionsMatch.join(' or ')}`);
  }
  return out;
}

interface AppReleaseView extends KubeObject {
  status?: {
    observedGeneration?: number;
    charts?: Record<string, { phase?: string; message?: string; installedRevision?: string }>;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** One ModuleInfo.status.appReleases entry from the AppRelease in the target cluster (absent: not synced). */
export function appReleaseEntry(spec: { name: string; namespace: string; chartVersions: ModuleInfoAppRelease['chartVersions'] }, ar: AppReleaseView | undefined): ModuleInfoAppRelease {
  const base = { name: spec.name, namespace: spec.namespace, chartVersions: spec.chartVersions };
  if (!ar) return { ...base, ready: false, synced: false, failed: false, reason: 'Creating', message: 'the AppRelease is being created' };
  const cond = (type: string) => ar.status?.conditions?.find((c) => c.type === type);
  const current = ar.status?.observedGeneration === ar.metadata.generation;
  const synced = current && cond('Synced')?.status === 'True';
  const failedChart = Object.entries(ar.status?.charts ?? {}).find(([, c]) => c.phase === 'Failed');
  const ready = synced && cond('Health')?.status === 'True';
  if (failedChart && current) return { ...base, ready: false, synced: false, failed: true, reason: 'ChartFailed', message: `chart ${failedChart[0]}: ${failedChart[1].message ?? 'failed'}` };
  if (ready) return { ...base, ready, synced, failed: false };
  const waiting = !synced ? cond('Synced') : cond('Health');
  return { ...base, ready, synced, failed: false, reason: waiting?.reason ?? (synced ? 'Progressing' : 'Syncing'), message: waiting?.message ?? (synced ? 'waiting for the workloads to become ready' : 'the cluster agent has not applied this revision yet') };
}
