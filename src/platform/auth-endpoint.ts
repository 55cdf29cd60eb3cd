import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserStore } from './users.ts';
import type { Registry } from '../registry/index.ts';
import { isPlatformAdmin } from './users.ts';

/** Lifetime of login tokens (violet's platform session). */
export const LOGIN_TOKEN_TTL_SECONDS = 12 * 3600;
const MAX_BODY = 64 * 1024;

/**
 * `POST /platform/v1/token` with JSON `{"username","password"}` → `{"token","expiresAt","user"}`.
 * The token is a bearer token for the Kubernetes API and the registry; `user` carries the role
 * property and roles so clients like violet can say exactly why an account may not use them.
 */
export async function handleTokenRequest(users: UserStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed: POST {"username","password"} as JSON' });
  let body: { username?: unknown; password?: unknown };
  try {
    body = JSON.parse((await readLimited(req)).toString('utf8'));
  } catch {
    return send(res, 400, { error: 'the body must be JSON: {"username": "...", "password": "..."}' });
  }
  if (typeof body.username !== 'string' || typeof body.password !== 'string') return send(res, 400, { error: 'username and password are required' });
  const user = users.checkPassword(body.username, body.password);
  if (!user) return send(res, 401, { error: `invalid username or password for user "${body.username}"` });
  const { token, expiresAt } = users.signToken(user.username, LOGIN_TOKEN_TTL_SECONDS);
  send(res, 200, { token, expiresAt, user: { username: user.username, roleProperty: user.roleProperty, roles: user.roles, platformAdmin: isPlatformAdmin(user) } });
}

/** `GET /platform/v1/whoami` with a bearer token → the same `user` object (for --platform-token). */
export function handleWhoAmI(users: UserStore, req: IncomingMessage, res: ServerResponse): void {
  const auth = String(req.headers.authorization ?? '');
  const user = auth.toLowerCase().startsWith('bearer ') ? users.userForToken(auth.slice(7).trim()) : undefined;
  if (!user) return send(res, 401, { error: 'a valid bearer token is required' });
  send(res, 200, { user: { username: user.username, roleProperty: user.roleProperty, roles: user.roles, platformAdmin: isPlatformAdmin(user) } });
}

/**
 * `POST /platform/v1/registry/gc[?dryRun=true]` (platform admins): removes registry blobs no manifest
 * references, older than the registry's grace period, plus stale upload sessions. Safe while pushes run.
 */
export async function handleRegistryGc(users: UserStore, registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
  const denied = adminDenial(users, req);
  if (denied) return send(res, denied.code, { error: denied.error });
  const dryRun = new URL(req.url ?? '/', 'https://x').searchParams.get('dryRun') === 'true';
  send(res, 200, { dryRun, ...(await registry.collectGarbage({ dryRun })) });
}

/**
 * Why the request may not use an admin-only platform endpoint (401 without a valid bearer token, 403 for a
 * user who is not a platform administrator), or undefined when it may.
 */
export function adminDenial(users: UserStore, req: IncomingMessage): { code: 401 | 403; error: string } | undefined {
  const auth = String(req.headers.authorization ?? '');
  const user = auth.toLowerCase().startsWith('bearer ') ? users.userForToken(auth.slice(7).trim()) : undefined;
  if (!user) return { code: 401, error: 'a valid bearer token is required' };
  if (!isPlatformAdmin(user)) return { code: 403, error: `user "${user.username}" is not a platform administrator (role property System with role platform-admin-system)` };
  return undefined;
}

async function readLimited(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
