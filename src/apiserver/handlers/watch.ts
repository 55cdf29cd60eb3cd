import type { KubeObject } from '../../kube/index.ts';
import { StatusError, apiVersionOf } from '../../kube/index.ts';
import { StorageError } from '../../storage/types.ts';
import type { WatchEvent } from '../../storage/types.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import type { Res } from '../http.ts';
import { buildFilter } from '../filter.ts';
import { collectionPrefix, decodeObject } from '../objects.ts';
import { toTable } from '../tables.ts';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * A watch stream: headers flushed at once (clients block on them), newline-delimited events,
 * resume from a resourceVersion, initial events for rv ""/"0" or sendInitialEvents, bookmarks,
 * selector transitions, 410 as an ERROR event once history is compacted.
 */
export async function serveWatch(ctx: RequestContext, def: ResourceDef, namespace: string | undefined): Promise<void> {
  const q = ctx.query;
  const sendInitial = q.get('sendInitialEvents') === 'true';
  validateWatchOptions(q, sendInitial);
  const filter = buildFilter(def, q);
  const rv = q.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw StatusError.badRequest(`invalid resource version: ${rv}`);
  const abort = new AbortController();
  const min = ctx.server.minRequestTimeoutSeconds;
  const timeout = q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : min * (1 + Math.random());
  const signal = AbortSignal.any([abort.signal, ctx.server.shutdown, AbortSignal.timeout(Math.round(Math.max(1, timeout) * 1000))]);
  ctx.res.on('close', () => abort.abort());

  const writer = new EventWriter(ctx, def);
  // No Content-Length: HTTP/1.1 responses go chunked, HTTP/2 streams frame themselves.
  ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  (ctx.res as { flushHeaders?: () => void }).flushHeaders?.();

  let after: number;
  if (rv === '' || rv === '0' || sendInitial) {
    const list = await ctx.store.list(ctx.cluster.name, def, { namespace, filter });
    for (const obj of list.items) writer.write('ADDED', obj);
    after = Number(list.resourceVersion);
    if (sendInitial) writer.bookmark(String(after), true);
  } else {
    after = Number(rv);
  }
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  let lastRV = after;
  const timer = bookmarks ? setInterval(() => writer.bookmark(String(lastRV)), ctx.server.bookmarkIntervalMs) : undefined;
  try {
    for await (const event of ctx.store.storage.watch(collectionPrefix(ctx.cluster.name, def, namespace), { afterRevision: after, signal })) {
      lastRV = event.kv.modRevision;
      if (!filter && !ctx.accept.table) {
        writer.writeLine(sharedLine(ctx.server.watchLines, event, def));
        continue;
      }
      const out = translate(event, def, filter);
      if (out) writer.write(out.type, out.object);
    }
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Compacted') writer.error(410, 'Expired', `too old resource version: ${after} (${err.revision})`);
    else if (!signal.aborted) writer.error(500, 'InternalError', (err as Error).message);
  } finally {
    if (timer) clearInterval(timer);
    ctx.res.end();
  }
}

function validateWatchOptions(q: URLSearchParams, sendInitial: boolean): void {
  if (!sendInitial) return;
  if (q.get('resourceVersionMatch') !== 'NotOlderThan' || q.get('allowWatchBookmarks') !== 'true') {
    throw new StatusError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks', {
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: [{ reason: 'FieldValueForbidden', field: 'sendInitialEvents', message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks' }],
    });
  }
}

/** Maps a storage event to a watch event, honouring selector transitions (no filter: no transitions to decode). */
function translate(event: WatchEvent, def: ResourceDef, filter: ((o: KubeObject) => boolean) | undefined): { type: EventType; object: KubeObject } | undefined {
  const object = decodeObject(event.kv, def);
  if (!filter) return { type: event.type === 'delete' ? 'DELETED' : event.created || !event.prevKv ? 'ADDED' : 'MODIFIED', object };
  const matches = filter;
  if (event.type === 'delete') return matches(object) ? { type: 'DELETED', object } : undefined;
  const now = matches(object);
  if (event.created || !event.prevKv) return now ? { type: 'ADDED', object } : undefined;
  const before = matches(decodeObject(event.prevKv, def));
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}

const SHARED_LINES_MAX = 512;

/** The JSON line of an unfiltered event, encoded once for all watchers of the resource. */
function sharedLine(cache: Map<string, string>, event: WatchEvent, def: ResourceDef): string {
  const id = `${event.kv.modRevision}\0${event.kv.key}\0${def.version}\0${event.type}`;
  let line = cache.get(id);
  if (line === undefined) {
    const out = translate(event, def, undefined)!;
    line = JSON.stringify({ type: out.type, object: out.object }) + '\n';
    if (cache.size >= SHARED_LINES_MAX) cache.delete(cache.keys().next().value!);
    cache.set(id, line);
  }
  return line;
}

class EventWriter {
  private readonly res: Res;
  private readonly def: ResourceDef;
  private readonly ctx: RequestContext;
  private tableHeaderSent = false;

  constructor(ctx: RequestContext, def: ResourceDef) {
    this.ctx = ctx;
    this.res = ctx.res;
    this.def = def;
  }

  write(type: EventType, object: KubeObject): void {
    const body = this.ctx.accept.table ? this.asTable(object) : object;
    this.send({ type, object: body });
  }

  bookmark(resourceVersion: string, initialEventsEnd = false): void {
    const metadata: Record<string, unknown> = { resourceVersion };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.send({ type: 'BOOKMARK', object: { kind: this.def.kind, apiVersion: apiVersionOf(this.def.group, this.def.version), metadata } });
  }

  error(code: number, reason: string, message: string): void {
    this.send({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } });
  }

  private asTable(object: KubeObject): unknown {
    const table = toTable(this.def, [object], this.ctx.query, { resourceVersion: object.metadata.resourceVersion }, this.tableHeaderSent);
    this.tableHeaderSent = true;
    return table;
  }

  writeLine(line: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(line);
  }

  private send(event: unknown): void {
    this.writeLine(JSON.stringify(event) + '\n');
  }
}
