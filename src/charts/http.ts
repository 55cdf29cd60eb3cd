/**
 * HTTP handlers: the Helm repository (`index.yaml`, archives, provenance files) and ChartMuseum's API
 * (list, get, upload, delete). Reads need any platform identity, or none with anonymous reads; writes need
 * an identity that may push (a platform administrator). Basic and Bearer credentials, as the registry.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryAuth, RegistryIdentity } from '../registry/index.ts';
import { ChartError, asChartError } from './errors.ts';
import { indexEntry } from './metadata.ts';
import { multipartBoundary, parseMultipart } from './multipart.ts';
import { provenanceChart } from './provenance.ts';
import type { ChartRoute } from './routes.ts';
import { parseChartRoute } from './routes.ts';
import type { ChartService } from './service.ts';
import { notFound } from './service.ts';

/** Largest upload body (chart + provenance). */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

export interface HttpDeps {
  service: ChartService;
  auth: RegistryAuth;
  anonymousGet: boolean;
  /** Whether the platform serves repository `name` (a ChartRepo of that name exists). */
  isHosted: (name: string) => boolean;
}

interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  query: URLSearchParams;
}

/** Handles a chart-repository request; false when the path is not the chart repository's. */
export async function handleChartRequest(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const route = parseChartRoute(q < 0 ? url : url.slice(0, q));
  if (!route) return false;
  const r: Req = { req, res, method: (req.method ?? 'GET').toUpperCase(), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
  try {
    await dispatch(deps, r, route);
  } catch (err) {
    const e = asChartError(err);
    const headers: Record<string, string> = e.code === 401 ? { 'WWW-Authenticate': 'Basic realm="marketplace chart repository"' } : {};
    sendJson(r, e.code, e.toBody(), headers);
  }
  return true;
}

async function dispatch(deps: HttpDeps, r: Req, route: ChartRoute): Promise<void> {
  if (route.kind === 'unknown') throw new ChartError(404, 'NotFound', 'no chart repository endpoint here: use /charts/<repo>/index.yaml, /charts/<repo>/charts/<chart>-<version>.tgz or /api/<repo>/charts');
  const write = r.method === 'POST' || r.method === 'DELETE';
  await authorize(deps, r, write, route.repo);
  if (!deps.isHosted(route.repo)) throw new ChartError(404, 'NotFound', `chart repository "${route.repo}" does not exist: create a ChartRepo named ${route.repo} in cpaas-system whose spec.url ends in /charts/${route.repo}`);
  const allowed = allowedMethods(route);
  if (!allowed.includes(r.method)) throw new ChartError(405, 'MethodNotAllowed', `${r.method} is not supported here; allowed: ${allowed.join(', ')}`);
  const index = deps.service.repo(route.repo);
  switch (route.kind) {
    case 'index':
      return sendIndex(r, index.render(), index.generatedAt);
    case 'file':
      return sendFile(deps, r, route.repo, route.file);
    case 'charts':
      if (r.method === 'POST') return upload(deps, r, route.repo);
      return sendJson(r, 200, Object.fromEntries(index.charts().map((c) => [c, index.versions(c).map(indexEntry)])));
    case 'chart': {
      const versions = index.versions(route.chart);
      if (!versions.length) throw notFound(route.repo, route.chart);
      return sendJson(r, 200, versions.map(indexEntry));
    }
    case 'version':
      if (r.method === 'DELETE') {
        await deps.service.delete(route.repo, route.chart, route.version);
        return sendJson(r, 200, { deleted: true });
      }
      return sendJson(r, 200, indexEntry(index.get(route.chart, route.version) ?? throwing(notFound(route.repo, route.chart, route.version))));
    case 'prov':
      return uploadProv(deps, r, route.repo);
  }
}

function allowedMethods(route: Exclude<ChartRoute, { kind: 'unknown' }>): string[] {
  if (route.kind === 'charts') return ['GET', 'HEAD', 'POST'];
  if (route.kind === 'version') return ['GET', 'HEAD', 'DELETE'];
  if (route.kind === 'prov') return ['POST'];
  return ['GET', 'HEAD'];
}

function throwing(err: Error): never {
  throw err;
}

async function authorize(deps: HttpDeps, r: Req, write: boolean, repo: string): Promise<void> {
  const anonymousWrite = write && !r.req.headers.authorization;
  const identity = anonymousWrite ? undefined : await identify(deps, r);
  if (identity === undefined) throw new ChartError(401, 'Unauthorized', `${r.req.headers.authorization ? 'invalid credentials' : 'authentication required'}: use a platform account (helm repo add --username/--password) or a platform token`);
  if (write && !identity.canPush) throw new ChartError(403, 'Forbidden', `user "${identity.name}" may not change chart repository "${repo}": uploads and deletes need a platform administrator account`);
}

async function identify(deps: HttpDeps, r: Req): Promise<RegistryIdentity | undefined> {
  const value = r.req.headers.authorization;
  if (!value) return deps.anonymousGet ? { name: 'anonymous', canPush: false } : undefined;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value.trim());
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : deps.auth.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return bearer ? deps.auth.checkToken(bearer[1]) : undefined;
}

