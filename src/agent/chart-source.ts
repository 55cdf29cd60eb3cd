/**
 * Fetching chart archives for AppReleases: Helm OCI artifacts (`<repoURL>/<name>:<targetRevision>`) or
 * charts of a Helm HTTP repository (`index.yaml` → the entry's url). Archives are cached by digest, so a
 * re-render of an unchanged chart costs one manifest request (OCI) or one index request (HTTP).
 */
import { createHash } from 'node:crypto';
import { http } from '../kube/node-http.ts';
const httpRequest = http.request;
import { request as httpsRequest } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { createRegistryClient, OciError } from '../oci/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { HELM_CHART_MEDIA_TYPE } from '../packages/index.ts';

/** A chart archive (gzip tar) and the digest it is cached under. */
export interface ChartArchive {
  digest: string;
  tgz: Buffer;
}

/** What to fetch: the AppRelease's `spec.source.repoURL` and one chart entry. */
export interface ChartLocation {
  repoURL: string;
  name: string;
  version: string;
}

export interface ChartFetcherOptions {
  /** The platform registry; OCI sources on its host use it (and its credentials). */
  registry: RegistryClient;
  /** PEM CA for other HTTPS registries and chart repositories (the platform CA). */
  ca?: string | Buffer;
  /** Archives kept in memory (default 64). */
  cacheSize?: number;
  /** A bearer token sent to HTTP chart repositories on `platformOrigin` (the platform's own chart repository). */
  platformToken?: string;
  /** `https://host:port` of the platform; other origins never see the token. */
  platformOrigin?: string;
}

/** Fetches chart archives; errors name the chart and where it was looked for. */
export interface ChartFetcher {
  fetch(loc: ChartLocation, signal?: AbortSignal): Promise<ChartArchive>;
  close(): void;
}

/** A chart that could not be fetched; the message is what the AppRelease status shows. */
export class ChartFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartFetchError';
  }
}

/**
 * @example
 * const charts = createChartFetcher({ registry, ca });
 * const { tgz } = await charts.fetch({ repoURL: 'platform:443', name: 'acp/chart-web-cli', version: 'v4.0.4' });
 */
export function createChartFetcher(opts: ChartFetcherOptions): ChartFetcher {
  const archives = new Map<string, Buffer>();
  const clients = new Map<string, RegistryClient>();
  const remember = (digest: string, tgz: Buffer) => {
    archives.delete(digest);
    archives.set(digest, tgz);
    if (archives.size > (opts.cacheSize ?? 64)) archives.delete(archives.keys().next().value!);
  };
  const clientFor = (host: string): RegistryClient => {
    if (host === opts.registry.registry) return opts.registry;
    if (!clients.has(host)) clients.set(host, createRegistryClient({ registry: host, ca: opts.ca, userAgent: 'marketplace-agent' }));
    return clients.get(host)!;
  };
  const cached = async (digest: string, load: () => Promise<Buffer>): Promise<ChartArchive> => {
    const hit = archives.get(digest);
    if (hit) return { digest, tgz: hit };
    const tgz = await load();
    remember(digest, tgz);
    return { digest, tgz };
  };
  return {
    async fetch(loc, signal) {
      const auth = (url: URL) => (opts.platformToken && url.origin === opts.platformOrigin ? `Bearer ${opts.platformToken}` : undefined);
      return isHttpRepository(loc.repoURL) ? fetchFromHttpRepo(loc, { ca: opts.ca, auth }, cached, signal) : fetchFromOci(loc, clientFor, cached, signal);
    },
    close() {
      for (const c of clients.values()) c.close();
    },
  };
}

type Cached = (digest: string, load: () => Promise<Buffer>) => Promise<ChartArchive>;

export function isHttpRepository(repoURL: string): boolean {
  return /^https?:\/\//i.test(repoURL);
}

