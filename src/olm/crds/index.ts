/**
 * The operators.coreos.com CustomResourceDefinitions of OLM v0, as data: one const per CRD,
 * {@link OLM_CRDS} to install them all, and {@link OLM_RESOURCES} to address each kind with the
 * KubeClient. Shapes follow operator-framework/api's `crds/operators.coreos.com_*.yaml`
 * (shared/reference/olm.md §1–§3).
 */
import type { KubeObject, ResourceRef } from '../../kube/index.ts';
import { CATALOG_SOURCE_CRD } from './catalogsource.ts';
import { CLUSTER_SERVICE_VERSION_CRD } from './clusterserviceversion.ts';
import { INSTALL_PLAN_CRD } from './installplan.ts';
import { OLM_CONFIG_CRD } from './olmconfig.ts';
import { OPERATOR_CRD } from './operator.ts';
import { OPERATOR_CONDITION_CRD } from './operatorcondition.ts';
import { OPERATOR_GROUP_CRD } from './operatorgroup.ts';
import { SUBSCRIPTION_CRD } from './subscription.ts';

export { CATALOG_SOURCE_COLUMNS, CATALOG_SOURCE_CRD } from './catalogsource.ts';
export { CLUSTER_SERVICE_VERSION_COLUMNS, CLUSTER_SERVICE_VERSION_CRD } from './clusterserviceversion.ts';
export { INSTALL_PLAN_COLUMNS, INSTALL_PLAN_CRD } from './installplan.ts';
export { OLM_CONFIG_CRD } from './olmconfig.ts';
export { OPERATOR_CRD } from './operator.ts';
export { OPERATOR_CONDITION_CRD } from './operatorcondition.ts';
export { OPERATOR_GROUP_CRD } from './operatorgroup.ts';
export { INSTALL_PLAN_APPROVALS, SUBSCRIPTION_COLUMNS, SUBSCRIPTION_CRD } from './subscription.ts';
export { OLM_GROUP } from './schema.ts';

/**
 * Every OLM CRD, in install order (CatalogSource first, as the catalog operator watches it first).
 *
 * @example
 * for (const crd of OLM_CRDS) await kube.apply(CRDS, crd, 'marketplace');
 */
export const OLM_CRDS: KubeObject[] = [
  CATALOG_SOURCE_CRD,
  SUBSCRIPTION_CRD,
  INSTALL_PLAN_CRD,
  CLUSTER_SERVICE_VERSION_CRD,
  OPERATOR_GROUP_CRD,
  OPERATOR_CRD,
  OPERATOR_CONDITION_CRD,
  OLM_CONFIG_CRD,
];

/** The OLM kinds, verbatim. */
export type OlmKind = 'CatalogSource' | 'Subscription' | 'InstallPlan' | 'ClusterServiceVersion' | 'OperatorGroup' | 'Operator' | 'OperatorCondition' | 'OLMConfig';

interface CrdSpecView {
  group: string;
  scope: string;
  names: { kind: OlmKind; plural: string };
  versions: { name: string; storage: boolean }[];
}

/** ResourceRef of a CRD's storage version (the version controllers read and write). */
function resourceRefOf(crd: KubeObject): [OlmKind, ResourceRef] {
  const spec = crd.spec as unknown as CrdSpecView;
  const version = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0].name;
  return [spec.names.kind, { group: spec.group, version, plural: spec.names.plural, namespaced: spec.scope === 'Namespaced' }];
}

/**
 * Where each OLM kind lives, for the KubeClient (storage version: OperatorGroup v1, OperatorCondition v2).
 *
 * @example
 * const sub = await kube.get(OLM_RESOURCES.Subscription, 'harbor-ce-operator-sub', 'harbor-ce-operator');
 */
export const OLM_RESOURCES: Readonly<Record<OlmKind, ResourceRef>> = Object.freeze(Object.fromEntries(OLM_CRDS.map(resourceRefOf)) as Record<OlmKind, ResourceRef>);
