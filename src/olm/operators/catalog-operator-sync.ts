/**
 * One resolution pass over one namespace (upstream `syncResolvingNamespace`; shared/reference/olm.md §4.1):
 * read the namespace through the API, collect old InstallPlans, apply the platform rules, bring each
 * Subscription's state up to date, then resolve and create at most one InstallPlan.
 */
import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import type { BundleProperty, Catalog } from '../model.ts';
import type { InstalledCSV, ResolvedStep } from '../resolver/index.ts';
import { resolveNamespace } from '../resolver/index.ts';
import { buildInstallPlan, installPlanStatus, nextGeneration, plansToCollect, referencePlan } from './catalog-operator-plan.ts';
import { approvalRefusal, desiredOperatorGroup, MANUAL_APPROVAL_REQUIRED } from './catalog-operator-platform.ts';
import type { NamespaceView, SubscriptionObject, SubscriptionStatus } from './catalog-operator-status.ts';
import { applyInstallPlan, isManualSubscription, observeSubscription, removeCondition, setCondition, statusChanged } from './catalog-operator-status.ts';

/** What a pass needs from its operator. */
export interface SyncContext {
  kube: KubeClient;
  globalCatalogNamespace: string;
  catalogs: () => Catalog[];
  now: () => string;
}

/** The namespace as read at the start of a pass (straight from the API, never a stale cache). */
interface Snapshot {
  namespace: string;
  subs: SubscriptionObject[];
  plans: KubeObject[];
  csvs: KubeObject[];
  groups: KubeObject[];
  catalogSources: KubeObject[];
}

/** A Subscription and the status this pass wants it to have. */
interface Pending {
  sub: SubscriptionObject;
  status: SubscriptionStatus;
  refused: boolean;
}

/**
 * Runs one pass for `namespace`. Status is written only when it changes; after bringing states up to date the
 * pass stops if anything was written (the resulting watch event starts the next pass), as upstream does.
 */
export async function syncNamespace(ctx: SyncContext, namespace: string): Promise<void> {
  const snap = await readNamespace(ctx, namespace);
  for (const ip of plansToCollect(snap.plans)) await ctx.kube.delete(OLM_RESOURCES.InstallPlan, ip.metadata.name!, namespace);
  if (snap.subs.length === 0) return;
  await ensureOperatorGroup(ctx, snap);
  const catalogs = ctx.catalogs();
  const view = viewOf(snap);
  const pending = snap.subs.map((sub) => observe(ctx, sub, view, catalogs));
  if (await writeStatuses(ctx, pending)) return;
  const eligible = pending.filter((p) => !p.refused);
  if (eligible.length === 0 || eligible.every((p) => p.status.installPlanRef && p.status.state === 'UpgradePending')) return;
  await resolve(ctx, snap, eligible, view, catalogs);
  await writeStatuses(ctx, eligible);
}

async function readNamespace(ctx: SyncContext, namespace: string): Promise<Snapshot> {
  const list = async <T extends KubeObject>(r: ResourceRef, ns = namespace) => (await ctx.kube.list<T>(r, { namespace: ns })).items;
  const [subs, plans, csvs, groups, local, global] = await Promise.all([
    list<SubscriptionObject>(OLM_RESOURCES.Subscription),
    list(OLM_RESOURCES.InstallPlan),
    list(OLM_RESOURCES.ClusterServiceVersion),
    list(OLM_RESOURCES.OperatorGroup),
    list(OLM_RESOURCES.CatalogSource),
    namespace === ctx.globalCatalogNamespace ? Promise.resolve([]) : list(OLM_RESOURCES.CatalogSource, ctx.globalCatalogNamespace),
  ]);
  const live = (o: KubeObject) => !o.metadata.deletionTimestamp;
  return { namespace, subs: subs.filter(live), plans: plans.filter(live), csvs: csvs.filter(live), groups: groups.filter(live), catalogSources: [...local, ...global] };
}

