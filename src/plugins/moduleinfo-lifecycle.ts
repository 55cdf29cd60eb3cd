import { createHash } from 'node:crypto';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { StatusError } from '../kube/index.ts';
import type { ModuleInfoObject } from './model.ts';
import { APP_RELEASES, LABELS, MODULE_INFOS, MODULE_INFO_FINALIZER } from './model.ts';

/** On the renamed copy: the uid of the object it was created from (so the pair never counts as two installs). */
export const RENAMED_FROM_UID = 'cluster.alauda.io/renamed-from-uid';

/** `<cluster>-<32 hex>`: the platform's name for an accepted ModuleInfo (acp-docs cluster_plugin.mdx). */
export function isFinalName(mi: ModuleInfoObject): boolean {
  const cluster = mi.metadata.labels?.[LABELS.clusterName] ?? '';
  return new RegExp(`^${escape(cluster)}-[0-9a-f]{32}$`).test(mi.metadata.name!);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** md5 of the object's identity and content: 32 hex characters, stable across retries of the rename. */
export function contentHash(mi: ModuleInfoObject): string {
  return createHash('md5').update(JSON.stringify({ uid: mi.metadata.uid, labels: mi.metadata.labels, spec: mi.spec })).digest('hex');
}

/** Whether `a` and `b` are one install seen twice (a ModuleInfo and its renamed copy). */
export function sameInstall(a: KubeObject, b: KubeObject): boolean {
  return a.metadata.name === b.metadata.name || a.metadata.annotations?.[RENAMED_FROM_UID] === b.metadata.uid || b.metadata.annotations?.[RENAMED_FROM_UID] === a.metadata.uid;
}

/**
 * Renames by copy-then-delete. Crash-safe: the new name is a pure function of the original, so a retry finds
 * its copy (AlreadyExists) and only finishes the delete.
 */
export async function renameModuleInfo(kube: KubeClient, mi: ModuleInfoObject, cluster: KubeObject): Promise<string> {
  const clusterName = mi.metadata.labels![LABELS.clusterName];
  const name = `${clusterName}-${contentHash(mi)}`;
  const annotations: Record<string, string> = { ...mi.metadata.annotations, [RENAMED_FROM_UID]: mi.metadata.uid! };
  annotations[LABELS.displayName] ??= mi.metadata.labels![LABELS.moduleName];
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const copy: KubeObject = {
    apiVersion: 'cluster.alauda.io/v1alpha1',
    kind: 'ModuleInfo',
    metadata: {
      name,
      labels: mi.metadata.labels,
      annotations,
      finalizers: [MODULE_INFO_FINALIZER],
      ownerReferences: [{ apiVersion: 'platform.tkestack.io/v1', kind: 'Cluster', name: cluster.metadata.name!, uid: cluster.metadata.uid!, blockOwnerDeletion: false }],
    },
    spec: mi.spec,
  };
  await kube.create(MODULE_INFOS, copy).catch((err) => {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  });
  await kube.delete(MODULE_INFOS, mi.metadata.name!).catch(ignoreNotFound);
  return name;
}

export async function ensureFinalizer(kube: KubeClient, mi: ModuleInfoObject): Promise<void> {
  if (mi.metadata.finalizers?.includes(MODULE_INFO_FINALIZER)) return;
  await kube.patch(MODULE_INFOS, mi.metadata.name!, undefined, { metadata: { finalizers: [...(mi.metadata.finalizers ?? []), MODULE_INFO_FINALIZER], resourceVersion: mi.metadata.resourceVersion } });
}

/**
 * Deleting a ModuleInfo uninstalls: its AppReleases in the target cluster are deleted (the cluster agent
 * removes what they created, then their finalizers go); when none is left the `moduleinfo` finalizer goes.
 * Returns whether the uninstall finished.
 */
export async function uninstallModuleInfo(kube: KubeClient, target: KubeClient | undefined, mi: ModuleInfoObject): Promise<boolean> {
  if (target) {
    const { items } = await target.list(APP_RELEASES, { labelSelector: `${LABELS.moduleInfo}=${mi.metadata.name}` });
    for (const ar of items) if (!ar.metadata.deletionTimestamp) await target.delete(APP_RELEASES, ar.metadata.name!, ar.metadata.namespace).catch(ignoreNotFound);
    if (items.length) return false;
  }
  if (!mi.metadata.finalizers?.includes(MODULE_INFO_FINALIZER)) return true;
  await kube.patch(MODULE_INFOS, mi.metadata.name!, undefined, { metadata: { finalizers: mi.metadata.finalizers.filter((f) => f !== MODULE_INFO_FINALIZER), resourceVersion: mi.metadata.resourceVersion } });
  return true;
}

export function ignoreNotFound(err: unknown): void {
  if (!(err instanceof StatusError && err.code === 404)) throw err;
}
