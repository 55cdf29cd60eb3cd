import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { createController, createInformer, objectKey, splitKey, StatusError } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';

/**
 * The Operator API (operators.coreos.com/v1, cluster-scoped `<package>.<namespace>`; olm.md §3.7): the
 * adoption controller labels an installed operator's parts with `operators.coreos.com/<name>` and the
 * Operator's status lists them with their conditions (a CSV contributes its phase as a condition).
 */

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true };
/** Kinds whose labelled objects become components, in the order refs are listed. */
const COMPONENT_KINDS: { ref: ResourceRef; kind: string }[] = [
  { ref: OLM_RESOURCES.Subscription, kind: 'Subscription' },
  { ref: OLM_RESOURCES.InstallPlan, kind: 'InstallPlan' },
  { ref: OLM_RESOURCES.ClusterServiceVersion, kind: 'ClusterServiceVersion' },
  { ref: CRDS, kind: 'CustomResourceDefinition' },
  { ref: DEPLOYMENTS, kind: 'Deployment' },
  { ref: SERVICE_ACCOUNTS, kind: 'ServiceAccount' },
];
const REFRESH_MS = 10_000;

/** `operators.coreos.com/<name>`, cut to 63 characters without trailing `.`, `_` or `-` (upstream rule). */
export function componentLabelKey(operatorName: string): string {
  return `operators.coreos.com/${operatorName.slice(0, 63).replace(/[._-]+$/, '')}`;
}

interface Sub extends KubeObject {
  spec: { name: string };
  status?: { installedCSV?: string; currentCSV?: string; installPlanRef?: { name: string } };
}

export function createOperatorAggregation(opts: { kube: KubeClient; signal: AbortSignal; onError?: (key: string, err: unknown) => void }) {
  const { kube, signal } = opts;
  const subs = createInformer<Sub>(kube, OLM_RESOURCES.Subscription);
  const controller = createController({ name: 'operator-aggregation', reconcile: (key) => reconcile(key), onError: opts.onError });
  subs.on((_ev, sub) => controller.enqueue(objectKey(sub)));

  async function reconcile(key: string): Promise<{ requeueAfterMs: number } | void> {
    const { namespace, name } = splitKey(key);
    const sub = subs.get(name, namespace);
    if (!sub) return;
    const operatorName = `${sub.spec.name}.${namespace}`;
    const label = componentLabelKey(operatorName);
    await adopt(sub, label);
    await kube.apply(OLM_RESOURCES.Operator, { kind: 'Operator', metadata: { name: operatorName } }, 'olm-operator-aggregation');
    const refs = await components(label);
    await kube.apply(OLM_RESOURCES.Operator, { kind: 'Operator', metadata: { name: operatorName }, status: { components: { labelSelector: { matchExpressions: [{ key: label, operator: 'Exists' }] }, refs } } }, 'olm-operator-aggregation', { subresource: 'status' });
    return { requeueAfterMs: REFRESH_MS };
  }

  /** Labels the Subscription, its InstallPlan and CSV, and the CSV's CRDs, Deployments and ServiceAccounts. */
  async function adopt(sub: Sub, label: string): Promise<void> {
    const ns = sub.metadata.namespace!;
    await addLabel(OLM_RESOURCES.Subscription, sub.metadata.name!, ns, label);
    if (sub.status?.installPlanRef?.name) await addLabel(OLM_RESOURCES.InstallPlan, sub.status.installPlanRef.name, ns, label);
    const csvName = sub.status?.installedCSV ?? sub.status?.currentCSV;
    const csv = csvName ? await kube.tryGet(OLM_RESOURCES.ClusterServiceVersion, csvName, ns) : undefined;
    if (!csv) return;
    await addLabel(OLM_RESOURCES.ClusterServiceVersion, csvName!, ns, label);
    const spec = csv.spec as { customresourcedefinitions?: { owned?: { name: string }[] }; install?: { spec?: { deployments?: { name: string }[]; permissions?: { serviceAccountName: string }[]; clusterPermissions?: { serviceAccountName: string }[] } } };
    for (const crd of spec.customresourcedefinitions?.owned ?? []) await addLabel(CRDS, crd.name, undefined, label);
    for (const d of spec.install?.spec?.deployments ?? []) await addLabel(DEPLOYMENTS, d.name, ns, label);
    const accounts = new Set([...(spec.install?.spec?.permissions ?? []), ...(spec.install?.spec?.clusterPermissions ?? [])].map((p) => p.serviceAccountName));
    for (const sa of accounts) await addLabel(SERVICE_ACCOUNTS, sa, ns, label);
  }

  async function addLabel(ref: ResourceRef, name: string, namespace: string | undefined, label: string): Promise<void> {
    const obj = await kube.tryGet(ref, name, namespace);
    if (!obj || obj.metadata.labels?.[label] !== undefined) return;
    await kube.patch(ref, name, namespace, { metadata: { labels: { [label]: '' } } }).catch((err) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    });
  }

  async function components(label: string): Promise<unknown[]> {
    const refs: unknown[] = [];
    for (const { ref, kind } of COMPONENT_KINDS) {
      for (const obj of (await kube.list(ref, { labelSelector: label })).items) {
        const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
        refs.push({ kind, name: obj.metadata.name, namespace: obj.metadata.namespace, apiVersion, conditions: conditionsOf(kind, obj) });
      }
    }
    return refs;
  }

  return {
    start: async () => {
      void subs.start(signal);
      await subs.synced;
      controller.start(signal);
    },
    idle: () => controller.idle(),
  };
}

function conditionsOf(kind: string, obj: KubeObject): unknown[] {
  const status = (obj.status ?? {}) as { phase?: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string; conditions?: unknown[] };
  if (kind === 'ClusterServiceVersion') {
    return status.phase ? [{ type: status.phase, status: 'True', reason: status.reason, message: status.message, lastUpdateTime: status.lastUpdateTime, lastTransitionTime: status.lastTransitionTime }] : [];
  }
  return status.conditions ?? [];
}
