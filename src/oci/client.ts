import type { Readable } from 'node:stream';
import { Authorizer, credentialsRejected, repositoryScope, type Credentials } from './auth.ts';
import { assertDigest, digestOf, isDigest, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, verifyingStream } from './digest.ts';
import { OciError, toOciError, type OciErrorCode } from './errors.ts';
import { assertManifestRef, assertRepository, registryEndpoint } from './reference.ts';
import { createTransport, parseRetryAfter, readBody, withRetries, type HttpResponse, type Transport } from './transport.ts';
import { pushBlob, type BlobSource, type PushBlobOptions, type PushResult } from './upload.ts';
import type { Descriptor } from './types.ts';

export interface RegistryClientOptions {
  /** Host with optional port: `127.0.0.1:5000`, `registry.example.com`. */
  registry: string;
  /** Use http:// (only when asked; default https). */
  plain?: boolean;
  /** PEM CA certificate(s) to trust in addition to the system store. */
  ca?: string | Buffer;
  insecureSkipTLSVerify?: boolean;
  credentials?: Credentials;
  userAgent?: string;
  /** Parallel blob transfers for copies (default 4). */
  concurrency?: number;
  /** Retries of a request on network errors, 5xx and 429 (default 3). */
  retries?: number;
  /** First retry delay (default 250 ms, doubled each time). */
  retryDelayMs?: number;
  /** Blobs above this size use a chunked PATCH upload (default 512 MiB). */
  monolithicMaxBytes?: number;
  /** PATCH chunk size (default 16 MiB). */
  chunkSize?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A manifest exactly as the registry stored it; `bytes` hash to `descriptor.digest`. */
export interface FetchedManifest {
  descriptor: Descriptor;
  mediaType: string;
  bytes: Buffer;
}

/** A distribution-spec client for one registry. Create with {@link createRegistryClient}. */
export interface RegistryClient {
  readonly registry: string;
  readonly baseUrl: URL;
  readonly concurrency: number;
  readonly retries: number;
  /** GET /v2/, authenticating if challenged; throws a clear error if unreachable or credentials fail. */
  ping(opts?: RequestOptions): Promise<void>;
  headBlob(repository: string, digest: string, opts?: RequestOptions): Promise<Descriptor | undefined>;
  /** Streams a blob; the stream errors at its end with DIGEST_MISMATCH/SIZE_MISMATCH if the content is wrong. */
  /**
   * The blob's bytes, verified against `digest` (the stream fails with DIGEST_MISMATCH before it ends) unless
   * `unverified` is set: then the consumer must check them itself (an OCI layout does, without a stream hop).
   */
  getBlob(repository: string, digest: string, opts?: RequestOptions & { size?: number; unverified?: boolean }): Promise<Readable>;
  pushBlob(repository: string, desc: Descriptor, source: BlobSource, opts?: PushBlobOptions): Promise<PushResult>;
  headManifest(repository: string, ref: string, opts?: RequestOptions): Promise<Descriptor | undefined>;
  getManifest(repository: string, ref: string, opts?: RequestOptions & { accept?: string[] }): Promise<FetchedManifest>;
  /** PUTs the exact bytes with Content-Type = mediaType; returns the descriptor of what was stored. */
  putManifest(repository: string, ref: string, bytes: Buffer, mediaType: string, opts?: RequestOptions): Promise<Descriptor>;
  listTags(repository: string, opts?: RequestOptions & { pageSize?: number }): Promise<string[]>;
  deleteManifest(repository: string, digest: string, opts?: RequestOptions): Promise<void>;
  /** Referrers API, falling back to the `sha256-<hex>` tag schema when the registry has no API. */
  referrers(repository: string, digest: string, opts?: RequestOptions & { artifactType?: string }): Promise<Descriptor[]>;
  close(): void;
}

/** One HTTP exchange as the client core performs it (used by upload.ts). */
export interface Call {
  method: string;
  url: URL;
  scopes: string[];
  expect: number[];
  what: string;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  follow?: boolean;
  retries?: number;
  signal?: AbortSignal;
  /** See HttpRequest.rawBody. */
  rawBody?: boolean;
}

/** What upload.ts needs from a client. */
export interface ClientCore {
  readonly registry: string;
  readonly baseUrl: URL;
  readonly options: RegistryClientOptions;
  call(c: Call): Promise<HttpResponse>;
  url(path: string): URL;
}

/**
 * @example
 * const client = createRegistryClient({ registry: '127.0.0.1:5000', ca: pem, credentials: { username: 'u', password: 'p' } });
 * await client.ping();
 * const { bytes } = await client.getManifest('team/app', 'v1');
 */
export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const transport = createTransport({ ca: opts.ca, insecureSkipTLSVerify: opts.insecureSkipTLSVerify, maxSockets: (opts.concurrency ?? 4) + 4, userAgent: opts.userAgent });
  const baseUrl = new URL(`${opts.plain ? 'http' : 'https'}://${registryEndpoint(opts.registry)}`);
  const auth = new Authorizer({ base: baseUrl, plain: !!opts.plain, credentials: opts.credentials, transport });
  const core: ClientCore = {
    registry: opts.registry,
    baseUrl,
    options: opts,
    url: (path) => new URL(path, baseUrl),
    call: (c) => call(core, transport, auth, c),
  };
  return buildClient(core, transport);
}

