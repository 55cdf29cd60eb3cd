import { StatusError } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ApiRequest } from '../paths.ts';
import { sendJson } from '../http.ts';
import { AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from '../discovery.ts';
import { openApiV3Document, openApiV3Index } from '../builtin/index.ts';
import type { ResourceRegistry } from '../registry.ts';

/** /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v> — legacy or aggregated per Accept. */
export function serveDiscovery(ctx: RequestContext, route: ApiRequest): void {
  const reg = ctx.cluster.registry;
  switch (route.type) {
    case 'api-root':
      if (ctx.accept.aggregatedDiscovery) return sendAggregated(ctx, aggregatedDiscovery(reg, true));
      return sendJson(ctx.res, 200, apiVersions(ctx.server.serverAddress(ctx.req)));
    case 'apis-root':
      if (ctx.accept.aggregatedDiscovery) return sendAggregated(ctx, aggregatedDiscovery(reg, false));
      return sendJson(ctx.res, 200, apiGroupList(reg));
    case 'group':
      return sendJson(ctx.res, 200, orNotFound(apiGroup(reg, route.group)));
    case 'group-version':
      return sendJson(ctx.res, 200, orNotFound(apiResourceList(reg, route.group, route.version)));
    default:
      throw StatusError.notFoundPath();
  }
}

function sendAggregated(ctx: RequestContext, body: unknown): void {
  sendJson(ctx.res, 200, body, { 'Content-Type': AGGREGATED_CONTENT_TYPE });
}

function orNotFound<T>(value: T | undefined): T {
  if (value === undefined) throw StatusError.notFoundPath();
  return value;
}

interface OpenApiCache {
  generation: number;
  docs: Map<string, unknown>;
}

const caches = new WeakMap<ResourceRegistry, OpenApiCache>();

/** /openapi/v3 index and per-group-version documents, cached per registry generation. */
export function serveOpenApi(ctx: RequestContext, route: ApiRequest): void {
  const reg = ctx.cluster.registry;
  let cache = caches.get(reg);
  if (!cache || cache.generation !== reg.generation) {
    cache = { generation: reg.generation, docs: new Map() };
    caches.set(reg, cache);
  }
  if (route.type === 'openapi-v3-index') {
    const gvs = reg.groups().flatMap((g) => g.versions.map((v) => (g.group ? `${g.group}/${v}` : v)));
    return sendJson(ctx.res, 200, cachedDoc(cache, '__index', () => openApiV3Index(gvs, reg.all())));
  }
  if (route.type !== 'openapi-v3-doc') throw StatusError.notFoundPath();
  const gv = route.group ? `${route.group}/${route.version}` : route.version;
  const doc = documentFor(reg, cache, gv);
  if (!doc) throw StatusError.notFoundPath();
  sendJson(ctx.res, 200, doc, { 'Cache-Control': 'public, immutable', Etag: `"${reg.generation}"` });
}

function documentFor(reg: ResourceRegistry, cache: OpenApiCache, gv: string): unknown | undefined {
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  const defs = reg.all().filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  return cachedDoc(cache, gv, () => openApiV3Document({ group, version }, defs));
}

function cachedDoc(cache: OpenApiCache, key: string, build: () => unknown): unknown {
  let doc = cache.docs.get(key);
  if (doc === undefined) {
    doc = build();
    cache.docs.set(key, doc);
  }
  return doc;
}
