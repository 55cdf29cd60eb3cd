/**
 * The cluster agent ("sentry" in the real platform): one per cluster, reconciling that cluster's
 * AppReleases through its Kubernetes API only (ADR 0004).
 */
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { createController, createInformer, createRestMapper, objectKey } from '../kube/index.ts';
import type { Informer } from '../kube/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { createChartFetcher } from './chart-source.ts';
import type { AppRelease } from './crd.ts';
import { APPRELEASES } from './crd.ts';
import type { WorkloadKind } from './health.ts';
import { WORKLOAD_RESOURCES } from './health.ts';
import { resolveHelm } from './helm.ts';
import { APP_RELEASE_LABEL, APP_RELEASE_NAMESPACE_LABEL } from './manifests.ts';
import { createPlanner } from './plan.ts';
import { createReconciler } from './reconcile.ts';

/** Options of {@link startClusterAgent}. */
export interface ClusterAgentOptions {
  /** The cluster this agent reconciles. */
  kube: KubeClient;
  /** The platform registry: OCI charts on its host are pulled through it. */
  registry: RegistryClient;
  signal: AbortSignal;
  /** PEM CA for HTTPS chart repositories and other registries (the platform CA). */
  ca?: string | Buffer;
  /** Credentials for the platform's own HTTP chart repositories (`/charts/<repo>`): token and `https://host:port`. */
  platformToken?: string;
  platformOrigin?: string;
  /** The helm binary (default: `helm` on PATH, else `.tools/bin/helm`). */
  helmPath?: string;
  /** Reconcile errors (a chart that failed is also in the AppRelease status). */
  onError?: (what: string, err: unknown) => void;
  /** Workers; one AppRelease is never reconciled twice at once (default 2). */
  concurrency?: number;
  /** Re-check delay while workloads are not ready (default 2 s). */
  pollMs?: number;
  /** Drift repair interval for AppReleases annotated `interval-sync: "true"` (default 5 min). */
  resyncMs?: number;
  /** Chart renders shared with the agents of the other clusters of the same process (see createPlanner). */
  sharedRenders?: Map<string, KubeObject[]>;
}

/** A running agent. */
export interface ClusterAgent {
  /** Resolves when nothing is queued or being reconciled (tests). */
  idle(): Promise<void>;
}

/**
 * Starts the agent and resolves once its informers listed.
 * @example
 * await startClusterAgent({ kube, registry: registryClient, ca: tls.ca, signal, onError: (what, err) => log(`${cluster}: ${what}: ${err}`) });
 */
export async function startClusterAgent(opts: ClusterAgentOptions): Promise<ClusterAgent> {
  const { kube, signal } = opts;
  let helm = opts.helmPath;
  const charts = createChartFetcher({ registry: opts.registry, ca: opts.ca, platformToken: opts.platformToken, platformOrigin: opts.platformOrigin });
  signal.addEventListener('abort', () => charts.close(), { once: true });
  const mapper = createRestMapper(kube);
  const planner = createPlanner({ charts, mapper, helm: () => (helm ??= resolveHelm()), sharedRenders: opts.sharedRenders });
  const workloads = new Map<WorkloadKind, Informer>();
  const reconcile = createReconciler({
    kube,
    mapper,
    planner,
    pollMs: opts.pollMs,
    resyncMs: opts.resyncMs,
    workload: (kind, namespace, name) => workloads.get(kind)?.get(name, namespace),
  });
  const controller = createController({ name: 'apprelease', reconcile, concurrency: opts.concurrency ?? 2, onError: (key, err) => opts.onError?.(`apprelease ${key}`, err) });

  const releases = createInformer<AppRelease>(kube, APPRELEASES);
  releases.on((event, obj, old) => {
    if (event !== 'update' || !old || specOrLifecycleChanged(obj, old)) controller.enqueue(objectKey(obj));
  });
  for (const [kind, ref] of Object.entries(WORKLOAD_RESOURCES) as [WorkloadKind, typeof WORKLOAD_RESOURCES.Deployment][]) {
    const informer = createInformer(kube, ref, { labelSelector: APP_RELEASE_LABEL });
    informer.on((_event, obj) => {
      const owner = ownerKey(obj);
      if (owner) controller.enqueue(owner);
    });
    workloads.set(kind, informer);
  }
  const informers: Informer[] = [releases as unknown as Informer, ...workloads.values()];
  for (const inf of informers) void inf.start(signal);
  await Promise.all(informers.map((inf) => inf.synced));
  controller.start(signal);
  return { idle: () => controller.idle() };
}

/** Our own status writes do not need a reconcile; spec, labels, annotations, finalizers and deletion do. */
function specOrLifecycleChanged(obj: KubeObject, old: KubeObject): boolean {
  const m = obj.metadata;
  const o = old.metadata;
  return m.generation !== o.generation || m.deletionTimestamp !== o.deletionTimestamp || JSON.stringify([m.finalizers, m.labels, m.annotations]) !== JSON.stringify([o.finalizers, o.labels, o.annotations]);
}

/** The AppRelease key a labelled workload belongs to. */
function ownerKey(obj: KubeObject): string | undefined {
  const name = obj.metadata.labels?.[APP_RELEASE_LABEL];
  const namespace = obj.metadata.labels?.[APP_RELEASE_NAMESPACE_LABEL];
  return name && namespace ? `${namespace}/${name}` : undefined;
}