/** `oci://host:port/prefix` or `host:port/prefix` → host and repository prefix. */
export function parseOciRepoURL(repoURL: string): { host: string; prefix: string } {
  const rest = repoURL.replace(/^oci:\/\//i, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? { host: rest, prefix: '' } : { host: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}

async function fetchFromOci(loc: ChartLocation, clientFor: (host: string) => RegistryClient, cached: Cached, signal?: AbortSignal): Promise<ChartArchive> {
  const { host, prefix } = parseOciRepoURL(loc.repoURL);
  const repository = prefix ? `${prefix}/${loc.name}` : loc.name;
  // Helm stores semver build metadata ("+") as "_" in OCI tags.
  const tag = loc.version.replace(/\+/g, '_');
  const where = `${host}/${repository}:${tag}`;
  const client = clientFor(host);
  try {
    const manifest = await client.getManifest(repository, tag, { signal });
    const layers = (JSON.parse(manifest.bytes.toString('utf8')) as { layers?: { mediaType: string; digest: string; size: number }[] }).layers ?? [];
    const layer = layers.find((l) => l.mediaType === HELM_CHART_MEDIA_TYPE);
    if (!layer) throw new ChartFetchError(`chart ${where} is not a Helm chart: no layer of media type ${HELM_CHART_MEDIA_TYPE}`);
    return await cached(layer.digest, async () => readAll(await client.getBlob(repository, layer.digest, { signal, size: layer.size })));
  } catch (err) {
    if (err instanceof ChartFetchError) throw err;
    if (err instanceof OciError && err.code === 'NOT_FOUND') throw new ChartFetchError(`chart ${where} not found in registry ${host}`);
    throw new ChartFetchError(`cannot fetch chart ${where}: ${(err as Error).message}`);
  }
}

interface IndexEntry {
  version: string;
  urls?: string[];
  digest?: string;
}

interface HttpOptions {
  ca?: string | Buffer;
  auth: (url: URL) => string | undefined;
}

async function fetchFromHttpRepo(loc: ChartLocation, http: HttpOptions, cached: Cached, signal?: AbortSignal): Promise<ChartArchive> {
  const base = loc.repoURL.replace(/\/+$/, '') + '/';
  const indexUrl = new URL('index.yaml', base);
  let index: { entries?: Record<string, IndexEntry[]> };
  try {
    index = (parseYaml((await httpGet(indexUrl, http, signal)).toString('utf8')) ?? {}) as typeof index;
  } catch (err) {
    throw new ChartFetchError(`cannot read chart repository index ${indexUrl.href}: ${(err as Error).message}`);
  }
  const entries = index.entries?.[loc.name];
  if (!entries?.length) throw new ChartFetchError(`chart "${loc.name}" not found in chart repository ${loc.repoURL}`);
  const bare = loc.version.replace(/^v/, '');
  const entry = entries.find((e) => e.version === loc.version) ?? entries.find((e) => e.version.replace(/^v/, '') === bare);
  if (!entry) throw new ChartFetchError(`chart "${loc.name}" version ${loc.version} not found in chart repository ${loc.repoURL} (available: ${entries.map((e) => e.version).join(', ')})`);
  if (!entry.urls?.length) throw new ChartFetchError(`chart "${loc.name}" version ${loc.version} in ${loc.repoURL} has no urls`);
  const url = new URL(entry.urls[0], base);
  const load = async () => {
    try {
      return await httpGet(url, http, signal);
    } catch (err) {
      throw new ChartFetchError(`cannot download chart "${loc.name}" ${loc.version} from ${url.href}: ${(err as Error).message}`);
    }
  };
  if (entry.digest) return cached(`sha256:${entry.digest.replace(/^sha256:/, '')}`, load);
  const tgz = await load();
  return { digest: `sha256:${createHash('sha256').update(tgz).digest('hex')}`, tgz };
}

/** GET with the platform CA (fetch cannot take a CA without undici's dispatcher). Follows one redirect hop at a time. */
function httpGet(url: URL, http: HttpOptions, signal?: AbortSignal, redirects = 5): Promise<Buffer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { 'User-Agent': 'marketplace-agent' };
  const auth = http.auth(url);
  if (auth) headers.Authorization = auth;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', ca: http.ca, signal, timeout: 30_000, headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        return void httpGet(new URL(res.headers.location, url), http, signal, redirects - 1).then(resolve, reject);
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => (status === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${status}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