async function call(core: ClientCore, transport: Transport, auth: Authorizer, c: Call): Promise<HttpResponse> {
  const retries = c.retries ?? core.options.retries ?? 3;
  return withRetries(async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const sameHost = c.url.host === core.baseUrl.host;
      const authorization = sameHost ? await auth.header(c.scopes, c.signal) : undefined;
      const headers = { ...c.headers, ...(authorization ? { Authorization: authorization } : {}) };
      const req = { method: c.method, url: c.url, headers, body: c.body, signal: c.signal, rawBody: c.rawBody };
      const res = c.follow ? await transport.sendFollowing(req) : await transport.send(req);
      if (res.status === 401 && sameHost) {
        res.body.resume();
        if (await auth.challenged(res.headers['www-authenticate'], c.scopes, !!authorization)) continue;
        throw credentialsRejected(core.registry, core.options.credentials, `${c.what} answered 401`);
      }
      if (c.expect.includes(res.status)) return res;
      throw await responseError(core.registry, res, c.what);
    }
    throw credentialsRejected(core.registry, core.options.credentials, `${c.what} kept answering 401`);
  }, { retries, baseDelayMs: core.options.retryDelayMs ?? 250, signal: c.signal }).catch((err) => {
    throw toOciError(err, core.registry, c.signal);
  });
}

const STATUS_CODES: Record<number, OciErrorCode> = { 401: 'UNAUTHORIZED', 403: 'DENIED', 404: 'NOT_FOUND', 413: 'TOO_LARGE', 429: 'TOO_MANY_REQUESTS' };

