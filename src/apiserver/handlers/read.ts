import type { KubeObject } from '../../kube/index.ts';
import { StatusError, apiVersionOf } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import { sendJson } from '../http.ts';
import { buildFilter } from '../filter.ts';
import { toTable } from '../tables.ts';
import { serveWatch } from './watch.ts';

/** GET of one object (JSON or a one-row Table). */
export async function handleGet(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, name: string): Promise<void> {
  const obj = await ctx.store.get(ctx.cluster.name, def, namespace, name);
  if (ctx.accept.table) {
    sendJson(ctx.res, 200, toTable(def, [obj], ctx.query, { resourceVersion: obj.metadata.resourceVersion }));
    return;
  }
  sendJson(ctx.res, 200, obj);
}

/** GET of a collection, or a watch when ?watch=true. */
export async function handleList(ctx: RequestContext, def: ResourceDef, namespace: string | undefined): Promise<void> {
  const q = ctx.query;
  if (q.get('watch') === 'true' || q.get('watch') === '1') return serveWatch(ctx, def, namespace);
  validateListOptions(q);
  const filter = buildFilter(def, q);
  const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
  const rv = q.get('resourceVersion');
  const exact = q.get('resourceVersionMatch') === 'Exact' && rv ? Number(rv) : undefined;
  const result = await ctx.store.list(ctx.cluster.name, def, { namespace, limit, continue: q.get('continue') ?? undefined, filter, revision: exact });
  if (ctx.accept.table) {
    sendJson(ctx.res, 200, toTable(def, result.items, q, result));
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) metadata.continue = result.continue;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  sendJson(ctx.res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata, items: result.items });
}

/** ListOptions validation as upstream (422 Invalid on kind ListOptions). */
function validateListOptions(q: URLSearchParams): void {
  const match = q.get('resourceVersionMatch');
  const errors: string[] = [];
  if (match && !q.get('resourceVersion')) errors.push('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match && q.get('continue')) errors.push('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
  if (match === 'Exact' && q.get('resourceVersion') === '0') errors.push('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  if (match && match !== 'Exact' && match !== 'NotOlderThan') errors.push(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  if (q.get('sendInitialEvents')) errors.push('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
  const limit = q.get('limit');
  if (limit && !/^\d+$/.test(limit)) throw StatusError.badRequest(`invalid limit: ${limit}`);
  if (errors.length) {
    throw new StatusError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`, {
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: errors.map((e) => ({ reason: 'FieldValueForbidden', field: e.split(':')[0], message: e.slice(e.indexOf(':') + 2) })),
    });
  }
}

export type { KubeObject };
