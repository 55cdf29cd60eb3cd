import type { KubeObject } from '../../kube/index.ts';
import type { ClusterState } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import type { ObjectStore } from '../store.ts';
import { resourceDefsFromCRD } from '../schema/index.ts';
import { CRD_CLEANUP_FINALIZER, deleteObject } from '../handlers/delete.ts';
import { ignoreNotFound } from './namespaces.ts';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/**
 * The apiextensions controllers, in-process: names acceptance and Established status, serving a
 * CRD's resources as soon as it is written, and instance cleanup when the CRD is deleted.
 */
export class CRDController {
  private readonly store: ObjectStore;
  private readonly clusters: (name: string) => ClusterState | undefined;
  private readonly cleaning = new Set<string>();

  constructor(store: ObjectStore, clusters: (name: string) => ClusterState | undefined) {
    this.store = store;
    this.clusters = clusters;
    store.onWrite((cluster, def, obj, deleted) => (isCRDDef(def) ? this.observe(cluster, def, obj, deleted) : undefined));
  }

  /** Registers every stored CRD of a cluster (at start-up or when a cluster is added). */
  async load(cluster: string, crdDef: ResourceDef): Promise<void> {
    const list = await this.store.list(cluster, crdDef, {});
    for (const crd of list.items) await this.observe(cluster, crdDef, crd, false);
  }

  private async observe(cluster: string, def: ResourceDef, crd: KubeObject, deleted: boolean): Promise<void> {
    const state = this.clusters(cluster);
    if (!state) return;
    const name = crd.metadata.name!;
    if (deleted) {
      state.registry.setCRD(name, []);
      return;
    }
    state.registry.setCRD(name, resourceDefsFromCRD(crd));
    if (crd.metadata.deletionTimestamp) {
      this.cleanup(cluster, def, crd);
      return;
    }
    const status = desiredStatus(crd, this.store.timestamp());
    if (status) {
      await this.store
        .update(cluster, def, undefined, name, (cur) => ({ ...cur!, status: { ...(cur!.status as object), ...status } }), { dryRun: false, fieldManager: 'apiextensions-controller', fieldValidation: 'Ignore', subresource: 'status' })
        .catch(ignoreNotFound);
    }
  }

  private cleanup(cluster: string, crdDef: ResourceDef, crd: KubeObject): void {
    const id = `${cluster}/${crd.metadata.name}`;
    if (this.cleaning.has(id)) return;
    this.cleaning.add(id);
    void this.deleteInstances(cluster, crdDef, crd).finally(() => this.cleaning.delete(id));
  }

  private async deleteInstances(cluster: string, crdDef: ResourceDef, crd: KubeObject): Promise<void> {
    const state = this.clusters(cluster);
    const defs = resourceDefsFromCRD(crd);
    if (!state || defs.length === 0) return;
    const def = defs[0];
    for (let round = 0; round < 600; round++) {
      const list = await this.store.list(cluster, def, {});
      if (list.items.length === 0) break;
      for (const obj of list.items) {
        if (!obj.metadata.deletionTimestamp) await deleteObject(this.store, cluster, def, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.store
      .update(cluster, crdDef, undefined, crd.metadata.name!, (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: cur!.metadata.finalizers?.filter((f) => f !== CRD_CLEANUP_FINALIZER) } }), { dryRun: false, fieldManager: 'apiextensions-controller', fieldValidation: 'Ignore' })
      .catch(ignoreNotFound);
  }
}

function isCRDDef(def: ResourceDef): boolean {
  return def.kind === 'CustomResourceDefinition' && def.group === 'apiextensions.k8s.io';
}

/** The status the naming and establishing controllers would write; undefined when already current. */
function desiredStatus(crd: KubeObject, now: string): Record<string, unknown> | undefined {
  const spec = crd.spec as { names: Record<string, unknown>; versions: { name: string; storage?: boolean }[] };
  const status = (crd.status ?? {}) as { acceptedNames?: unknown; conditions?: Condition[]; storedVersions?: string[] };
  const storage = spec.versions?.find((v) => v.storage)?.name;
  const storedVersions = [...new Set([...(status.storedVersions ?? []), ...(storage ? [storage] : [])])];
  const wanted: Condition[] = [
    { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
    { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  ];
  const conditions = wanted.map((w) => {
    const existing = status.conditions?.find((c) => c.type === w.type);
    return existing && existing.status === w.status ? existing : { ...w, lastTransitionTime: now };
  });
  const next = { acceptedNames: spec.names, conditions, storedVersions };
  const same = JSON.stringify(status.acceptedNames) === JSON.stringify(spec.names) && JSON.stringify(status.conditions) === JSON.stringify(conditions) && JSON.stringify(status.storedVersions) === JSON.stringify(storedVersions);
  return same ? undefined : next;
}
