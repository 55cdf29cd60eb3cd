/**
 * moduleinfo-controller (alauda.md §1, §4, §12): validates a ModuleInfo, renames it to `<cluster>-<hash>`,
 * waits for dependencies, renders valuesTemplates with Helm, creates the AppReleases in the target cluster and
 * rolls their status up into the ModuleInfo; upgrades (spec.version) pass the upgrade rules first; deletion
 * uninstalls. Level-based: every step re-reads the world from informer caches.
 */
import { createHash } from 'node:crypto';
import type { Informer, KubeClient, KubeObject } from '../kube/index.ts';
import { createController, createInformer } from '../kube/index.ts';
import type { PlatformFacts } from './appreleases.ts';
import { buildAppReleases, templateContext } from './appreleases.ts';
import { mergeConfig } from './descriptors.ts';
import type { ModuleCondition, ModuleConfigObject, ModuleInfoObject, ModuleInfoPhase, ModuleInfoStatus } from './model.ts';
import { APP_RELEASES, LABELS, MODULE_INFOS, setCondition } from './model.ts';
import { ensureFinalizer, ignoreNotFound, isFinalName, renameModuleInfo, sameInstall, uninstallModuleInfo } from './moduleinfo-lifecycle.ts';
import { appReleaseEntry, availableVersions, unmetDependencies, upgradeBlockReasons } from './moduleinfo-status.ts';
import type { InstallWorld, Problem } from './moduleinfo-validate.ts';
import { findModuleConfig, installTarget, validateLabels, validatePlacement } from './moduleinfo-validate.ts';
import type { PluginInformers } from './moduleplugin-controller.ts';
import { FIELD_MANAGER } from './moduleplugin-controller.ts';
import { createValuesRenderer } from './values.ts';

export interface ModuleInfoControllerOptions {
  kube: KubeClient;
  /** A client for a target cluster (undefined: not reachable yet). */
  clusterClient: (cluster: string) => KubeClient | undefined;
  informers: PluginInformers & { clusters: Informer };
  facts: PlatformFacts;
  signal: AbortSignal;
  helm?: string;
  onError?: (key: string, err: unknown) => void;
}

type Step = { status: ModuleInfoStatus; requeueAfterMs?: number };

