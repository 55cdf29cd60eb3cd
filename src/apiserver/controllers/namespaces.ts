import type { KubeObject } from '../../kube/index.ts';
import { StatusError } from '../../kube/index.ts';
import type { ClusterState } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import type { ObjectStore } from '../store.ts';
import { deleteObject, NAMESPACE_FINALIZER } from '../handlers/delete.ts';

const RETRY_MS = 500;

/**
 * Namespace lifecycle (kube's NamespaceLifecycle admission + namespace controller): refuse creates
 * in missing or terminating namespaces; empty a terminating namespace, then drop its finalizer.
 */
export class NamespaceController {
  private readonly store: ObjectStore;
  private readonly clusters: (name: string) => ClusterState | undefined;
  private readonly running = new Set<string>();
  private readonly signal: AbortSignal;

  constructor(store: ObjectStore, clusters: (name: string) => ClusterState | undefined, signal: AbortSignal) {
    this.store = store;
    this.clusters = clusters;
    this.signal = signal;
    store.onCreate((cluster, def, obj) => this.admit(cluster, def, obj));
    store.onWrite((cluster, def, obj, deleted) => {
      if (def.kind === 'Namespace' && def.group === '' && !deleted && obj.metadata.deletionTimestamp) this.finalize(cluster, obj.metadata.name!);
    });
  }

  private async admit(cluster: string, def: ResourceDef, obj: KubeObject): Promise<void> {
    if (!def.namespaced) return;
    const state = this.clusters(cluster);
    const nsDef = state?.registry.lookup('', 'v1', 'namespaces');
    if (!nsDef) return;
    const ns = await this.store.tryGet(cluster, nsDef, undefined, obj.metadata.namespace!);
    if (!ns) throw StatusError.notFound({ group: '', resource: 'namespaces' }, obj.metadata.namespace!);
    if (ns.metadata.deletionTimestamp) {
      throw StatusError.forbidden({ group: def.group, resource: def.plural }, obj.metadata.name ?? '', `unable to create new content in namespace ${ns.metadata.name} because it is being terminated`);
    }
  }

  /** Starts (once) the cleanup of a terminating namespace. */
  finalize(cluster: string, name: string): void {
    const id = `${cluster}/${name}`;
    if (this.running.has(id)) return;
    this.running.add(id);
    void this.cleanup(cluster, name).finally(() => this.running.delete(id));
  }

  private async cleanup(cluster: string, name: string): Promise<void> {
    while (!this.signal.aborted) {
      const state = this.clusters(cluster);
      if (!state) return;
      const remaining = await this.deleteContents(cluster, state, name);
      if (remaining === 0) {
        await this.dropFinalizer(cluster, state, name);
        return;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async deleteContents(cluster: string, state: ClusterState, namespace: string): Promise<number> {
    let remaining = 0;
    for (const def of state.registry.storageDefs()) {
      if (!def.namespaced) continue;
      const list = await this.store.list(cluster, def, { namespace });
      remaining += list.items.length;
      for (const obj of list.items) {
        if (obj.metadata.deletionTimestamp) continue;
        await deleteObject(this.store, cluster, def, namespace, obj.metadata.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
      }
    }
    return remaining;
  }

  private async dropFinalizer(cluster: string, state: ClusterState, name: string): Promise<void> {
    const def = state.registry.lookup('', 'v1', 'namespaces')!;
    await this.store
      .update(cluster, def, undefined, name, (ns) => {
        const spec = (ns!.spec ?? {}) as { finalizers?: string[] };
        spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
        return { ...ns!, spec };
      }, { dryRun: false, fieldManager: 'namespace-controller', fieldValidation: 'Ignore', subresource: 'finalize' })
      .catch(ignoreNotFound);
  }
}

export function ignoreNotFound(err: unknown): undefined {
  if (err instanceof StatusError && err.code === 404) return undefined;
  throw err;
}
