import { StatusError, apiVersionOf } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceRequest } from '../paths.ts';
import type { ResourceDef, Verb } from '../resource.ts';
import { handleGet, handleList } from './read.ts';
import { handleCreate, handlePatch, handleUpdate } from './write.ts';
import { handleDelete, handleDeleteCollection } from './delete.ts';

const READ_VERBS = new Set<Verb>(['get', 'list', 'watch']);
const SUBRESOURCES = new Set(['status', 'finalize', 'scale']);

/** Resolves the resource, authorizes the verb and runs its handler. */
export async function serveResource(ctx: RequestContext, path: ResourceRequest): Promise<void> {
  const def = ctx.cluster.registry.lookup(path.group, path.version, path.resource);
  if (!def) throw StatusError.notFoundPath();
  if (path.namespace !== undefined && !def.namespaced) throw StatusError.notFoundPath();
  const verb = verbOf(ctx.req.method ?? 'GET', path, ctx.query);
  authorize(ctx, def, verb, path);
  if (def.aggregated) return ctx.server.proxy(ctx, def.group, def.version);
  if (path.subresource && !subresourceServed(def, path.subresource)) throw StatusError.notFoundPath();
  if (!def.verbs.includes(verb)) throw StatusError.methodNotAllowed(verb, def.plural);
  ctx.path = path;
  ctx.def = def;
  const { namespace, name, subresource } = path;
  switch (verb) {
    case 'get':
      return handleGet(ctx, def, namespace, name!);
    case 'list':
    case 'watch':
      return handleList(ctx, def, namespace);
    case 'create':
      if (name) throw StatusError.methodNotAllowed('POST', def.plural);
      return handleCreate(ctx, def, namespace);
    case 'update':
      if (!name) throw StatusError.methodNotAllowed('PUT', def.plural);
      return handleUpdate(ctx, def, namespace, name!, subresource);
    case 'patch':
      if (!name) throw StatusError.methodNotAllowed('PATCH', def.plural);
      return handlePatch(ctx, def, namespace, name!, subresource);
    case 'delete':
      return handleDelete(ctx, def, namespace, name!);
    case 'deletecollection':
      return handleDeleteCollection(ctx, def, namespace);
  }
}

function subresourceServed(def: ResourceDef, sub: string): boolean {
  if (!SUBRESOURCES.has(sub)) return false;
  if (sub === 'status') return def.statusSubresource;
  if (sub === 'finalize') return def.kind === 'Namespace' && def.group === '';
  return !!def.scale && false;
}

function verbOf(method: string, path: ResourceRequest, q: URLSearchParams): Verb {
  const watch = q.get('watch') === 'true' || q.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return path.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name ? 'delete' : 'deletecollection';
    default:
      throw StatusError.methodNotAllowed(method, path.resource);
  }
}

/** Platform-admin may do anything; read-only users only get/list/watch. Designed for RBAC later. */
function authorize(ctx: RequestContext, def: ResourceDef, verb: Verb, path: ResourceRequest): void {
  if (!ctx.user.readOnly || READ_VERBS.has(verb)) return;
  const where = path.namespace ? ` in the namespace "${path.namespace}"` : ' at the cluster scope';
  throw new StatusError(403, 'Forbidden', `${def.group ? `${def.plural}.${def.group}` : def.plural}${path.name ? ` "${path.name}"` : ''} is forbidden: User "${ctx.user.name}" cannot ${verb} resource "${def.plural}" in API group "${def.group}"${where}`, {
    name: path.name,
    group: def.group || undefined,
    kind: def.plural,
  });
}

export { apiVersionOf };
