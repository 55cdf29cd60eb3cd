import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../kube/index.ts';
import { translateTimestampSince } from '../../apiserver/query/index.ts';
import type { ClusterCatalogs } from './catalogs.ts';

const GROUP = 'packages.operators.coreos.com';
const GV = `${GROUP}/v1`;

/**
 * The packageserver's HTTP API, served behind the API server's APIService aggregation:
 * `packages.operators.coreos.com/v1` PackageManifest (get, list, watch as a snapshot) and the `icon` subresource.
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
  if (!name) return sendList(req, res, url, items);
  const found = items.find((m) => m.metadata.name === name);
  if (!found) return send(res, 404, { ...status(404, 'NotFound', `packagemanifests.${GROUP} "${name}" not found`), details: { name, group: GROUP, kind: 'packagemanifests' } });
  if (sub === 'icon') return sendIcon(res, found);
  if (wantsTable(req)) return send(res, 200, table([found]));
  send(res, 200, found);
}

function sendList(req: IncomingMessage, res: ServerResponse, url: URL, items: KubeObject[]): void {
  const selector = url.searchParams.get('labelSelector');
  const field = url.searchParams.get('fieldSelector');
  let out = items;
  if (field?.startsWith('metadata.name=')) out = out.filter((m) => m.metadata.name === field.slice('metadata.name='.length).replace(/^=/, ''));
  if (selector) out = out.filter((m) => selector.split(',').every((term) => matchTerm(term.trim(), m.metadata.labels ?? {})));
  if (url.searchParams.get('watch') === 'true') return sendWatchSnapshot(res, out);
  if (wantsTable(req)) return send(res, 200, table(out));
  send(res, 200, { kind: 'PackageManifestList', apiVersion: GV, metadata: { resourceVersion: '' }, items: out });
}

/** A watch here is a snapshot (ADDED for each) then an open stream until the client's timeout. */
function sendWatchSnapshot(res: ServerResponse, items: KubeObject[]): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const item of items) res.write(JSON.stringify({ type: 'ADDED', object: item }) + '\n');
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