export function createModuleInfoController(opts: ModuleInfoControllerOptions): { start(): void; idle(): Promise<void> } {
  const { kube, informers: inf, signal } = opts;
  const appReleaseInformers = new Map<string, Promise<Informer>>();
  const rendered = new Map<string, Record<string, Record<string, unknown>>>();
  // Installs that arrive together share one helm run.
  const renderValues = createValuesRenderer({ helm: opts.helm, signal });

  /** AppReleases of one target cluster, watched once the first ModuleInfo targets it. */
  const appReleasesOf = (cluster: string, client: KubeClient): Promise<Informer> => {
    let informer = appReleaseInformers.get(cluster);
    if (!informer) {
      const i = createInformer(client, APP_RELEASES, { labelSelector: LABELS.moduleInfo });
      i.on((_e, obj) => obj.metadata.labels?.[LABELS.moduleInfo] && controller.enqueue(obj.metadata.labels[LABELS.moduleInfo]));
      void i.start(signal);
      informer = i.synced.then(() => i);
      appReleaseInformers.set(cluster, informer);
    }
    // A cluster without the AppRelease API never syncs: fail this attempt (retried with backoff), do not hang.
    return withTimeout(informer, 10_000, `cannot list AppReleases in cluster ${cluster}`);
  };

  const worldOf = (mi: ModuleInfoObject): InstallWorld => {
    const { cluster, module } = installTarget(mi);
    return {
      plugin: module ? inf.plugins.get(module) : undefined,
      configs: inf.configs.list().filter((c) => c.metadata.labels?.[LABELS.moduleName] === module),
      cluster: cluster ? inf.clusters.get(cluster) : undefined,
      others: inf.infos.list().filter((o) => o.metadata.labels?.[LABELS.clusterName] === cluster && !o.metadata.deletionTimestamp && !sameInstall(o, mi) && o.metadata.labels?.[LABELS.moduleType] === 'plugin'),
    };
  };

  const render = async (templates: Record<string, string>, context: Record<string, unknown>) => {
    const key = createHash('sha256').update(JSON.stringify([templates, context])).digest('hex');
    let out = rendered.get(key);
    if (!out) {
      out = await renderValues(templates, context);
      if (rendered.size > 500) rendered.clear();
      rendered.set(key, out);
    }
    return out;
  };

  /** Install or update: AppReleases applied, their status rolled up. */
  const install = async (mi: ModuleInfoObject, mc: ModuleConfigObject, world: InstallWorld, base: ModuleInfoStatus): Promise<Step> => {
    const unmet = unmetDependencies(mc, world.others);
    if (unmet.length) return { status: withCondition({ ...base, phase: 'Pending' }, 'DependenciesReady', 'False', 'WaitingForDependencies', unmet.join('; ')), requeueAfterMs: 2000 };
    base = withCondition(base, 'DependenciesReady', 'True', 'DependenciesRunning', 'all dependencies are Running');
    const cluster = installTarget(mi).cluster!;
    const client = opts.clusterClient(cluster);
    if (!client) return { status: withCondition({ ...base, phase: 'Pending' }, 'Synced', 'False', 'ClusterUnreachable', `cluster ${cluster} is not reachable yet`), requeueAfterMs: 2000 };
    const config = mergeConfig(mc.spec.config, mi.spec.config);
    let values: Record<string, Record<string, unknown>>;
    try {
      values = await render(mc.spec.valuesTemplates ?? {}, templateContext(mi, config, world.cluster!, opts.facts));
    } catch (err) {
      return { status: withCondition({ ...base, phase: 'Failed' }, 'Synced', 'False', 'RenderFailed', (err as Error).message) };
    }
    const informer = await appReleasesOf(cluster, client);
    const desired = buildAppReleases(mi, mc, values, opts.facts);
    // What each AppRelease is now: the informer may not have seen an apply made a moment ago, and its old copy
    // (old generation, Synced) would report the new version as running before the agent applied it.
    const lives = new Map<KubeObject, KubeObject | undefined>();
    for (const ar of desired) {
      const live = informer.get(ar.metadata.name!, ar.metadata.namespace);
      const stale = !live || JSON.stringify(live.spec) !== JSON.stringify(ar.spec) || live.metadata.labels?.[LABELS.moduleInfo] !== mi.metadata.name || live.metadata.labels?.[LABELS.moduleVersion] !== mc.spec.version;
      lives.set(ar, stale ? await client.apply(APP_RELEASES, ar, FIELD_MANAGER) : live);
    }
    const wanted = new Set(desired.map((d) => `${d.metadata.namespace}/${d.metadata.name}`));
    for (const stale of informer.list().filter((a) => a.metadata.labels?.[LABELS.moduleInfo] === mi.metadata.name && !wanted.has(`${a.metadata.namespace}/${a.metadata.name}`))) {
      await client.delete(APP_RELEASES, stale.metadata.name!, stale.metadata.namespace).catch(ignoreNotFound);
    }
    return rollUp(mi, mc, lives, base);
  };

  const rollUp = (mi: ModuleInfoObject, mc: ModuleConfigObject, lives: Map<KubeObject, KubeObject | undefined>, base: ModuleInfoStatus): Step => {
    const entries = [...lives].map(([d, live]) => {
      const spec = (mc.spec.appReleases ?? []).find((a) => a.name === d.metadata.name)!;
      return appReleaseEntry({ name: d.metadata.name!, namespace: d.metadata.namespace!, chartVersions: spec.chartVersions }, live);
    });
    const failed = entries.find((e) => e.failed);
    const running = entries.every((e) => e.ready && e.synced);
    const phase: ModuleInfoPhase = failed ? 'Failed' : running ? 'Running' : 'Processing';
    let status: ModuleInfoStatus = { ...base, phase, appReleases: entries, version: running ? mi.spec.version : (base.version ?? '') };
    const synced = entries.every((e) => e.synced);
    status = withCondition(status, 'Synced', synced ? 'True' : 'False', failed ? 'ChartFailed' : synced ? 'AppReleasesSynced' : 'Syncing', failed ? failed.message! : synced ? 'every AppRelease is applied' : entries.find((e) => !e.synced)?.message ?? '');
    status = withCondition(status, 'Ready', running ? 'True' : 'False', running ? 'Running' : phase, running ? `${installTarget(mi).module} ${mi.spec.version} is running` : (entries.find((e) => !e.ready)?.message ?? ''));
    return { status, requeueAfterMs: phase === 'Processing' ? 5000 : undefined };
  };

  const reconcile = async (mi: ModuleInfoObject): Promise<Step | undefined> => {
    const now = new Date().toISOString();
    const prev = mi.status ?? {};
    const base: ModuleInfoStatus = { ...prev, version: prev.version ?? '', blockReasons: [] };
    const fail = (p: Problem[]): Step => ({ status: withCondition({ ...base, phase: 'Failed' }, 'Validated', 'False', p[0].reason, p.map((x) => x.message).join('; '), now) });
    const labelProblems = validateLabels(mi);
    if (labelProblems.length) return fail(labelProblems);
    const world = worldOf(mi);
    const { module, version } = installTarget(mi);
    const found = findModuleConfig(module!, version, world);
    if ('reason' in found) return fail([found as Problem]);
    const mc = found as ModuleConfigObject;
    if (!mc.status?.readyForDeploy) return { status: withCondition({ ...base, phase: 'Pending' }, 'Validated', 'False', 'ModuleConfigNotReady', `ModuleConfig ${mc.metadata.name} is not ready for deploy yet`) };
    const current = prev.version || undefined;
    const placement = validatePlacement(mi, mc, world);
    if (placement.length) return fail(placement);
    if (!isFinalName(mi)) {
      await renameModuleInfo(kube, mi, world.cluster!);
      return undefined;
    }
    await ensureFinalizer(kube, mi);
    let status = withCondition(base, 'Validated', 'True', 'Valid', `${module} ${version} can be installed on cluster ${installTarget(mi).cluster}`);
    status.availableVersions = availableVersions(world.configs, world.cluster, current ?? version);
    if (current && current !== version) {
      const reasons = upgradeBlockReasons(world.plugin, current, mc, world.others);
      if (reasons.length) return { status: withCondition({ ...status, blockReasons: reasons, phase: prev.phase ?? 'Running' }, 'Upgradable', 'False', 'UpgradeBlocked', reasons.join('; ')) };
    }
    status = withCondition(status, 'Upgradable', 'True', 'UpgradeAllowed', current && current !== version ? `upgrading from ${current} to ${version}` : 'no upgrade blocked');
    const step = await install(mi, mc, world, status);
    if (step.status.phase === 'Running') step.status.availableVersions = availableVersions(world.configs, world.cluster, version);
    return step;
  };

  const writeStatus = async (mi: ModuleInfoObject, status: ModuleInfoStatus) => {
    if (JSON.stringify(status) === JSON.stringify(mi.status ?? {})) return;
    await kube.apply(MODULE_INFOS, { kind: 'ModuleInfo', metadata: { name: mi.metadata.name }, status }, FIELD_MANAGER, { subresource: 'status' });
  };

  const controller = createController({
    name: 'moduleinfo',
    // Status roll-ups (cheap: renders are cached) must not wait long behind installs that run helm.
    concurrency: 4,
    onError: opts.onError,
    reconcile: async (name) => {
      const mi = inf.infos.get(name);
      if (!mi) return;
      if (mi.metadata.deletionTimestamp) return deleting(mi);
      const step = await reconcile(mi);
      if (!step) return;
      await writeStatus(mi, step.status);
      return step.requeueAfterMs ? { requeueAfterMs: step.requeueAfterMs } : undefined;
    },
  });

  const deleting = async (mi: ModuleInfoObject) => {
    if (!mi.metadata.finalizers?.length) return;
    const cluster = installTarget(mi).cluster;
    if (mi.status?.phase !== 'Deleting') await writeStatus(mi, { ...mi.status, phase: 'Deleting' });
    const done = await uninstallModuleInfo(kube, cluster ? opts.clusterClient(cluster) : undefined, mi);
    return done ? undefined : { requeueAfterMs: 1000 };
  };

  wireEvents(inf, controller.enqueue);
  return { start: () => controller.start(signal), idle: () => controller.idle() };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function withCondition(status: ModuleInfoStatus, type: string, s: ModuleCondition['status'], reason: string, message: string, now = new Date().toISOString()): ModuleInfoStatus {
  return { ...status, conditions: setCondition(status.conditions, { type, status: s, reason, message }, now) };
}

/** What makes a ModuleInfo worth another look: itself, its plugin's versions, its cluster, its neighbours. */
function wireEvents(inf: PluginInformers & { clusters: Informer }, enqueue: (key: string) => void): void {
  const infosWhere = (pred: (mi: ModuleInfoObject) => boolean) => inf.infos.list().filter(pred).forEach((mi) => enqueue(mi.metadata.name!));
  inf.infos.on((event, mi, old) => {
    enqueue(mi.metadata.name!);
    // Neighbours on the same cluster care only when they wait: for a dependency to run (Pending), or for a
    // conflicting install to go (Failed). Re-queueing every neighbour on every change floods the queue.
    const arrivedOrLeft = event !== 'update' || !!mi.metadata.deletionTimestamp !== !!old?.metadata.deletionTimestamp;
    const nowRunning = mi.status?.phase === 'Running' && (old?.status?.phase !== 'Running' || old.status?.version !== mi.status?.version);
    if (!arrivedOrLeft && !nowRunning) return;
    const cluster = mi.metadata.labels?.[LABELS.clusterName];
    infosWhere((o) => o.metadata.name !== mi.metadata.name && o.metadata.labels?.[LABELS.clusterName] === cluster && (o.status?.phase === 'Pending' || o.status?.phase === 'Failed'));
  });
  inf.configs.on((_e, mc) => infosWhere((mi) => mi.metadata.labels?.[LABELS.moduleName] === mc.metadata.labels?.[LABELS.moduleName]));
  inf.plugins.on((_e, p) => infosWhere((mi) => mi.metadata.labels?.[LABELS.moduleName] === p.metadata.name));
  inf.clusters.on((_e, c) => infosWhere((mi) => mi.metadata.labels?.[LABELS.clusterName] === c.metadata.name));
}
