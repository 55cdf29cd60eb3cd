/**
 * Authentication and authorisation for registry requests, and the token endpoint (distribution
 * `spec/auth/token.md`). Requests carry `Authorization: Basic` or `Bearer`; without one (and without
 * anonymous pull) the answer is 401 with a Bearer challenge whose realm is built from the request's Host.
 */
import { RegistryError } from './errors.ts';
import type { Ctx } from './http.ts';
import { header, readBody, requestHost, requestScheme, sendJson } from './http.ts';
import type { RegistryAuth, RegistryIdentity } from './types.ts';

/** What a request needs: pull or push, on a repository (or the registry itself when `name` is absent). */
export interface Access {
  action: 'pull' | 'push';
  name?: string;
  /** Challenge scope override (e.g. `registry:catalog:*`). */
  scope?: string;
}

/** Settings the auth layer needs. */
export interface AuthConfig {
  auth: RegistryAuth;
  anonymousPull: boolean;
  service: string;
  tokenTtlSeconds: number;
}

/** The identity of anonymous pulls (when enabled); it can never push. */
export const ANONYMOUS: RegistryIdentity = Object.freeze({ name: 'anonymous', canPush: false });
/** The bearer token handed to anonymous clients; accepted only while anonymous pull is on. */
const ANONYMOUS_TOKEN = 'anonymous';

/** Authenticates the request and checks `access`; throws 401 (with challenge) or 403. */
export async function authorize(ctx: Ctx, config: AuthConfig, access: Access): Promise<RegistryIdentity> {
  const identity = await authenticate(ctx, config);
  if (identity === undefined) {
    const credentials = header(ctx, 'authorization') !== undefined;
    throw unauthorized(ctx, config, access, credentials ? 'invalid credentials' : 'authentication required');
  }
  if (access.action === 'push' && !identity.canPush) {
    const what = access.name ? `push to repository "${access.name}"` : 'write to the registry';
    throw new RegistryError('DENIED', `user "${identity.name}" may not ${what}: push needs a platform administrator account`);
  }
  return identity;
}

/** The identity behind the request's credentials; ANONYMOUS when there are none and anonymous pull is on. */
async function authenticate(ctx: Ctx, config: AuthConfig): Promise<RegistryIdentity | undefined> {
  const value = header(ctx, 'authorization');
  if (value === undefined) return config.anonymousPull ? ANONYMOUS : undefined;
  const basic = parseBasic(value);
  if (basic) return config.auth.checkPassword(basic.username, basic.password);
  const m = /^Bearer\s+(\S+)$/i.exec(value.trim());
  if (!m) return undefined;
  if (m[1] === ANONYMOUS_TOKEN) return config.anonymousPull ? ANONYMOUS : undefined;
  return config.auth.checkToken(m[1]);
}

function parseBasic(value: string): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value.trim());
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** 401 UNAUTHORIZED with `WWW-Authenticate: Bearer realm=…,service=…[,scope=…]`. */
function unauthorized(ctx: Ctx, config: AuthConfig, access: Access, why: string): RegistryError {
  const realm = `${requestScheme(ctx)}://${requestHost(ctx)}/v2/token`;
  const scope = access.scope ?? (access.name ? `repository:${access.name}:${access.action === 'push' ? 'pull,push' : 'pull'}` : undefined);
  let challenge = `Bearer realm="${realm}",service="${config.service}"`;
  if (scope) challenge += `,scope="${scope}"`;
  if (why === 'invalid credentials') challenge += ',error="invalid_token"';
  const detail = scope ? [{ Type: scope.split(':')[0], Name: access.name ?? 'catalog', Action: access.action }] : undefined;
  return new RegistryError('UNAUTHORIZED', `${why}: log in with a platform account (Basic) or a bearer token from ${realm}`, { headers: { 'WWW-Authenticate': challenge }, detail });
}

/**
 * The token endpoint: `GET /v2/token?service=&scope=` with Basic credentials (or none, for anonymous
 * pull), and `POST` with an OAuth2 password grant form. The token carries the identity; what it may do is
 * decided per request (a token server grants the intersection of asked and allowed, never an error).
 */
export async function handleToken(ctx: Ctx, config: AuthConfig): Promise<void> {
  const identity = ctx.method === 'POST' ? await passwordGrant(ctx, config) : await tokenIdentity(ctx, config);
  if (!identity) {
    throw new RegistryError('UNAUTHORIZED', 'invalid username or password for the registry token endpoint', { headers: { 'WWW-Authenticate': `Basic realm="${config.service}"` } });
  }
  const ttl = config.tokenTtlSeconds;
  const token = identity === ANONYMOUS ? ANONYMOUS_TOKEN : await config.auth.issueToken(identity, ttl);
  sendJson(ctx, 200, { token, access_token: token, expires_in: ttl, issued_at: new Date().toISOString() }, { 'Cache-Control': 'no-store' });
}

async function tokenIdentity(ctx: Ctx, config: AuthConfig): Promise<RegistryIdentity | undefined> {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new RegistryError('UNSUPPORTED', `${ctx.method} is not supported on /v2/token; use GET or POST`);
  return authenticate(ctx, config);
}

async function passwordGrant(ctx: Ctx, config: AuthConfig): Promise<RegistryIdentity | undefined> {
  const body = await readBody(ctx, 64 * 1024, () => new RegistryError('SIZE_INVALID', 'token request body over 64 KiB', { status: 413 }));
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('grant_type') !== 'password') {
    throw new RegistryError('UNSUPPORTED', `grant_type "${(form.get('grant_type') ?? '').slice(0, 40)}" is not supported; use grant_type=password`, { status: 400 });
  }
  return config.auth.checkPassword(form.get('username') ?? '', form.get('password') ?? '');
}
