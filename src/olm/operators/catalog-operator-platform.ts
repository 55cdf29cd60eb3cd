/**
 * Platform rules applied before resolution (SPEC §7; product document, Operator section):
 * - `cpaas.io/target-namespaces` on a Subscription creates or selects the namespace's OperatorGroup
 *   (`""` = all namespaces: no targetNamespaces; `a,b` = those namespaces);
 * - operators whose package source type is `Alauda` accept only `installPlanApproval: Manual`.
 * Pure functions.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { Catalog } from '../model.ts';
import type { SubscriptionCondition, SubscriptionObject } from './catalog-operator-status.ts';
import { isManualSubscription } from './catalog-operator-status.ts';

export const TARGET_NAMESPACES_ANNOTATION = 'cpaas.io/target-namespaces';
/** Marks an OperatorGroup created from the annotation (value: the Subscription's name). */
export const CREATED_BY_ANNOTATION = 'cpaas.io/created-by-subscription';
export const ALAUDA_SOURCE_TYPE = 'Alauda';
export const MANUAL_APPROVAL_REQUIRED = 'ManualApprovalRequired';

/**
 * The OperatorGroup to create for the namespace, or undefined when none is needed: no Subscription carries the
 * annotation, or an OperatorGroup already exists (it is selected as is). The first Subscription by name wins.
 */
export function desiredOperatorGroup(namespace: string, subs: SubscriptionObject[], existing: KubeObject[]): KubeObject | undefined {
  if (existing.length > 0) return undefined;
  const annotated = [...subs]
    .filter((s) => s.metadata.annotations?.[TARGET_NAMESPACES_ANNOTATION] !== undefined)
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))[0];
  if (!annotated) return undefined;
  const targets = parseTargetNamespaces(annotated.metadata.annotations![TARGET_NAMESPACES_ANNOTATION]);
  return {
    apiVersion: 'operators.coreos.com/v1',
    kind: 'OperatorGroup',
    metadata: { name: namespace, namespace, annotations: { [CREATED_BY_ANNOTATION]: annotated.metadata.name! } },
    spec: targets.length ? { targetNamespaces: targets, upgradeStrategy: 'Default' } : { upgradeStrategy: 'Default' },
  };
}

/** `""` → [] (AllNamespaces); `"a, b"` → ["a", "b"] (deduplicated, empty items dropped). */
export function parseTargetNamespaces(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The platform source type of the subscribed package (`Package.sourceType`, the PackageManifest label), if known. */
export function packageSourceType(sub: SubscriptionObject, catalogs: Catalog[]): string | undefined {
  const catalog = catalogs.find((c) => c.source === sub.spec.source && c.sourceNamespace === sub.spec.sourceNamespace);
  return catalog?.packages.find((p) => p.name === sub.spec.name)?.sourceType;
}

/**
 * The condition refusing a Subscription that breaks the Alauda Manual-only rule, or undefined when it is allowed.
 * The refused Subscription gets no InstallPlan and is left out of the namespace's resolution.
 */
export function approvalRefusal(sub: SubscriptionObject, catalogs: Catalog[]): SubscriptionCondition | undefined {
  if (isManualSubscription(sub) || packageSourceType(sub, catalogs) !== ALAUDA_SOURCE_TYPE) return undefined;
  const approval = sub.spec.installPlanApproval || 'Automatic';
  return {
    type: 'ResolutionFailed',
    status: 'True',
    reason: MANUAL_APPROVAL_REQUIRED,
    message:
      `operators from Alauda support only Manual approval: package ${sub.spec.name} from catalogsource ${sub.spec.sourceNamespace}/${sub.spec.source} ` +
      `has source type Alauda, but Subscription ${sub.metadata.name} uses installPlanApproval ${approval}; set spec.installPlanApproval to Manual`,
  };
}
