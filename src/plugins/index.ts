/**
 * Cluster plugins (SPEC §8): ModulePlugin / ModuleConfig / ModuleInfo CRDs in the global cluster, and the
 * plugin center's controllers — ModuleConfig per published version, ModuleInfo installs through AppReleases
 * in the target clusters (reconciled there by the cluster agent, src/agent).
 */
import type { KubeClient } from '../kube/index.ts';
import { createInformer } from '../kube/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import type { PlatformFacts } from './appreleases.ts';
import type { ModuleConfigObject, ModuleInfoObject } from './model.ts';
import { CLUSTERS, MODULE_CONFIGS, MODULE_INFOS, MODULE_PLUGINS } from './model.ts';
import { createModuleInfoController } from './moduleinfo-controller.ts';
import { createModulePluginController } from './moduleplugin-controller.ts';

export { GLOBAL_PLUGIN_CRDS, MODULE_PLUGIN_CRD, MODULE_CONFIG_CRD, MODULE_INFO_CRD } from './crds.ts';
export { MODULE_PLUGINS, MODULE_CONFIGS, MODULE_INFOS } from './model.ts';
export { renderValuesTemplates, resolveHelm } from './values.ts';

export interface PluginCenterOptions {
  /** The global cluster, where ModulePlugins, ModuleConfigs and ModuleInfos live. */
  kube: KubeClient;
  /** The platform registry, where plugin charts are published. */
  registry: RegistryClient;
  /** A client for a target cluster (undefined while it does not exist). */
  clusterClient: (cluster: string) => KubeClient | undefined;
  facts: PlatformFacts;
  signal: AbortSignal;
  helm?: string;
  onError?: (what: string, err: unknown) => void;
}

export interface PluginCenter {
  /** Resolves when no key is queued or being processed (tests). */
  idle(): Promise<void>;
}

/**
 * Starts the plugin center in the global cluster; resolves once its informers have listed.
 * @example await startPluginCenter({ kube, registry, clusterClient, facts: { registryAddress: '127.0.0.1:6443' }, signal });
 */
export async function startPluginCenter(opts: PluginCenterOptions): Promise<PluginCenter> {
  const { kube, signal } = opts;
  const informers = {
    plugins: createInformer(kube, MODULE_PLUGINS),
    configs: createInformer<ModuleConfigObject>(kube, MODULE_CONFIGS),
    infos: createInformer<ModuleInfoObject>(kube, MODULE_INFOS),
    clusters: createInformer(kube, CLUSTERS),
  };
  const report = (what: string) => (key: string, err: unknown) => opts.onError?.(`${what} ${key}`, err);
  const plugins = createModulePluginController({ kube, registry: opts.registry, informers, signal, onError: report('moduleplugin') });
  const infos = createModuleInfoController({ kube, clusterClient: opts.clusterClient, informers, facts: opts.facts, signal, helm: opts.helm, onError: report('moduleinfo') });
  for (const i of Object.values(informers)) void i.start(signal);
  await Promise.all(Object.values(informers).map((i) => i.synced));
  plugins.start();
  infos.start();
  return { idle: async () => Promise.all([plugins.idle(), infos.idle()]).then(() => undefined) };
}
