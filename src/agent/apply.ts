/**
 * Writing rendered objects to the cluster and taking them away again: scope resolution through API
 * discovery, server-side apply in install order (CRDs established before their CRs), and label-selected
 * prune/uninstall across the GVKs an AppRelease recorded in its inventory.
 */
import type { KubeClient, KubeObject, ResourceRef, RestMapper } from '../kube/index.ts';
import { StatusError, waitForEstablished } from '../kube/index.ts';
import type { Owner } from './manifests.ts';
import { CHART_RELEASE_LABEL, deleteRank, gvkOf, identityOf, ownerSelector, parseGvk, prepareObject, sortForApply } from './manifests.ts';

/** The field manager of every object the agent applies. */
export const AGENT_FIELD_MANAGER = 'marketplace-agent';

const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };

/** An object that could not be resolved or applied; the message names it. */
export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

/**
 * Rendered objects with namespaces set and ownership labels added. Scope comes from a CRD in the same render
 * (not served yet) or from discovery; a kind the server does not serve is an {@link ApplyError}.
 */
export async function prepareObjects(mapper: RestMapper, rendered: KubeObject[], owner: Owner, releaseName: string, defaultNamespace: string): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const obj of rendered) {
    const namespaced = await isNamespaced(mapper, obj, rendered);
    out.push(prepareObject(obj, owner, releaseName, namespaced, defaultNamespace));
  }
  return out;
}

async function isNamespaced(mapper: RestMapper, obj: KubeObject, rendered: KubeObject[]): Promise<boolean> {
  const { group, version, kind } = parseGvk(gvkOf(obj));
  const crd = rendered.find((c) => c.kind === 'CustomResourceDefinition' && (c.spec as { group?: string })?.group === group && (c.spec as { names?: { kind?: string } })?.names?.kind === kind);
  if (crd) return (crd.spec as { scope?: string }).scope === 'Namespaced';
  const ref = await mapper.resourceFor(group, version, kind);
  if (!ref) throw new ApplyError(`the server does not serve ${kind} in ${obj.apiVersion} (${describe(obj)})`);
  return ref.namespaced;
}

export interface ApplyOptions {
  /** How long to wait for each new CRD to be Established (default 10 s). */
  establishTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Applies prepared objects in install order; missing namespaces are created (as `helm --create-namespace`).
 * Returns the objects as the server answered, by {@link identityOf}.
 */
export async function applyObjects(kube: KubeClient, mapper: RestMapper, objects: KubeObject[], opts: ApplyOptions = {}): Promise<Map<string, KubeObject>> {
  const sorted = sortForApply(objects);
  const applied = new Map<string, KubeObject>();
  const crds = sorted.filter((o) => o.kind === 'CustomResourceDefinition');
  for (const crd of crds) applied.set(identityOf(crd), await applyOne(kube, mapper, crd));
  for (const crd of crds) {
    if (!(await waitForEstablished(kube, crd.metadata.name!, { timeoutMs: opts.establishTimeoutMs ?? 10_000, signal: opts.signal }))) {
      throw new ApplyError(`CustomResourceDefinition ${crd.metadata.name} was not established in time`);
    }
  }
  const rendered = new Set(sorted.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const ensured = new Set<string>();
  for (const obj of sorted) {
    if (obj.kind === 'CustomResourceDefinition') continue;
    opts.signal?.throwIfAborted();
    const ns = obj.metadata.namespace;
    if (ns && !rendered.has(ns) && !ensured.has(ns)) {
      await ensureNamespace(kube, ns);
      ensured.add(ns);
    }
    applied.set(identityOf(obj), await applyOne(kube, mapper, obj));
  }
  return applied;
}

async function applyOne(kube: KubeClient, mapper: RestMapper, obj: KubeObject): Promise<KubeObject> {
  const { group, version, kind } = parseGvk(gvkOf(obj));
  const ref = await mapper.resourceFor(group, version, kind);
  if (!ref) throw new ApplyError(`the server does not serve ${kind} in ${obj.apiVersion} (${describe(obj)})`);
  try {
    return await kube.apply(ref, obj, AGENT_FIELD_MANAGER);
  } catch (err) {
    throw new ApplyError(`cannot apply ${describe(obj)}: ${(err as Error).message}`);
  }
}

async function ensureNamespace(kube: KubeClient, name: string): Promise<void> {
  if (await kube.tryGet(NAMESPACES, name)) return;
  try {
    await kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  }
}

/** `Deployment cpaas-system/web-cli`. */
export function describe(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

export interface PruneOptions {
  /** Identities ({@link identityOf}) to keep. */
  keep: Set<string>;
  /** Whether objects of this chart release may be deleted (a chart that failed to render keeps its objects). */
  mayPrune: (releaseName: string | undefined) => boolean;
  signal?: AbortSignal;
}

/**
 * Deletes the owner's objects of the `inventory` GVKs that are not kept, CRDs and Namespaces last.
 * Returns how many owned objects were still present (deleted now, or already terminating).
 */
export async function pruneObjects(kube: KubeClient, mapper: RestMapper, owner: Owner, inventory: string[], opts: PruneOptions): Promise<number> {
  let present = 0;
  const ordered = [...new Set(inventory)].sort((a, b) => deleteRank(a) - deleteRank(b));
  for (const gvk of ordered) {
    opts.signal?.throwIfAborted();
    const { group, version, kind } = parseGvk(gvk);
    const ref = await mapper.resourceFor(group, version, kind);
    if (!ref) continue; // its CRD is gone, and with it every object of the kind
    for (const item of await listOwned(kube, ref, owner)) {
      const identity = identityOf({ ...item, apiVersion: parseApiVersionOf(gvk), kind });
      if (opts.keep.has(identity) || !opts.mayPrune(item.metadata.labels?.[CHART_RELEASE_LABEL])) continue;
      present++;
      if (!item.metadata.deletionTimestamp) await deleteIgnoringGone(kube, ref, item);
    }
  }
  return present;
}

/** The owner's objects of one resource; none when the resource went away (its CRD was deleted, discovery is cached). */
async function listOwned(kube: KubeClient, ref: ResourceRef, owner: Owner): Promise<KubeObject[]> {
  try {
    return (await kube.list(ref, { labelSelector: ownerSelector(owner) })).items;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return [];
    throw err;
  }
}

function parseApiVersionOf(gvk: string): string {
  return gvk.slice(0, gvk.lastIndexOf('/'));
}

async function deleteIgnoringGone(kube: KubeClient, ref: ResourceRef, obj: KubeObject): Promise<void> {
  try {
    await kube.delete(ref, obj.metadata.name!, obj.metadata.namespace);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
