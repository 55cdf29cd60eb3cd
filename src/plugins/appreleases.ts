import type { KubeObject } from '../kube/index.ts';
import { deepMerge } from './descriptors.ts';
import type { ModuleConfigObject, ModuleInfoObject } from './model.ts';
import { LABELS, SYSTEM_NAMESPACE } from './model.ts';

/** Platform facts a plugin's valuesTemplates and values see. */
export interface PlatformFacts {
  /** `host:port` of the platform registry; plugin images are pulled from here. */
  registryAddress: string;
}

/** The `valuesTemplates` context (alauda.md §10 table), for one cluster. */
export function templateContext(mi: ModuleInfoObject, config: Record<string, unknown>, cluster: KubeObject, facts: PlatformFacts): Record<string, unknown> {
  const name = cluster.metadata.name!;
  const labels = cluster.metadata.labels ?? {};
  const status = (cluster.status ?? {}) as { version?: string; addresses?: unknown };
  return {
    ClusterName: name,
    LabelBaseDomain: 'cpaas.io',
    SystemNamespace: SYSTEM_NAMESPACE,
    EnableGPU: labels['cpaas.io/gpu'] === 'true',
    Replicas: 1,
    VIP: '',
    ClusterType: (cluster.spec as { type?: string } | undefined)?.type ?? '',
    NetworkType: 'calico',
    MasterNodes: [],
    Alb2Nodes: [],
    Alb2Port: '',
    Alb2IP: '',
    Ports: {},
    RegistryAddress: facts.registryAddress,
    IsGlobal: labels['is-global'] === 'true' || name === 'global',
    Version: status.version ?? '',
    MiSpec: mi.spec,
    MiConfig: config,
  };
}

/**
 * Values every chart gets unless the plugin sets `skipPlatformConfig` (registry rewritten to the platform's).
 * Nothing cluster-specific here (templates have `.ClusterName`), so one render serves every cluster.
 */
export function platformValues(facts: PlatformFacts): Record<string, unknown> {
  return { global: { registry: { address: facts.registryAddress }, labelBaseDomain: 'cpaas.io', namespace: SYSTEM_NAMESPACE } };
}

/**
 * The AppReleases a ModuleInfo installs in its target cluster: one per `spec.appReleases[]` of the
 * ModuleConfig, charts from the platform registry, per-chart values = rendered template ⊕ valuesOverride
 * (keyed by chart name, or applying to every chart).
 */
export function buildAppReleases(mi: ModuleInfoObject, mc: ModuleConfigObject, rendered: Record<string, Record<string, unknown>>, facts: PlatformFacts): KubeObject[] {
  const cluster = mi.metadata.labels![LABELS.clusterName];
  const module = mi.metadata.labels![LABELS.moduleName];
  const override = mi.spec.valuesOverride ?? {};
  return (mc.spec.appReleases ?? []).map((ar) => {
    const namespace = ar.namespace || SYSTEM_NAMESPACE;
    const charts = ar.chartVersions.map((c) => {
      const own = Object.hasOwn(override, c.name) ? override[c.name] : undefined;
      const shared = Object.fromEntries(Object.entries(override).filter(([k]) => !mc.spec.appReleases!.some((a) => a.chartVersions.some((x) => x.name === k))));
      const values = deepMerge(deepMerge(rendered[c.name] ?? {}, shared), own ?? {}) as Record<string, unknown>;
      return { name: c.name, releaseName: c.releaseName, targetRevision: c.version, values };
    });
    return {
      apiVersion: 'operator.alauda.io/v1alpha1',
      kind: 'AppRelease',
      metadata: {
        name: ar.name,
        namespace,
        labels: { [LABELS.moduleName]: module, [LABELS.moduleInfo]: mi.metadata.name!, [LABELS.moduleVersion]: mc.spec.version! },
        annotations: { 'auto-recycle': 'true', 'interval-sync': 'true' },
      },
      spec: {
        destination: { cluster, namespace },
        source: { repoURL: facts.registryAddress, charts },
        values: mc.spec.skipPlatformConfig ? {} : platformValues(facts),
        timeout: 300,
      },
    };
  });
}
