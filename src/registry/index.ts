/**
 * The OCI distribution registry served at `/v2/` (SPEC §4): blobs, chunked/monolithic/mounted uploads,
 * manifests and indexes by tag or digest, tags list, catalog, referrers, deletes, token auth, and GC over
 * a content-addressed filesystem store. See README.md.
 *
 * @example
 * const registry = createRegistry({ root: join(dataDir, 'registry'), auth });
 * https.createServer(tls, async (req, res) => { if (!(await registry.handle(req, res))) apiServer(req, res); });
 */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access, AuthConfig } from './auth.ts';
import { authorize, handleToken } from './auth.ts';
import { cancelUpload, deleteBlob, getBlob, patchUpload, postUpload, putUpload, uploadStatus } from './blobs.ts';
import type { Deps } from './deps.ts';
import { asRegistryError, RegistryError } from './errors.ts';
import { Collector } from './gc.ts';
import type { Ctx } from './http.ts';
import { makeCtx, send, sendError } from './http.ts';
import { SharedLock } from './lock.ts';
import { deleteManifest, getManifest, listCatalog, listReferrers, listTags, putManifest } from './manifests.ts';
import type { Route } from './names.ts';
import { parseRoute } from './names.ts';
import { Store } from './store.ts';
import type { ManifestEvent, Registry, RegistryOptions } from './types.ts';
import { createContentView } from './content.ts';
import { Uploads } from './uploads.ts';

export type { GcOptions, GcResult, ManifestEvent, Registry, RegistryAuth, RegistryContent, RegistryIdentity, RegistryOptions } from './types.ts';
export type { RegistryErrorCode } from './errors.ts';
export { RegistryError } from './errors.ts';

type Handler = (ctx: Ctx, deps: Deps) => Promise<void>;

/** Creates a registry over `options.root`. Storage directories are created on first request. */
export function createRegistry(options: RegistryOptions): Registry {
  const store = new Store(options.root);
  const commitLock = new SharedLock();
  const uploads = new Uploads(store, commitLock);
  const collector = new Collector(store, uploads, commitLock);
  const auth: AuthConfig = { auth: options.auth, anonymousPull: options.anonymousPull ?? false, service: options.service ?? 'marketplace', tokenTtlSeconds: options.tokenTtlSeconds ?? 900 };
  const notify = async (event: ManifestEvent) => {
    try {
      await options.onManifest?.(event);
    } catch (err) {
      options.onError?.(err, { method: event.action === 'put' ? 'PUT' : 'DELETE', path: `/v2/${event.name}/manifests/${event.digest ?? event.tags[0]}` });
    }
  };
  const deps: Deps = { store, uploads, commitLock, auth, maxManifestBytes: options.maxManifestBytes ?? 4 * 1024 * 1024, noteReferenced: (d) => collector.noteReferenced(d), notify };
  const ready = mkdir(options.root, { recursive: true });

  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const ctx = makeCtx(req, res);
      let route: Route | undefined;
      try {
        route = parseRoute(ctx.path);
        if (!route) return false;
        await ready;
        await dispatch(ctx, deps, route);
      } catch (err) {
        const error = asRegistryError(err);
        if (error.code === 'UNKNOWN') options.onError?.(err, { method: ctx.method, path: ctx.path });
        sendError(ctx, error);
      }
      return true;
    },
    collectGarbage: (gcOptions) => ready.then(() => collector.collect(gcOptions)),
    content: createContentView(store),
    async close() {
      await collector.idle();
      uploads.clear();
    },
  };
}

async function dispatch(ctx: Ctx, deps: Deps, route: Route): Promise<void> {
  if (route.kind === 'token') return handleToken(ctx, deps.auth);
  const { access, handler } = plan(ctx, route);
  await authorize(ctx, deps.auth, access);
  await handler(ctx, deps);
}

/** What a route + method needs and does; 405 UNSUPPORTED for other methods. */
function plan(ctx: Ctx, route: Exclude<Route, { kind: 'token' }>): { access: Access; handler: Handler } {
  const m = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  const pull = (handler: Handler) => ({ access: { action: 'pull' as const, name: 'name' in route ? route.name : undefined }, handler });
  const push = (handler: Handler) => ({ access: { action: 'push' as const, name: 'name' in route ? route.name : undefined }, handler });
  const table: Record<string, () => { access: Access; handler: Handler }> = {};
  switch (route.kind) {
    case 'base':
      table.GET = () => pull(async (c) => send(c, 200, { 'Content-Type': 'application/json' }, '{}'));
      break;
    case 'catalog':
      table.GET = () => ({ access: { action: 'pull', scope: 'registry:catalog:*' }, handler: listCatalog });
      break;
    case 'tags':
      table.GET = () => pull((c, d) => listTags(c, d, route.name));
      break;
    case 'referrers':
      table.GET = () => pull((c, d) => listReferrers(c, d, route.name, route.digest));
      break;
    case 'manifest':
      table.GET = () => pull((c, d) => getManifest(c, d, route.name, route.reference));
      table.PUT = () => push((c, d) => putManifest(c, d, route.name, route.reference));
      table.DELETE = () => push((c, d) => deleteManifest(c, d, route.name, route.reference));
      break;
    case 'blob':
      table.GET = () => pull((c, d) => getBlob(c, d, route.name, route.digest));
      table.DELETE = () => push((c, d) => deleteBlob(c, d, route.name, route.digest));
      break;
    case 'uploads':
      table.POST = () => push((c, d) => postUpload(c, d, route.name));
      break;
    case 'upload':
      table.GET = () => push((c, d) => uploadStatus(c, d, route.name, route.uuid));
      table.PATCH = () => push((c, d) => patchUpload(c, d, route.name, route.uuid));
      table.PUT = () => push((c, d) => putUpload(c, d, route.name, route.uuid));
      table.DELETE = () => push((c, d) => cancelUpload(c, d, route.name, route.uuid));
      break;
    case 'unknown':
      throw new RegistryError('NAME_UNKNOWN', `no registry endpoint at ${ctx.path.slice(0, 120)}`, { status: 404 });
  }
  const entry = table[m];
  if (!entry) throw new RegistryError('UNSUPPORTED', `${ctx.method} is not supported on ${ctx.path.slice(0, 120)}; allowed: ${Object.keys(table).join(', ')}`);
  return entry();
}