/** Platform rule: the `cpaas.io/target-namespaces` annotation creates the OperatorGroup when the namespace has none. */
async function ensureOperatorGroup(ctx: SyncContext, snap: Snapshot): Promise<void> {
  const og = desiredOperatorGroup(snap.namespace, snap.subs, snap.groups);
  if (og) snap.groups.push(await ctx.kube.create(OLM_RESOURCES.OperatorGroup, og));
}

function viewOf(snap: Snapshot): NamespaceView {
  return {
    csvs: new Set(snap.csvs.map((c) => c.metadata.name!)),
    installPlans: new Map(snap.plans.map((p) => [p.metadata.name!, p])),
    catalogSources: snap.catalogSources,
    manualSubscriptions: snap.subs.filter(isManualSubscription).map((s) => s.metadata.name!),
  };
}

/** State, InstallPlan and catalog-health conditions, then the Alauda Manual-only rule. */
function observe(ctx: SyncContext, sub: SubscriptionObject, view: NamespaceView, catalogs: Catalog[]): Pending {
  const now = ctx.now();
  const status = observeSubscription(sub, view, now);
  const refusal = approvalRefusal(sub, catalogs);
  if (refusal) setCondition(status, refusal, now);
  else if (status.conditions?.some((c) => c.type === 'ResolutionFailed' && c.reason === MANUAL_APPROVAL_REQUIRED)) removeCondition(status, 'ResolutionFailed');
  return { sub, status, refused: refusal !== undefined };
}

/** Resolves the eligible Subscriptions; creates the namespace's InstallPlan when a `currentCSV` changes. */
async function resolve(ctx: SyncContext, snap: Snapshot, eligible: Pending[], view: NamespaceView, catalogs: Catalog[]): Promise<void> {
  const now = ctx.now();
  if (snap.groups.length > 1) {
    const message = `expected 1 OperatorGroup in the namespace, found ${snap.groups.length}`;
    for (const p of eligible) setCondition(p.status, { type: 'ResolutionFailed', status: 'True', reason: 'ErrorPreventedResolution', message }, now);
    return;
  }
  const subscriptions = eligible.map(({ sub, status }) => ({ name: sub.metadata.name!, spec: sub.spec, status: { installedCSV: status.installedCSV, currentCSV: status.currentCSV } }));
  const result = resolveNamespace({ namespace: snap.namespace, subscriptions, installedCSVs: installedCSVs(snap, eligible, catalogs), catalogs, globalCatalogNamespace: ctx.globalCatalogNamespace, catalogPriorities: priorities(snap.catalogSources) });
  if (!result.ok) {
    for (const p of eligible) setCondition(p.status, { type: 'ResolutionFailed', status: 'True', reason: result.reason, message: result.message }, now);
    return;
  }
  for (const p of eligible) removeCondition(p.status, 'ResolutionFailed');
  const changed = new Map(result.subscriptions.filter((r) => r.changed).map((r) => [r.name, r.currentCSV]));
  if (changed.size === 0 || result.steps.length === 0) return;
  const ip = await ensureInstallPlan(ctx, snap, result.steps, result.approval, result.blocked.map((b) => b.message).join('; '));
  const withPlan = { ...view, installPlans: new Map([...view.installPlans, [ip.metadata.name!, ip]]) };
  for (const p of eligible) {
    if (!changed.has(p.sub.metadata.name!)) continue;
    referencePlan(p.status, ip, changed.get(p.sub.metadata.name!));
    applyInstallPlan(p.sub, p.status, withPlan, now);
  }
}

