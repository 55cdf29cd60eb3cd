import type { KubeObject, OwnerReference } from '../../kube/index.ts';
import type { ClusterState } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import type { ObjectStore } from '../store.ts';
import { parseObjectKey } from '../objects.ts';
import { deleteObject, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../handlers/delete.ts';
import { ignoreNotFound } from './namespaces.ts';

interface Node {
  key: string;
  cluster: string;
  owners: string[];
  /** Set while the object waits on deletion finalizers (foreground/orphan). */
  deleting?: KubeObject;
}

/**
 * Garbage collector over ownerReferences (kube-controller-manager's, in-process): keeps an
 * owner-uid → dependents index from the storage watch, deletes dependents whose owners are all
 * gone (background), drives foreground deletion and orphaning via the owner's finalizers.
 */
export class GarbageCollector {
  private readonly store: ObjectStore;
  private readonly clusters: (name: string) => ClusterState | undefined;
  private readonly signal: AbortSignal;
  /** uid → node of every live object. */
  private readonly nodes = new Map<string, Node>();
  /** owner uid → dependent uids. */
  private readonly dependents = new Map<string, Set<string>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(store: ObjectStore, clusters: (name: string) => ClusterState | undefined, signal: AbortSignal) {
    this.store = store;
    this.clusters = clusters;
    this.signal = signal;
  }

  /** Builds the index from a full list, then follows the watch. Resolves once the index is built. */
  async start(): Promise<void> {
    const all = await this.store.storage.list('/');
    for (const kv of all.items) this.observe(kv.key, JSON.parse(kv.value) as KubeObject, false);
    void this.follow(all.revision);
  }

  private async follow(after: number): Promise<void> {
    try {
      for await (const ev of this.store.storage.watch('/', { afterRevision: after, signal: this.signal })) {
        this.observe(ev.kv.key, JSON.parse(ev.kv.value) as KubeObject, ev.type === 'delete');
      }
    } catch (err) {
      if (!this.signal.aborted) console.error('garbage collector watch ended:', err);
    }
  }

  private observe(key: string, obj: KubeObject, deleted: boolean): void {
    const uid = obj.metadata?.uid;
    const parsed = parseObjectKey(key);
    if (!uid || !parsed) return;
    const previousOwners = this.nodes.get(uid)?.owners ?? [];
    this.unlink(uid);
    if (deleted) {
      this.nodes.delete(uid);
      this.enqueue(() => this.collectDependentsOf(uid));
      for (const o of previousOwners) {
        const owner = this.nodes.get(o)?.deleting;
        if (owner) this.enqueue(() => this.processDeleting(o, owner));
      }
      return;
    }
    const owners = (obj.metadata.ownerReferences ?? []).map((o: OwnerReference) => o.uid);
    this.nodes.set(uid, { key, cluster: parsed.cluster, owners, deleting: obj.metadata.deletionTimestamp ? obj : undefined });
    for (const o of owners) {
      const set = this.dependents.get(o) ?? new Set<string>();
      set.add(uid);
      this.dependents.set(o, set);
    }
    if (owners.length && owners.every((o) => !this.nodes.has(o))) this.enqueue(() => this.deleteIfOrphaned(uid));
    if (obj.metadata.deletionTimestamp) this.enqueue(() => this.processDeleting(uid, obj));
    else if (this.dependents.has(uid)) this.enqueue(() => this.collectDependentsOf(uid, true));
  }

  private unlink(uid: string): void {
    const previous = this.nodes.get(uid);
    for (const o of previous?.owners ?? []) this.dependents.get(o)?.delete(uid);
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err) => {
      if (!this.signal.aborted) console.error('garbage collector:', err);
    });
  }

  /** After an owner is gone: delete each dependent none of whose owners remains. */
  private async collectDependentsOf(ownerUid: string, onlyIfAbsent = false): Promise<void> {
    if (onlyIfAbsent && this.nodes.has(ownerUid)) return;
    for (const dep of [...(this.dependents.get(ownerUid) ?? [])]) await this.deleteIfOrphaned(dep);
  }

  private async deleteIfOrphaned(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node || node.owners.some((o) => this.nodes.has(o))) return;
    await this.deleteNode(node, 'Background');
  }

  /** An owner being deleted in foreground waits for its dependents; orphan strips ownerReferences. */
  private async processDeleting(uid: string, obj: KubeObject): Promise<void> {
    const finalizers = obj.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is Node => !!n);
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const dep of deps) await this.updateNode(dep, (o) => withoutOwner(o, uid));
      await this.removeFinalizer(uid, ORPHAN_FINALIZER);
    } else if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const dep of deps) await this.deleteNode(dep, 'Foreground');
      if (deps.length === 0) await this.removeFinalizer(uid, FOREGROUND_FINALIZER);
    }
  }

  private async removeFinalizer(uid: string, finalizer: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (node) await this.updateNode(node, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: o.metadata.finalizers?.filter((f) => f !== finalizer) } }));
  }

  private resolve(node: Node): { def: ResourceDef; namespace?: string; name: string } | undefined {
    const parsed = parseObjectKey(node.key)!;
    const def = this.clusters(node.cluster)?.registry.byGroupResource(parsed.group, parsed.plural);
    return def ? { def, namespace: parsed.namespace, name: parsed.name } : undefined;
  }

  private async deleteNode(node: Node, policy: 'Background' | 'Foreground'): Promise<void> {
    const target = this.resolve(node);
    if (!target) return;
    await deleteObject(this.store, node.cluster, target.def, target.namespace, target.name, { propagationPolicy: policy }).catch(ignoreNotFound);
  }

  private async updateNode(node: Node, change: (o: KubeObject) => KubeObject): Promise<void> {
    const target = this.resolve(node);
    if (!target) return;
    await this.store
      .update(node.cluster, target.def, target.namespace, target.name, (o) => change(o!), { dryRun: false, fieldManager: 'garbage-collector', fieldValidation: 'Ignore' })
      .catch(ignoreNotFound);
  }
}

function withoutOwner(obj: KubeObject, ownerUid: string): KubeObject {
  const refs = obj.metadata.ownerReferences?.filter((r) => r.uid !== ownerUid) ?? [];
  const { ownerReferences: _old, ...rest } = obj.metadata;
  return { ...obj, metadata: refs.length ? { ...rest, ownerReferences: refs } : rest };
}