/** Builds the OciError for an unexpected response, reading the distribution-spec error body if any. */
export async function responseError(registry: string, res: HttpResponse, what: string): Promise<OciError> {
  const body = await readBody(res.body, 64 * 1024).catch(() => Buffer.alloc(0));
  let registryCode: string | undefined;
  let detail = '';
  try {
    const first = (JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
    registryCode = first?.code;
    detail = first ? `: ${first.code ?? ''} ${first.message ?? ''}`.trimEnd() : '';
  } catch {
    detail = body.length && body.length < 200 ? `: ${body.toString('utf8').trim()}` : '';
  }
  const s = res.status;
  const code: OciErrorCode = STATUS_CODES[s] ?? (s >= 500 ? 'SERVER' : 'PROTOCOL');
  const retryable = s === 408 || s === 429 || s === 500 || s === 502 || s === 503 || s === 504;
  const hint = s === 403 ? ' (the account lacks permission for this repository)' : '';
  return new OciError(code, `${what} on registry ${registry} failed with ${s}${detail}${hint}`, { registry, status: s, registryCode, retryable, retryAfterMs: parseRetryAfter(res.headers['retry-after'] as string | undefined) });
}

/** Blobs from this size on are downloaded on a connection of their own (transport rawBody). */
const RAW_BODY_MIN_BYTES = 1024 * 1024;

function buildClient(core: ClientCore, transport: Transport): RegistryClient {
  const pull = (repo: string) => [repositoryScope(repo, ['pull'])];
  const repoPath = (repo: string, rest: string) => {
    assertRepository(repo);
    return core.url(`/v2/${repo}/${rest}`);
  };
  const headOrUndefined = async (c: Call): Promise<HttpResponse | undefined> => {
    const res = await core.call({ ...c, expect: [200, 404] });
    res.body.resume();
    return res.status === 200 ? res : undefined;
  };
  return {
    registry: core.registry,
    baseUrl: core.baseUrl,
    concurrency: core.options.concurrency ?? 4,
    retries: core.options.retries ?? 3,
    async ping(o = {}) {
      const res = await core.call({ method: 'GET', url: core.url('/v2/'), scopes: [], expect: [200], what: 'GET /v2/', signal: o.signal });
      res.body.resume();
    },
    async headBlob(repo, digest, o = {}) {
      assertDigest(digest);
      const res = await headOrUndefined({ method: 'HEAD', url: repoPath(repo, `blobs/${digest}`), scopes: pull(repo), expect: [], what: `HEAD blob ${digest}`, follow: true, signal: o.signal });
      return res && { mediaType: 'application/octet-stream', digest, size: Number(res.headers['content-length'] ?? -1) };
    },
    async getBlob(repo, digest, o = {}) {
      assertDigest(digest);
      const rawBody = (o.size ?? 0) >= RAW_BODY_MIN_BYTES;
      const res = await core.call({ method: 'GET', url: repoPath(repo, `blobs/${digest}`), scopes: pull(repo), expect: [200], what: `GET blob ${digest} of ${repo}`, follow: true, signal: o.signal, rawBody });
      if (o.unverified) return res.body;
      const verify = verifyingStream(digest, o.size);
      res.body.once('error', (err) => verify.destroy(toOciError(err, core.registry, o.signal)));
      return res.body.pipe(verify);
    },
    pushBlob: (repo, desc, source, o = {}) => pushBlob(core, repo, desc, source, o),
    async headManifest(repo, ref, o = {}) {
      assertManifestRef(ref);
      const res = await headOrUndefined({ method: 'HEAD', url: repoPath(repo, `manifests/${ref}`), scopes: pull(repo), expect: [], what: `HEAD manifest ${repo}:${ref}`, headers: { Accept: MANIFEST_ACCEPT.join(', ') }, signal: o.signal });
      if (!res) return undefined;
      const digest = String(res.headers['docker-content-digest'] ?? (isDigest(ref) ? ref : ''));
      return { mediaType: String(res.headers['content-type'] ?? ''), digest, size: Number(res.headers['content-length'] ?? -1) };
    },
    async getManifest(repo, ref, o = {}) {
      assertManifestRef(ref);
      const accept = (o.accept ?? MANIFEST_ACCEPT).join(', ');
      const res = await core.call({ method: 'GET', url: repoPath(repo, `manifests/${ref}`), scopes: pull(repo), expect: [200], what: `GET manifest ${repo}:${ref}`, headers: { Accept: accept }, signal: o.signal });
      const bytes = await readBody(res.body, MAX_MANIFEST_BYTES);
      return checkManifest(core.registry, repo, ref, bytes, res);
    },
    async putManifest(repo, ref, bytes, mediaType, o = {}) {
      assertManifestRef(ref);
      const digest = digestOf(bytes);
      if (isDigest(ref) && ref !== digest) throw new OciError('DIGEST_MISMATCH', `manifest bytes hash to ${digest}, not ${ref}`);
      const res = await core.call({ method: 'PUT', url: repoPath(repo, `manifests/${ref}`), scopes: [repositoryScope(repo, ['pull', 'push'])], expect: [200, 201, 202], what: `PUT manifest ${repo}:${ref}`, headers: { 'Content-Type': mediaType }, body: bytes, signal: o.signal });
      res.body.resume();
      const stored = res.headers['docker-content-digest'];
      if (stored && stored !== digest) throw new OciError('DIGEST_MISMATCH', `registry ${core.registry} stored manifest ${repo}:${ref} as ${stored}, expected ${digest}`, { registry: core.registry });
      return { mediaType, digest, size: bytes.length };
    },
    listTags: (repo, o = {}) => listTags(core, repo, o),
    async deleteManifest(repo, digest, o = {}) {
      assertDigest(digest);
      const res = await core.call({ method: 'DELETE', url: repoPath(repo, `manifests/${digest}`), scopes: [repositoryScope(repo, ['delete'])], expect: [202, 200], what: `DELETE manifest ${repo}@${digest}`, signal: o.signal });
      res.body.resume();
    },
    referrers: (repo, digest, o = {}) => referrers(core, repo, digest, o),
    close: () => transport.close(),
  };
}

function checkManifest(registry: string, repo: string, ref: string, bytes: Buffer, res: HttpResponse): FetchedManifest {
  const algorithm = isDigest(ref) && ref.startsWith('sha512:') ? 'sha512' : 'sha256';
  const digest = digestOf(bytes, algorithm);
  if (isDigest(ref) && digest !== ref) throw new OciError('DIGEST_MISMATCH', `manifest ${repo}@${ref} from ${registry} hashes to ${digest}`, { registry });
  const header = res.headers['docker-content-digest'];
  if (!isDigest(ref) && typeof header === 'string' && header.startsWith('sha256:') && header !== digest) {
    throw new OciError('DIGEST_MISMATCH', `manifest ${repo}:${ref} from ${registry} hashes to ${digest} but the registry says ${header}`, { registry });
  }
  let mediaType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
  try {
    mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? mediaType;
  } catch {
    throw new OciError('PROTOCOL', `manifest ${repo}:${ref} from ${registry} is not JSON`, { registry });
  }
  return { descriptor: { mediaType, digest, size: bytes.length }, mediaType, bytes };
}

async function listTags(core: ClientCore, repo: string, o: RequestOptions & { pageSize?: number }): Promise<string[]> {
  assertRepository(repo);
  const tags: string[] = [];
  let url: URL | undefined = core.url(`/v2/${repo}/tags/list${o.pageSize ? `?n=${o.pageSize}` : ''}`);
  for (let page = 0; url && page < 10_000; page++) {
    const res: HttpResponse = await core.call({ method: 'GET', url, scopes: [repositoryScope(repo, ['pull'])], expect: [200], what: `list tags of ${repo}`, signal: o.signal });
    const body = JSON.parse((await readBody(res.body, 16 << 20)).toString('utf8')) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(String(res.headers.link ?? ''))?.[1];
    url = next ? new URL(next, url) : undefined;
  }
  return tags;
}

async function referrers(core: ClientCore, repo: string, digest: string, o: RequestOptions & { artifactType?: string }): Promise<Descriptor[]> {
  assertRepository(repo);
  assertDigest(digest);
  const scopes = [repositoryScope(repo, ['pull'])];
  const url = core.url(`/v2/${repo}/referrers/${digest}${o.artifactType ? `?artifactType=${encodeURIComponent(o.artifactType)}` : ''}`);
  const res = await core.call({ method: 'GET', url, scopes, expect: [200, 404], what: `referrers of ${repo}@${digest}`, headers: { Accept: 'application/vnd.oci.image.index.v1+json' }, signal: o.signal });
  let body: Buffer;
  if (res.status === 200) body = await readBody(res.body, MAX_MANIFEST_BYTES);
  else {
    res.body.resume();
    const tag = digest.replace(':', '-');
    const fallback = await core.call({ method: 'GET', url: core.url(`/v2/${repo}/manifests/${tag}`), scopes, expect: [200, 404], what: `referrers tag ${repo}:${tag}`, headers: { Accept: 'application/vnd.oci.image.index.v1+json' }, signal: o.signal });
    if (fallback.status === 404) {
      fallback.body.resume();
      return [];
    }
    body = await readBody(fallback.body, MAX_MANIFEST_BYTES);
  }
  const manifests = (JSON.parse(body.toString('utf8')) as { manifests?: Descriptor[] }).manifests ?? [];
  return o.artifactType ? manifests.filter((m) => m.artifactType === o.artifactType) : manifests;
}