/** Creates the plan (metadata + spec, then status), or adopts one an interrupted pass already created for the same CSVs. */
async function ensureInstallPlan(ctx: SyncContext, snap: Snapshot, steps: ResolvedStep[], approval: 'Manual' | 'Automatic', message: string): Promise<KubeObject> {
  const csvNames = steps.map((s) => s.csvName);
  const subGeneration = Math.max(0, ...snap.subs.map((s) => s.status?.installPlanGeneration ?? 0));
  const existing = snap.plans.find((p) => {
    const spec = p.spec as { generation?: number; clusterServiceVersionNames?: string[] };
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    return (spec.generation ?? 0) > subGeneration && phase !== 'Complete' && phase !== 'Failed' && JSON.stringify(spec.clusterServiceVersionNames) === JSON.stringify(csvNames);
  });
  if (existing?.status) return existing;
  const created = existing ?? (await ctx.kube.create(OLM_RESOURCES.InstallPlan, buildInstallPlan(snap.namespace, snap.subs, steps, approval, nextGeneration(snap.subs, snap.plans))));
  const body = { ...created, status: installPlanStatus(steps, approval, message || undefined) };
  const path = ctx.kube.path(OLM_RESOURCES.InstallPlan, snap.namespace, created.metadata.name, 'status');
  return ctx.kube.request<KubeObject>('PUT', path, body);
}

/** Writes each changed status through the status subresource; true when anything was written. */
async function writeStatuses(ctx: SyncContext, pending: Pending[]): Promise<boolean> {
  let wrote = false;
  for (const { sub, status } of pending) {
    if (!statusChanged(sub.status, status)) continue;
    const body = { ...sub, status: { ...status, lastUpdated: ctx.now() } };
    const path = ctx.kube.path(OLM_RESOURCES.Subscription, sub.metadata.namespace, sub.metadata.name, 'status');
    const written = await ctx.kube.request<SubscriptionObject>('PUT', path, body);
    sub.status = written.status;
    sub.metadata = written.metadata;
    wrote = true;
  }
  return wrote;
}

/** CatalogSource `spec.priority` keyed `<namespace>/<name>`. */
function priorities(sources: KubeObject[]): Record<string, number> {
  return Object.fromEntries(sources.map((cs) => [`${cs.metadata.namespace}/${cs.metadata.name}`, Number((cs.spec as { priority?: number } | undefined)?.priority ?? 0)]));
}

/**
 * The namespace's installed (non-copied) CSVs as the resolver's `@existing` catalog. Properties come from the
 * `operatorframework.io/properties` annotation, else from the catalog bundle of the same name, else from the
 * Subscription that installed it (olm.package) and the owned CRDs (olm.gvk).
 */
function installedCSVs(snap: Snapshot, subs: Pending[], catalogs: Catalog[]): InstalledCSV[] {
  return snap.csvs
    .filter((csv) => !csv.metadata.labels?.['olm.copiedFrom'] && (csv.status as { reason?: string } | undefined)?.reason !== 'Copied')
    .map((csv) => {
      const spec = (csv.spec ?? {}) as { version?: string; replaces?: string };
      const name = csv.metadata.name!;
      return { name, version: (spec.version ?? '').replace(/^v/, ''), replaces: spec.replaces, properties: csvProperties(csv, subs, catalogs) };
    });
}

function csvProperties(csv: KubeObject, subs: Pending[], catalogs: Catalog[]): BundleProperty[] {
  const annotated = csv.metadata.annotations?.['operatorframework.io/properties'];
  if (annotated) {
    try {
      const parsed = JSON.parse(annotated) as { properties?: BundleProperty[] };
      if (Array.isArray(parsed.properties)) return parsed.properties;
    } catch {
      // fall through to the other sources
    }
  }
  const name = csv.metadata.name!;
  const bundle = catalogs.flatMap((c) => c.bundles).find((b) => b.name === name);
  if (bundle) return bundle.properties.filter((p) => p.type !== 'olm.csv.metadata');
  const spec = (csv.spec ?? {}) as { version?: string; customresourcedefinitions?: { owned?: { name: string; version: string; kind: string }[] } };
  const owner = subs.find((p) => p.status.installedCSV === name || p.status.currentCSV === name);
  const props: BundleProperty[] = owner ? [{ type: 'olm.package', value: { packageName: owner.sub.spec.name, version: (spec.version ?? '').replace(/^v/, '') } }] : [];
  for (const crd of spec.customresourcedefinitions?.owned ?? []) props.push({ type: 'olm.gvk', value: { group: crd.name.slice(crd.name.indexOf('.') + 1), version: crd.version, kind: crd.kind } });
  return props;
}
