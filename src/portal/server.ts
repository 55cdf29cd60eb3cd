import { existsSync, statSync } from 'node:fs';
import { http } from '../kube/node-http.ts';
const { createServer: createHttpServer } = http;
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AccountStore } from './accounts.ts';
import { CATALOGUE_FILE, loadCatalogue } from './catalogue.ts';
import type { Catalogue } from './catalogue.ts';
import { PortalError, badRequest, errorBody, notFound } from './errors.ts';
import { createFileStore } from './files.ts';
import type { FileStore } from './files.ts';
import { checkApplications, listScenarios, parseArch, selectPackages, selectPlatformBundle } from './queries.ts';
import type { InstalledApplication, PackageItem } from './queries.ts';

/** The portal's HTTP API (`/api/v1/…`) and downloads (`/files/<name>`). Routes are listed in src/portal/README.md. */

const MAX_JSON_BYTES = 4 * 1024 * 1024;

export interface PortalServerOptions {
  packagesDir: string;
  accounts: AccountStore;
  tls?: { cert: string; key: string };
  log: (line: string) => void;
}

/** The catalogue, reloaded when its file changes; a broken edit keeps the last good one (and is logged). */
function catalogueSource(dir: string, log: (line: string) => void): () => Catalogue {
  const file = join(dir, CATALOGUE_FILE);
  const exists = (p: string) => existsSync(p);
  let current = loadCatalogue(dir, exists);
  let mtimeMs = statSync(file).mtimeMs;
  return () => {
    const m = existsSync(file) ? statSync(file).mtimeMs : mtimeMs;
    if (m === mtimeMs) return current;
    mtimeMs = m;
    try {
      current = loadCatalogue(dir, exists);
      log(`catalogue reloaded: ${current.apps.length} app(s), ${current.scenarios.length} scenario(s)`);
    } catch (err) {
      log(`catalogue change ignored: ${(err as Error).message}`);
    }
    return current;
  };
}

/** Every file the catalogue publishes (only these can be downloaded). */
function publishedFiles(c: Catalogue): Set<string> {
  const files = new Set<string>();
  for (const a of c.apps) for (const v of a.versions) for (const f of Object.values(v.packages)) files.add(f!);
  for (const b of c.platformBundles) for (const f of Object.values(b.packages)) files.add(f!);
  return files;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw badRequest(`request body larger than ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`request body is not JSON: ${(err as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const bearer = (req: IncomingMessage) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
const optional = (v: string | null) => (v === null || v === '' ? undefined : v);
const csv = (v: string | null) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  catalogue: Catalogue;
  files: FileStore;
}

type Handler = (ctx: Context) => Promise<unknown> | unknown;

function withDownloads(files: FileStore, items: PackageItem[]) {
  return items.map((i) => ({ ...i, url: `/files/${encodeURIComponent(i.file)}`, ...files.describe(i.file) }));
}

/** Authenticated JSON routes. */
const ROUTES: Record<string, Handler> = {
  'GET /api/v1/scenarios': ({ url, catalogue }) => ({
    items: listScenarios(catalogue, { arch: parseArch(optional(url.searchParams.get('arch'))), platformVersion: optional(url.searchParams.get('platformVersion')), upgrade: url.searchParams.get('upgrade') === 'true' }),
  }),
  'GET /api/v1/packages': ({ url, catalogue, files }) => {
    const q = url.searchParams;
    const items = selectPackages(catalogue, { arch: parseArch(optional(q.get('arch'))), platformVersion: optional(q.get('platformVersion')), appID: optional(q.get('appID')), appVersions: csv(q.get('appVersion')), scenario: optional(q.get('scenario')), latest: q.get('latest') === 'true' });
    return { items: withDownloads(files, items) };
  },
  'GET /api/v1/platform-packages': ({ url, catalogue, files }) => {
    const q = url.searchParams;
    const b = selectPlatformBundle(catalogue, { arch: parseArch(optional(q.get('arch'))), platformVersion: optional(q.get('platformVersion')), type: q.get('type') || 'core' });
    return { items: [{ ...b, url: `/files/${encodeURIComponent(b.file)}`, ...files.describe(b.file) }] };
  },
  'POST /api/v1/scenario-check': async ({ req, catalogue, files }) => {
    const body = await readJson(req);
    if (typeof body.applications !== 'object' || body.applications === null || Array.isArray(body.applications)) throw badRequest('the body needs an "applications" map (the apps.yaml written by violet list)');
    const results = checkApplications(catalogue, { arch: parseArch(body.arch as string | undefined), platformVersion: body.platformVersion as string | undefined, applications: body.applications as Record<string, InstalledApplication> });
    return { items: results.map((r) => (r.package ? { ...r, package: withDownloads(files, [r.package])[0] } : r)) };
  },
};

export interface PortalServer {
  server: Server;
  url: string;
  files: () => FileStore;
  close(): Promise<void>;
}

export async function startPortalServer(opts: PortalServerOptions & { host: string; port: number }): Promise<PortalServer> {
  const catalogue = catalogueSource(opts.packagesDir, opts.log);
  let files: FileStore | undefined;
  let filesFor: Catalogue | undefined;
  const fileStore = () => {
    const c = catalogue();
    if (filesFor !== c) {
      const published = publishedFiles(c);
      const bytesServed = files?.bytesServed;
      files = createFileStore(opts.packagesDir, (f) => published.has(f));
      for (const [k, v] of bytesServed ?? []) files.bytesServed.set(k, v);
      filesFor = c;
    }
    return files!;
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => void handle(req, res, opts, catalogue, fileStore).catch((err) => {
    const { status, body } = errorBody(err);
    if (status >= 500) opts.log(`${req.method} ${req.url}: ${body.message}`);
    if (!res.headersSent) sendJson(res, status, body);
    else res.destroy();
  });
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    files: fileStore,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: PortalServerOptions, catalogue: () => Catalogue, files: () => FileStore): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://portal');
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (method === 'POST' && url.pathname === '/api/v1/login') return login(req, res, opts.accounts);
  const claims = opts.accounts.verify(bearer(req));
  if (method === 'GET' && url.pathname === '/api/v1/tenant/info') return sendJson(res, 200, { account: claims.account, username: claims.username, expiresAt: new Date(claims.exp).toISOString() });
  if (method === 'GET' && url.pathname.startsWith('/files/')) return files().serve(req, res, decodeURIComponent(url.pathname.slice('/files/'.length)));
  const route = ROUTES[`${method} ${url.pathname}`];
  if (!route) throw notFound(`no such portal endpoint: ${req.method} ${url.pathname}`);
  sendJson(res, 200, await route({ req, res, url, catalogue: catalogue(), files: files() }));
}

async function login(req: IncomingMessage, res: ServerResponse, accounts: AccountStore): Promise<void> {
  const body = await readJson(req);
  const [account, username, password] = [body.account, body.username, body.password].map((v) => (typeof v === 'string' ? v : ''));
  if (!account || !username || !password) throw new PortalError('BadRequest', 'login needs account, username and password');
  const { token, claims } = accounts.login(account, username, password);
  sendJson(res, 200, { token, account, username, expiresAt: new Date(claims.exp).toISOString() });
}
