/**
 * moduleplugin-controller (alauda.md §1): one ModuleConfig per published plugin version, filled from the main
 * chart's plugin-config.yaml, `status.readyForDeploy`; ModulePlugin status (installed, latestVersion,
 * moduleConfigs). Reaches the cluster only through the Kubernetes API; charts through the registry.
 */
import type { Informer, KubeClient, KubeObject } from '../kube/index.ts';
import { createController } from '../kube/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { fetchPluginConfig } from './chart-config.ts';
import type { ModuleConfigObject, ModuleInfoObject } from './model.ts';
import { LABELS, MODULE_CONFIGS, MODULE_PLUGINS, setCondition } from './model.ts';
import { buildModuleConfig, pluginVersion, summarizeModuleConfigs } from './moduleconfig.ts';

export const FIELD_MANAGER = 'marketplace-plugins';

export interface PluginInformers {
  plugins: Informer;
  configs: Informer<ModuleConfigObject>;
  infos: Informer<ModuleInfoObject>;
}

export interface ModulePluginControllerOptions {
  kube: KubeClient;
  registry: RegistryClient;
  informers: PluginInformers;
  signal: AbortSignal;
  onError?: (key: string, err: unknown) => void;
}

/** Creates the controller and wires the informers' events to it (start the informers separately). */
export function createModulePluginController(opts: ModulePluginControllerOptions): { start(): void; idle(): Promise<void> } {
  const { kube, registry, informers: inf, signal } = opts;
  /** Built ModuleConfigs by plugin uid/generation/version: a plugin's chart is read once per change. */
  const built = new Map<string, ModuleConfigObject>();

  const syncModuleConfig = async (plugin: KubeObject): Promise<boolean> => {
    const version = pluginVersion(plugin);
    if (!version) return true;
    const memo = `${plugin.metadata.uid}/${plugin.metadata.generation}/${version}`;
    let mc = built.get(memo);
    let failure: string | undefined;
    if (!mc) {
      try {
        mc = buildModuleConfig(plugin, version, await fetchPluginConfig(registry, plugin.spec as never, version, signal));
        built.set(memo, mc);
      } catch (err) {
        failure = (err as Error).message;
      }
    }
    const name = `${plugin.metadata.name}-${version}`;
    const existing = inf.configs.get(name);
    if (mc && (!existing || JSON.stringify(existing.spec) !== JSON.stringify(mc.spec) || Object.entries(mc.metadata.labels ?? {}).some(([k, v]) => existing.metadata.labels?.[k] !== v))) {
      await kube.apply(MODULE_CONFIGS, mc, FIELD_MANAGER);
    }
    if (!mc && !existing) return false;
    const now = new Date().toISOString();
    const conditions = setCondition(existing?.status?.conditions, failure ? { type: 'ChartLoaded', status: 'False', reason: 'ChartUnavailable', message: failure } : { type: 'ChartLoaded', status: 'True', reason: 'PluginConfigRead', message: 'scripts/plugin-config.yaml read from the main chart' }, now);
    const status = { readyForDeploy: !failure || !!existing?.status?.readyForDeploy, conditions };
    if (!mc || JSON.stringify(existing?.status ?? {}) !== JSON.stringify(status)) {
      await kube.apply(MODULE_CONFIGS, { kind: 'ModuleConfig', metadata: { name }, status }, FIELD_MANAGER, { subresource: 'status' }).catch((err) => {
        if (mc) throw err; // without a ModuleConfig there is nothing to report on yet
      });
    }
    return !failure;
  };

  const writePluginStatus = async (plugin: KubeObject) => {
    const name = plugin.metadata.name!;
    const configs = inf.configs.list().filter((c) => c.metadata.labels?.[LABELS.moduleName] === name);
    const installed = inf.infos
      .list()
      .filter((i) => i.metadata.labels?.[LABELS.moduleName] === name && i.metadata.labels?.[LABELS.moduleType] === 'plugin' && i.status?.phase)
      .map((i) => ({ cluster: i.metadata.labels![LABELS.clusterName] ?? '', name: i.metadata.name!, phase: i.status!.phase!, version: i.status!.version ?? '' }))
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
    const status = { ...(plugin.status as object), installed, ...summarizeModuleConfigs(configs) };
    if (JSON.stringify(status) === JSON.stringify(plugin.status ?? {})) return;
    await kube.apply(MODULE_PLUGINS, { kind: 'ModulePlugin', metadata: { name }, status }, FIELD_MANAGER, { subresource: 'status' });
  };

  const controller = createController({
    name: 'moduleplugin',
    onError: opts.onError,
    reconcile: async (name) => {
      const plugin = inf.plugins.get(name);
      if (!plugin || plugin.metadata.deletionTimestamp) return;
      const loaded = await syncModuleConfig(plugin);
      await writePluginStatus(plugin);
      // The chart may not be in the registry yet (images are pushed first, but a vendor may apply by hand).
      return loaded ? undefined : { requeueAfterMs: 3000 };
    },
  });
  const byModule = (obj: KubeObject) => obj.metadata.labels?.[LABELS.moduleName];
  inf.plugins.on((_e, obj) => controller.enqueue(obj.metadata.name!));
  inf.configs.on((_e, obj) => byModule(obj) && controller.enqueue(byModule(obj)!));
  inf.infos.on((_e, obj, old) => {
    if (old && old.status?.phase === obj.status?.phase && old.status?.version === obj.status?.version && old.metadata.name === obj.metadata.name) return;
    if (byModule(obj)) controller.enqueue(byModule(obj)!);
  });
  return { start: () => controller.start(signal), idle: () => controller.idle() };
}
