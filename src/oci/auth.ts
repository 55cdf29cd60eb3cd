import { OciError } from './errors.ts';
import { readBody, type Transport } from './transport.ts';

/** One challenge of a `WWW-Authenticate` header. Scheme is lower-cased, parameter names too. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Username/password (Basic, or exchanged for a Bearer token) or a ready bearer token. */
export type Credentials = { username: string; password: string } | { token: string };

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses `WWW-Authenticate` (RFC 7235): several challenges, quoted values with commas and escapes.
 * @example
 * parseWwwAuthenticate('Bearer realm="https://a/token",service="reg",scope="repository:x:pull,push"')
 * // [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'reg', scope: 'repository:x:pull,push' } }]
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let pos = 0;
  const skip = (chars: RegExp) => {
    while (pos < header.length && chars.test(header[pos])) pos++;
  };
  const token = () => {
    const m = TOKEN_RE.exec(header.slice(pos));
    if (m) pos += m[0].length;
    return m?.[0];
  };
  for (let guard = 0; pos < header.length && guard < 1000; guard++) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (let n = 0; n < 100; n++) {
      skip(/[\s,]/);
      const save = pos;
      const key = token();
      skip(/[ \t]/);
      if (!key || header[pos] !== '=') {
        pos = save;
        break;
      }
      pos++;
      skip(/[ \t]/);
      challenge.params[key.toLowerCase()] = header[pos] === '"' ? quoted() : (token() ?? '');
    }
    if (pos < header.length && !TOKEN_RE.test(header[pos]) && !/[\s,]/.test(header[pos])) pos++;
  }
  return out;

  function quoted(): string {
    let value = '';
    for (pos++; pos < header.length && header[pos] !== '"'; pos++) {
      if (header[pos] === '\\' && pos + 1 < header.length) pos++;
      value += header[pos];
    }
    pos++;
    return value;
  }
}

/** Scope for a repository action set. @example repositoryScope('team/app', ['pull', 'push']) // 'repository:team/app:pull,push' */
export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

export interface AuthorizerOptions {
  /** Registry base URL, e.g. https://127.0.0.1:5000 */
  base: URL;
  plain: boolean;
  credentials?: Credentials;
  transport: Transport;
  now?: () => number;
}

/**
 * Authorization state of one registry client: anonymous until challenged, then Basic or Bearer tokens cached
 * per scope set. Tokens are requested proactively once the registry is known to use Bearer.
 */
export class Authorizer {
  private readonly opts: AuthorizerOptions;
  private basic = false;
  private bearer?: { realm: URL; service?: string };
  private readonly tokens = new Map<string, CachedToken>();
  private readonly now: () => number;

  constructor(opts: AuthorizerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** The Authorization header to send for `scopes` right now, fetching a token when Bearer is known. */
  async header(scopes: string[], signal?: AbortSignal): Promise<string | undefined> {
    const creds = this.opts.credentials;
    if (creds && 'token' in creds) return `Bearer ${creds.token}`;
    if (this.basic) return basicHeader(creds);
    if (!this.bearer) return undefined;
    const cached = this.tokens.get(scopes.join(' '));
    if (cached && cached.expiresAt > this.now()) return cached.header;
    return this.fetchToken(scopes, signal);
  }

  /**
   * Handles a 401: learns the scheme and prepares credentials. Returns false when a retry cannot help
   * (we already sent what we have), so the caller reports the 401.
   */
  async challenged(wwwAuthenticate: string | undefined, scopes: string[], sentAuth: boolean): Promise<boolean> {
    const challenges = parseWwwAuthenticate(wwwAuthenticate ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const creds = this.opts.credentials;
    if (bearer?.params.realm && !(creds && 'token' in creds)) {
      const wasBearer = !!this.bearer;
      this.bearer = { realm: this.realmUrl(bearer.params.realm), service: bearer.params.service };
      const key = scopes.join(' ');
      const hadToken = this.tokens.has(key);
      this.tokens.delete(key);
      if (wasBearer && hadToken && sentAuth && bearer.params.error !== 'invalid_token') return false;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic') && creds && 'username' in creds && !this.basic) {
      this.basic = true;
      return true;
    }
    return false;
  }

  /** Realm as given, except: the registry's own host is reached at the registry's address and scheme. */
  private realmUrl(realm: string): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new OciError('PROTOCOL', `registry ${this.opts.base.host} sent an invalid token realm "${realm}"`, { registry: this.opts.base.host });
    }
    const base = this.opts.base;
    const sameHost = normalHost(url.hostname) === normalHost(base.hostname);
    const samePort = url.port === base.port || (!url.port && !base.port);
    if (sameHost && samePort) {
      url.protocol = base.protocol;
      url.host = base.host;
    }
    const creds = this.opts.credentials;
    if (url.protocol === 'http:' && creds && normalHost(url.hostname) !== normalHost(base.hostname)) {
      throw new OciError('UNAUTHORIZED', `registry ${base.host} asks for credentials to be sent over plain http to another host (${url.host}); refusing. Use https for the token service or reach the registry by the realm's host name`, { registry: base.host });
    }
    return url;
  }

  private async fetchToken(scopes: string[], signal?: AbortSignal): Promise<string> {
    const { realm, service } = this.bearer!;
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const basic = basicHeader(this.opts.credentials);
    if (basic) headers.Authorization = basic;
    const registry = this.opts.base.host;
    const res = await this.opts.transport.sendFollowing({ method: 'GET', url, headers, signal });
    const body = await readBody(res.body, 1 << 20);
    if (res.status === 401 || res.status === 403) throw credentialsRejected(registry, this.opts.credentials, `token service ${url.host} answered ${res.status}`);
    if (res.status !== 200) {
      throw new OciError(res.status >= 500 ? 'SERVER' : 'PROTOCOL', `token service ${url.host} of registry ${registry} answered ${res.status}`, { registry, status: res.status, retryable: res.status >= 500 });
    }
    const json = JSON.parse(body.toString('utf8') || '{}') as { token?: string; access_token?: string; expires_in?: number };
    const token = json.token ?? json.access_token;
    if (!token) throw new OciError('PROTOCOL', `token service ${url.host} of registry ${registry} returned no token`, { registry });
    const ttl = Math.max(1, json.expires_in ?? 60) * 1000;
    const header = `Bearer ${token}`;
    this.tokens.set(scopes.join(' '), { header, expiresAt: this.now() + Math.max(ttl / 2, ttl - 10_000) });
    return header;
  }
}

function basicHeader(creds: Credentials | undefined): string | undefined {
  if (!creds || !('username' in creds)) return undefined;
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

function normalHost(host: string): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h) ? 'loopback' : h;
}

/** The error for a 401 after credentials were sent (or none were given). */
export function credentialsRejected(registry: string, creds: Credentials | undefined, detail: string): OciError {
  const what = !creds
    ? `registry ${registry} requires authentication (${detail}); pass a username and password (--username/--password) or a token`
    : `registry ${registry} rejected the credentials${'username' in creds ? ` of user "${creds.username}"` : ' (token)'} (${detail}); check the username and password (--username/--password)`;
  return new OciError('UNAUTHORIZED', what, { registry, status: 401 });
}