function sendIndex(r: Req, yaml: string, generated: string): void {
  const etag = `"${createHash('sha256').update(generated).update(String(yaml.length)).digest('hex').slice(0, 32)}"`;
  if (r.req.headers['if-none-match'] === etag) return void r.res.writeHead(304, { ETag: etag }).end();
  const body = Buffer.from(yaml);
  r.res.writeHead(200, { 'Content-Type': 'application/x-yaml', 'Content-Length': body.length, ETag: etag, 'Cache-Control': 'no-cache' });
  r.res.end(r.method === 'HEAD' ? undefined : body);
}

async function sendFile(deps: HttpDeps, r: Req, repo: string, file: string): Promise<void> {
  const prov = file.endsWith('.prov');
  const base = file.replace(/\.tgz(\.prov)?$/, '');
  const index = deps.service.repo(repo);
  for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
    const entry = index.get(base.slice(0, i), base.slice(i + 1));
    if (!entry) continue;
    const blob = await deps.service.open(repo, entry, prov);
    if (!blob) break;
    const headers: Record<string, string | number> = { 'Content-Type': prov ? 'application/pgp-signature' : 'application/x-tar', ETag: `"${entry.digest}"` };
    if (blob.size !== undefined) headers['Content-Length'] = blob.size;
    else if (!prov) headers['Content-Length'] = entry.size;
    r.res.writeHead(200, headers);
    if (r.method === 'HEAD') return void (blob.stream.destroy(), r.res.end());
    blob.stream.pipe(r.res);
    return;
  }
  throw new ChartError(404, 'NotFound', `${file} not found in chart repository "${repo}"`);
}

async function upload(deps: HttpDeps, r: Req, repo: string): Promise<void> {
  const body = await readBody(r);
  const boundary = multipartBoundary(r.req.headers['content-type']);
  let chart = body;
  let prov: Buffer | undefined;
  if (boundary) {
    const fields = parseMultipart(body, boundary);
    if (!fields.has('chart')) throw new ChartError(400, 'BadRequest', 'multipart upload has no "chart" field (send -F chart=@<chart>.tgz [-F prov=@<chart>.tgz.prov])');
    chart = fields.get('chart')!;
    prov = fields.get('prov');
  }
  if (chart.length === 0) throw new ChartError(400, 'BadRequest', 'empty upload: send the chart archive as the body (--data-binary @chart.tgz) or as multipart field "chart"');
  const force = ['true', '1', ''].includes(r.query.get('force') ?? 'false');
  const { outcome, entry } = await deps.service.upload(repo, chart, prov, force);
  const { name, version } = entry.metadata;
  sendJson(r, outcome === 'unchanged' ? 200 : 201, { saved: outcome !== 'unchanged', outcome, name, version, digest: entry.digest });
}

async function uploadProv(deps: HttpDeps, r: Req, repo: string): Promise<void> {
  const body = await readBody(r);
  const boundary = multipartBoundary(r.req.headers['content-type']);
  const prov = boundary ? parseMultipart(body, boundary).get('prov') : body;
  if (!prov?.length) throw new ChartError(400, 'BadRequest', 'empty provenance upload: send the .prov file as the body or as multipart field "prov"');
  const { name, version } = await provenanceChart(prov);
  await deps.service.uploadProvenance(repo, prov, name, version);
  sendJson(r, 201, { saved: true });
}

async function readBody(r: Req): Promise<Buffer> {
  const declared = Number(r.req.headers['content-length'] ?? 0);
  if (declared > MAX_UPLOAD_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of r.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ChartError {
  return new ChartError(413, 'RequestEntityTooLarge', `upload is larger than ${MAX_UPLOAD_BYTES} bytes`);
}

function sendJson(r: Req, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  if (!r.res.headersSent) r.res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers });
  r.res.end(r.method === 'HEAD' ? undefined : body);
}
