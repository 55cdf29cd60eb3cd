/**
 * The InstallPlan the catalog operator creates for one namespace pass (shared/reference/olm.md §3.4, §4.1 step 7,
 * §4.6): `generateName: install-`, non-blocking ownerReferences to every Subscription, the Operator label per
 * package, spec (approval Manual if any Subscription is Manual, per-namespace generation) and the initial status
 * (phase, catalogSources, bundleLookups, plan steps). Pure functions.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { ResolvedStep } from '../resolver/index.ts';
import type { ObjectReference, SubscriptionObject, SubscriptionStatus } from './catalog-operator-status.ts';

const OLM_V1ALPHA1 = 'operators.coreos.com/v1alpha1';

/** Properties not copied into `bundleLookups[].properties` (display data, not resolution data). */
const LOOKUP_SKIPPED_PROPERTIES = new Set(['olm.csv.metadata']);

/** `spec.generation`: max over the Subscriptions' `installPlanGeneration` and the plans' `spec.generation`, plus 1. */
export function nextGeneration(subs: SubscriptionObject[], plans: KubeObject[]): number {
  const gens = [
    ...subs.map((s) => s.status?.installPlanGeneration ?? 0),
    ...plans.map((p) => (p.spec as { generation?: number } | undefined)?.generation ?? 0),
  ];
  return Math.max(0, ...gens) + 1;
}

/** `operators.coreos.com/<pkg>.<ns>` (the Operator aggregate label), when the name fits a label key. */
export function operatorLabel(pkg: string, namespace: string): string | undefined {
  const name = `${pkg}.${namespace}`;
  return name.length <= 63 ? `operators.coreos.com/${name}` : undefined;
}

/** The InstallPlan object to create (metadata + spec; status is written through the subresource). */
export function buildInstallPlan(namespace: string, subs: SubscriptionObject[], steps: ResolvedStep[], approval: 'Manual' | 'Automatic', generation: number): KubeObject {
  const labels: Record<string, string> = {};
  for (const s of steps) {
    const key = operatorLabel(s.package, namespace);
    if (key) labels[key] = '';
  }
  return {
    apiVersion: OLM_V1ALPHA1,
    kind: 'InstallPlan',
    metadata: {
      generateName: 'install-',
      namespace,
      labels,
      ownerReferences: subs.map((s) => ({ apiVersion: OLM_V1ALPHA1, kind: 'Subscription', name: s.metadata.name!, uid: s.metadata.uid!, controller: false, blockOwnerDeletion: false })),
    },
    spec: { approval, approved: approval === 'Automatic', clusterServiceVersionNames: steps.map((s) => s.csvName), generation },
  };
}

/**
 * The initial InstallPlan status: `Installing` when Automatic, `RequiresApproval` when Manual (olm.md §3.4),
 * one bundle lookup per bundle (`path` = bundle image, for the executor to unpack) and the plan steps known
 * before unpacking: each bundle's CSV (manifest filled by the executor) and each generated dependency Subscription.
 */
export function installPlanStatus(steps: ResolvedStep[], approval: 'Manual' | 'Automatic', message?: string): Record<string, unknown> {
  const status: Record<string, unknown> = {
    phase: approval === 'Manual' ? 'RequiresApproval' : 'Installing',
    catalogSources: [...new Set(steps.map((s) => s.source))],
    bundleLookups: steps.map(bundleLookup),
    plan: steps.flatMap(planSteps),
  };
  if (message) status.message = message;
  return status;
}

function bundleLookup(step: ResolvedStep): Record<string, unknown> {
  const properties = step.bundle.properties.filter((p) => !LOOKUP_SKIPPED_PROPERTIES.has(p.type));
  return {
    path: step.bundle.image,
    identifier: step.csvName,
    replaces: step.replaces ?? '',
    catalogSourceRef: { name: step.source, namespace: step.sourceNamespace },
    properties: JSON.stringify({ properties }),
  };
}

function planSteps(step: ResolvedStep): Record<string, unknown>[] {
  const source = { sourceName: step.source, sourceNamespace: step.sourceNamespace };
  const out: Record<string, unknown>[] = [
    { resolving: step.csvName, status: 'Unknown', resource: { group: 'operators.coreos.com', version: 'v1alpha1', kind: 'ClusterServiceVersion', name: step.csvName, ...source } },
  ];
  const gen = step.generatedSubscription;
  if (gen) {
    const manifest = {
      apiVersion: OLM_V1ALPHA1,
      kind: 'Subscription',
      metadata: { name: gen.name, annotations: {} as Record<string, string> },
      spec: { name: gen.package, channel: gen.channel, source: gen.source, sourceNamespace: gen.sourceNamespace, startingCSV: gen.startingCSV, installPlanApproval: gen.installPlanApproval },
    };
    out.push({ resolving: step.csvName, status: 'Unknown', resource: { group: 'operators.coreos.com', version: 'v1alpha1', kind: 'Subscription', name: gen.name, manifest: JSON.stringify(manifest), ...source } });
  }
  return out;
}

/** Points a Subscription at its new InstallPlan: `installPlanRef`, the deprecated `installplan`, generation, `UpgradePending`. */
export function referencePlan(status: SubscriptionStatus, ip: KubeObject, currentCSV: string | undefined): void {
  const ref: ObjectReference = { apiVersion: OLM_V1ALPHA1, kind: 'InstallPlan', name: ip.metadata.name, namespace: ip.metadata.namespace, uid: ip.metadata.uid, resourceVersion: ip.metadata.resourceVersion };
  status.installPlanRef = ref;
  status.installplan = { apiVersion: OLM_V1ALPHA1, kind: 'InstallPlan', name: ip.metadata.name!, uuid: ip.metadata.uid! };
  status.installPlanGeneration = (ip.spec as { generation: number }).generation;
  status.state = 'UpgradePending';
  if (currentCSV) status.currentCSV = currentCSV;
}

/** InstallPlans to delete so at most `max` (5) remain, lowest generation first, at most 5 per sweep. */
export function plansToCollect(plans: KubeObject[], max = 5): KubeObject[] {
  const gen = (p: KubeObject) => (p.spec as { generation?: number } | undefined)?.generation ?? 0;
  const sorted = [...plans].sort((a, b) => gen(a) - gen(b));
  return sorted.slice(0, Math.min(5, Math.max(0, sorted.length - max)));
}
