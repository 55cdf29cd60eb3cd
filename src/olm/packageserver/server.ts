import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../kube/index.ts';
import { translateTimestampSince } from '../../apiserver/query/index.ts';
import type { ClusterCatalogs } from './catalogs.ts';

const GROUP = 'packages.operators.coreos.com';
const GV = `${GROUP}/v1`;

/**
 * The packageserver's HTTP API, served behind the API server's APIService aggregation:
 * `packages.operators.coreos.com/v1` PackageManifest (get, list, watch) and the `icon` subresource.
 */
export function packageServerHandler(catalogs: ClusterCatalogs): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    try {
      route(catalogs, req, res);
    } catch (err) {
      send(res, 500, status(500, 'InternalError', (err as Error).message));
    }
  };
}

function route(catalogs: ClusterCatalogs, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'apis' || parts[1] !== GROUP) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  if (parts.length === 2) return send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', name: GROUP, versions: [{ groupVersion: GV, version: 'v1' }], preferredVersion: { groupVersion: GV, version: 'v1' } });
  if (parts.length === 3 && parts[2] === 'v1') return send(res, 200, resourceList());
  const rest = parts.slice(3);
  const namespace = rest[0] === 'namespaces' ? rest[1] : undefined;
  const [resource, name, sub] = namespace ? rest.slice(2) : rest;
  if (resource !== 'packagemanifests') return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  if (req.method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported on resources of kind "packagemanifests"`));
  const items = catalogs.list(namespace);
  if (!name && url.searchParams.get('watch') === 'true') return watchManifests(catalogs, namespace, req, res, url);
  if (!name) return sendList(req, res, url, items);
  const found = items.find((m) => m.metadata.name === name);
  if (!found) return send(res, 404, { ...status(404, 'NotFound', `packagemanifests.${GROUP} "${name}" not found`), details: { name, group: GROUP, kind: 'packagemanifests' } });
  if (sub === 'icon') return sendIcon(res, found);
  if (wantsTable(req)) return send(res, 200, table([found]));
  send(res, 200, found);
}

function filtered(url: URL, items: KubeObject[]): KubeObject[] {
  const selector = url.searchParams.get('labelSelector');
  const field = url.searchParams.get('fieldSelector');
  let out = items;
  if (field?.startsWith('metadata.name=')) out = out.filter((m) => m.metadata.name === field.slice('metadata.name='.length).replace(/^=/, ''));
  if (selector) out = out.filter((m) => selector.split(',').every((term) => matchTerm(term.trim(), m.metadata.labels ?? {})));
  return out;
}

function sendList(req: IncomingMessage, res: ServerResponse, url: URL, items: KubeObject[]): void {
  const out = filtered(url, items);
  if (wantsTable(req)) return send(res, 200, table(out));
  send(res, 200, { kind: 'PackageManifestList', apiVersion: GV, metadata: { resourceVersion: '' }, items: out });
}

/** Catalog changes are coalesced for this long before a watch sends its events. */
const WATCH_COALESCE_MS = 50;

/**
 * A live watch: ADDED for every current PackageManifest, then ADDED/MODIFIED/DELETED as catalogs change
 * (pushed versions, new CatalogSources, unpacked bundles), until the client goes or `timeoutSeconds` passes.
 */
function watchManifests(catalogs: ClusterCatalogs, namespace: string | undefined, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const key = (m: KubeObject) => `${m.metadata.namespace}/${m.metadata.name}`;
  const snapshot = () => new Map(filtered(url, catalogs.list(namespace)).map((m) => [key(m), m]));
  // kubectl asks for Tables; each event then carries a one-row Table, as the API server does.
  const asTable = wantsTable(req);
  const emit = (type: string, object: KubeObject) => res.write(JSON.stringify({ type, object: asTable ? table([object]) : object }) + '\n');
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders(); // an empty watch still answers at once
  let current = snapshot();
  for (const m of current.values()) emit('ADDED', m);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const next = snapshot();
    for (const [k, m] of next) {
      const before = current.get(k);
      if (!before) emit('ADDED', m);
      else if (before !== m && JSON.stringify(before) !== JSON.stringify(m)) emit('MODIFIED', m);
    }
    for (const [k, m] of current) if (!next.has(k)) emit('DELETED', m);
    current = next;
  };
  const off = catalogs.onChange(() => (timer ??= setTimeout(flush, WATCH_COALESCE_MS)));
  const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
  const end = setTimeout(() => res.end(), (timeout > 0 ? timeout : 1800) * 1000);
  const stop = () => {
    off();
    clearTimeout(end);
    if (timer) clearTimeout(timer);
  };
  req.on('close', stop);
  res.on('close', stop);
}

function matchTerm(term: string, labels: Record<string, string>): boolean {
  const [k, v] = term.split(/==?/);
  if (term.includes('!=')) return labels[term.split('!=')[0]] !== term.split('!=')[1];
  return v === undefined ? k in labels : labels[k] === v;
}

function sendIcon(res: ServerResponse, pm: KubeObject): void {
  const channels = ((pm.status as { channels?: { currentCSVDesc?: { icon?: { base64data: string; mediatype: string }[] } }[] })?.channels ?? []);
  const icon = channels.flatMap((c) => c.currentCSVDesc?.icon ?? [])[0];
  if (!icon?.base64data) {
    res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
    return void res.end('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
  }
  res.writeHead(200, { 'Content-Type': icon.mediatype });
  res.end(Buffer.from(icon.base64data, 'base64'));
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/i.test(String(req.headers.accept ?? ''));
}

/** Server-side Table like upstream's printer: Name, Catalog (catalogSourceDisplayName), Age. */
function table(items: KubeObject[]): unknown {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the package', priority: 0 },
      { name: 'Catalog', type: 'string', format: '', description: 'Display name of the catalog', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Age of the catalog', priority: 0 },
    ],
    rows: items.map((m) => ({
      cells: [m.metadata.name, (m.status as { catalogSourceDisplayName?: string })?.catalogSourceDisplayName ?? '', translateTimestampSince(m.metadata.creationTimestamp ?? undefined, now)],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: m.metadata },
    })),
  };
}

function resourceList(): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GV,
    resources: [
      { name: 'packagemanifests', singularName: 'packagemanifest', namespaced: true, kind: 'PackageManifest', verbs: ['get', 'list', 'watch'] },
      { name: 'packagemanifests/icon', singularName: '', namespaced: true, kind: 'PackageManifest', verbs: ['get'] },
    ],
  };
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
