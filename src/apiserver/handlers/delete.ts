import type { KubeObject } from '../../kube/index.ts';
import { StatusError } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import { decodeBody, mediaType, readBody, sendJson } from '../http.ts';
import type { ObjectStore } from '../store.ts';
import { buildFilter } from '../filter.ts';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
  gracePeriodSeconds?: number;
}

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
export const NAMESPACE_FINALIZER = 'kubernetes';
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

async function readDeleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const raw = await readBody(ctx.req);
  const fromBody = (decodeBody(raw, mediaType(ctx.req)) ?? {}) as DeleteOptions;
  const q = ctx.query;
  const opts: DeleteOptions = { ...fromBody };
  const policy = q.get('propagationPolicy');
  if (policy) opts.propagationPolicy = policy as PropagationPolicy;
  if (q.getAll('dryRun').length) opts.dryRun = q.getAll('dryRun');
  if (q.get('orphanDependents')) opts.orphanDependents = q.get('orphanDependents') === 'true';
  if (opts.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(opts.propagationPolicy)) {
    throw StatusError.invalid({ group: '', kind: 'DeleteOptions' }, '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"` }]);
  }
  return opts;
}

/** DELETE of one object: immediate, or graceful via finalizers (foreground/orphan/namespace/CRD). */
export async function handleDelete(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, name: string): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const result = await deleteObject(ctx.store, ctx.cluster.name, def, namespace, name, opts);
  if (result.removed) {
    sendJson(ctx.res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: def.group || undefined, kind: def.plural, uid: result.object.metadata.uid } });
    return;
  }
  sendJson(ctx.res, 200, result.object);
}

/** DELETE of a collection (with selectors). */
export async function handleDeleteCollection(ctx: RequestContext, def: ResourceDef, namespace: string | undefined): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const filter = buildFilter(def, ctx.query);
  const list = await ctx.store.list(ctx.cluster.name, def, { namespace, filter });
  const deleted: KubeObject[] = [];
  for (const obj of list.items) {
    try {
      deleted.push((await deleteObject(ctx.store, ctx.cluster.name, def, obj.metadata.namespace, obj.metadata.name!, opts)).object);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  sendJson(ctx.res, 200, { kind: def.listKind, apiVersion: deleted[0]?.apiVersion ?? def.version, metadata: { resourceVersion: list.resourceVersion }, items: deleted });
}

/**
 * Kubernetes delete semantics shared by the HTTP handler and in-server controllers:
 * preconditions, then either immediate removal or deletionTimestamp + finalizers.
 */
export async function deleteObject(store: ObjectStore, cluster: string, def: ResourceDef, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<{ object: KubeObject; removed: boolean }> {
  const dryRun = (opts.dryRun ?? []).includes('All');
  const current = await store.get(cluster, def, namespace, name);
  checkPreconditions(def, current, opts);
  const extra = deletionFinalizers(def, opts);
  if (current.metadata.deletionTimestamp) {
    if (extra.length === 0 || extra.every((f) => current.metadata.finalizers?.includes(f))) return { object: current, removed: false };
  }
  const finalizers = [...new Set([...(current.metadata.finalizers ?? []), ...extra])];
  if (finalizers.length === 0 && !(def.kind === 'Namespace' && def.group === '')) {
    return { object: await store.remove(cluster, def, current, dryRun), removed: true };
  }
  const result = await store.update(cluster, def, namespace, name, (obj) => markDeleting(def, obj!, finalizers, store.timestamp()), {
    dryRun,
    fieldManager: '__internal',
    fieldValidation: 'Ignore',
    deleting: true,
  });
  return { object: result.object, removed: false };
}

function deletionFinalizers(def: ResourceDef, opts: DeleteOptions): string[] {
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
  const out: string[] = [];
  if (policy === 'Foreground') out.push(FOREGROUND_FINALIZER);
  if (policy === 'Orphan') out.push(ORPHAN_FINALIZER);
  if (def.kind === 'CustomResourceDefinition' && def.group === 'apiextensions.k8s.io') out.push(CRD_CLEANUP_FINALIZER);
  return out;
}

function markDeleting(def: ResourceDef, obj: KubeObject, finalizers: string[], now: string): KubeObject {
  obj.metadata.finalizers = finalizers.length ? finalizers : undefined;
  if (!obj.metadata.finalizers) delete obj.metadata.finalizers;
  obj.metadata.deletionTimestamp ??= now;
  obj.metadata.deletionGracePeriodSeconds = 0;
  if (def.kind === 'Namespace' && def.group === '') obj.status = { ...(obj.status as object), phase: 'Terminating' };
  return obj;
}

function checkPreconditions(def: ResourceDef, obj: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  if (!pre) return;
  const gr = { group: def.group, resource: def.plural };
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw StatusError.conflict(gr, obj.metadata.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw StatusError.conflict(gr, obj.metadata.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
}
