/**
 * The catalog operator (upstream `pkg/controller/operators/catalog`): resolves Subscriptions per namespace and
 * creates InstallPlans (shared/reference/olm.md §4.1). Informers only decide *which* namespace to look at; each
 * pass reads the namespace through the Kubernetes API and reconciles it (level-based). See README.md.
 */
import type { Informer, KubeClient, KubeObject } from '../../kube/index.ts';
import { createController, createInformer } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import type { Catalog } from '../model.ts';
import type { CatalogRef, CatalogsListener } from './catalog-operator-catalogs.ts';
import type { SubscriptionObject } from './catalog-operator-status.ts';
import { syncNamespace } from './catalog-operator-sync.ts';

export { createArtifactVersionCatalogs, ARTIFACT_VERSIONS } from './catalog-operator-catalogs.ts';
export type { ArtifactVersionCatalogs, ArtifactVersionCatalogsOptions, CatalogRef, CatalogsListener } from './catalog-operator-catalogs.ts';
export { ALAUDA_SOURCE_TYPE, CREATED_BY_ANNOTATION, MANUAL_APPROVAL_REQUIRED, TARGET_NAMESPACES_ANNOTATION } from './catalog-operator-platform.ts';
export type { SubscriptionCondition, SubscriptionStatus } from './catalog-operator-status.ts';

/** Options of {@link createCatalogOperator}. */
export interface CatalogOperatorOptions {
  kube: KubeClient;
  /** Stops the informers and the work queue. */
  signal: AbortSignal;
  /** Catalogs here are visible from every namespace. Default `cpaas-system`. */
  globalCatalogNamespace?: string;
  /** The resolver's input, current at call time (e.g. `createArtifactVersionCatalogs(...).catalogs`). */
  catalogs: () => Catalog[];
  /** Registers for catalog content changes (e.g. `createArtifactVersionCatalogs(...).onChange`). */
  onCatalogsChanged?: (listener: CatalogsListener) => void;
  /** Clock for status timestamps (RFC 3339, seconds). */
  now?: () => string;
  /** Reconcile errors (retried with backoff). */
  onError?: (namespace: string, err: unknown) => void;
}

/** What {@link createCatalogOperator} returns. */
export interface CatalogOperator {
  /** Starts informers and the queue; resolves once every informer has listed. */
  start(): Promise<void>;
  /** Resolves when no namespace is queued or being processed. */
  idle(): Promise<void>;
  /** Queues a namespace pass by hand. */
  enqueue(namespace: string): void;
}

/**
 * Creates the catalog operator: Subscriptions (all namespaces) queue their namespace; CatalogSource and catalog
 * content changes queue every namespace subscribed to that catalog; InstallPlans, CSVs and OperatorGroups queue
 * their namespace. Each pass is {@link syncNamespace}.
 * @example
 * const avs = createArtifactVersionCatalogs(kube, signal);
 * await avs.start();
 * const op = createCatalogOperator({ kube, signal, globalCatalogNamespace: 'cpaas-system', catalogs: avs.catalogs, onCatalogsChanged: avs.onChange });
 * await op.start();
 */
export function createCatalogOperator(opts: CatalogOperatorOptions): CatalogOperator {
  const { kube, signal } = opts;
  const globalCatalogNamespace = opts.globalCatalogNamespace ?? 'cpaas-system';
  const ctx = { kube, globalCatalogNamespace, catalogs: opts.catalogs, now: opts.now ?? rfc3339Now };
  const controller = createController({
    name: 'catalog-operator',
    reconcile: async (namespace) => void (await syncNamespace(ctx, namespace)),
    onError: opts.onError,
  });
  const subs = createInformer<SubscriptionObject>(kube, OLM_RESOURCES.Subscription);
  const sources = createInformer(kube, OLM_RESOURCES.CatalogSource);
  const others = [OLM_RESOURCES.InstallPlan, OLM_RESOURCES.ClusterServiceVersion, OLM_RESOURCES.OperatorGroup].map((r) => createInformer(kube, r));
  const enqueueSubscribers = (refs: CatalogRef[]) => {
    for (const ns of subscriberNamespaces(subs, refs)) controller.enqueue(ns);
  };
  subs.on((_ev, sub) => controller.enqueue(sub.metadata.namespace!));
  sources.on((_ev, cs) => {
    enqueueSubscribers([{ source: cs.metadata.name!, sourceNamespace: cs.metadata.namespace! }]);
    if (cs.metadata.namespace !== globalCatalogNamespace && subs.list(cs.metadata.namespace).length) controller.enqueue(cs.metadata.namespace!);
  });
  for (const inf of others) inf.on((_ev, obj: KubeObject) => controller.enqueue(obj.metadata.namespace!));
  opts.onCatalogsChanged?.((refs) => enqueueSubscribers(refs));
  const informers: Informer[] = [subs as unknown as Informer, sources, ...others];
  return {
    async start() {
      for (const inf of informers) void inf.start(signal);
      controller.start(signal);
      await Promise.all(informers.map((inf) => inf.synced));
    },
    async idle() {
      await Promise.all(informers.map((inf) => inf.synced));
      await controller.idle();
    },
    enqueue: (namespace) => controller.enqueue(namespace),
  };
}

/** Namespaces with a Subscription on one of `refs`; every namespace with Subscriptions when `refs` is empty. */
function subscriberNamespaces(subs: Informer<SubscriptionObject>, refs: CatalogRef[]): Set<string> {
  const all = subs.list();
  const hit = refs.length === 0 ? all : all.filter((s) => refs.some((r) => r.source === s.spec?.source && r.sourceNamespace === s.spec?.sourceNamespace));
  return new Set(hit.map((s) => s.metadata.namespace!));
}

/** Kubernetes `metav1.Time`: RFC 3339 with second precision. */
function rfc3339Now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
