import { randomBytes, scryptSync, timingSafeEqual, createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './datadir.ts';
import type { UserInfo } from '../apiserver/index.ts';

/** A platform account. `roleProperty` System + role platform-admin-system is what violet requires. */
export interface PlatformUser {
  username: string;
  roleProperty: 'System' | 'Custom';
  roles: string[];
  passwordHash: string;
}

export interface TokenRecord {
  /** sha256 of the token; the token itself is never stored. */
  sha256: string;
  username: string;
  expiresAt?: string;
}

interface UsersFile {
  users: PlatformUser[];
  tokens: TokenRecord[];
  /** Key for short-lived signed tokens (registry tokens, logins); rotating it revokes them all. */
  signingKey?: string;
}

/** Prefix of signed (stateless, expiring) tokens, so they are never looked up in the token list. */
const SIGNED_PREFIX = 'mpt.';
const VERIFIED_TTL_MS = 60_000;

export const ADMIN_ROLE = 'platform-admin-system';

/** File-backed users and bearer tokens in the data dir (users.json, mode 0600). */
export class UserStore {
  private readonly file: string;
  private data: UsersFile = { users: [], tokens: [] };
  private loadedMtimeMs = -1;
  private readonly verified = new Map<string, number>();

  constructor(dataDir: string) {
    this.file = join(dataDir, 'users.json');
    this.refresh();
  }

  /** Re-reads users.json when another process (`marketplace user create`) changed it. */
  private refresh(): void {
    if (!existsSync(this.file)) return;
    const mtime = statSync(this.file).mtimeMs;
    if (mtime === this.loadedMtimeMs) return;
    this.data = JSON.parse(readFileSync(this.file, 'utf8')) as UsersFile;
    this.loadedMtimeMs = mtime;
  }

  hasUser(username: string): boolean {
    this.refresh();
    return this.data.users.some((u) => u.username === username);
  }

  upsertUser(username: string, password: string, roleProperty: 'System' | 'Custom', roles: string[]): void {
    const user: PlatformUser = { username, roleProperty, roles, passwordHash: hashPassword(password) };
    this.data.users = [...this.data.users.filter((u) => u.username !== username), user];
    this.save();
  }

  checkPassword(username: string, password: string): PlatformUser | undefined {
    this.refresh();
    const user = this.data.users.find((u) => u.username === username);
    if (!user) return undefined;
    // scrypt is deliberately slow; registry clients re-send the same Basic credentials per token, so a
    // successful check is remembered briefly (keyed by a digest of the secret and the stored hash).
    const memo = sha256(`${username}\0${password}\0${user.passwordHash}`);
    const until = this.verified.get(memo);
    if (until && until > Date.now()) return user;
    if (!verifyPassword(password, user.passwordHash)) return undefined;
    this.verified.set(memo, Date.now() + VERIFIED_TTL_MS);
    if (this.verified.size > 1000) this.verified.delete(this.verified.keys().next().value!);
    return user;
  }

  /** Issues a new bearer token; `ttlSeconds` undefined = no expiry (kubeconfig tokens). */
  issueToken(username: string, ttlSeconds?: number): { token: string; expiresAt?: string } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = ttlSeconds ? new Date(Date.now() + ttlSeconds * 1000).toISOString() : undefined;
    this.data.tokens.push({ sha256: sha256(token), username, expiresAt });
    this.save();
    return { token, expiresAt };
  }

  /**
   * A stateless token `mpt.<payload>.<hmac>` valid for `ttlSeconds` (registry bearer tokens, logins):
   * nothing is written per token, so issuing many costs nothing.
   */
  signToken(username: string, ttlSeconds: number): { token: string; expiresAt: string } {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
    const payload = Buffer.from(JSON.stringify({ u: username, e: Math.floor(Date.parse(expiresAt) / 1000) })).toString('base64url');
    return { token: `${SIGNED_PREFIX}${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The user a token belongs to (signed or stored), if it is valid and unexpired. */
  userForToken(token: string): PlatformUser | undefined {
    this.refresh();
    const username = token.startsWith(SIGNED_PREFIX) ? this.verifySigned(token) : this.storedTokenUser(token);
    return username ? this.data.users.find((u) => u.username === username) : undefined;
  }

  /** Resolves a bearer token to the API server's user shape. */
  authenticate(token: string): UserInfo | undefined {
    const user = this.userForToken(token);
    return user ? toUserInfo(user) : undefined;
  }

  private storedTokenUser(token: string): string | undefined {
    const digest = sha256(token);
    const record = this.data.tokens.find((t) => t.sha256 === digest);
    if (!record || (record.expiresAt && Date.parse(record.expiresAt) < Date.now())) return undefined;
    return record.username;
  }

  private verifySigned(token: string): string | undefined {
    const [payload, mac] = token.slice(SIGNED_PREFIX.length).split('.');
    if (!payload || !mac) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const { u, e } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { u: string; e: number };
      return e * 1000 > Date.now() ? u : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    if (!this.data.signingKey) {
      this.data.signingKey = randomBytes(32).toString('hex');
      this.save();
    }
    return createHmac('sha256', this.data.signingKey).update(payload).digest('base64url');
  }

  private save(): void {
    writeJsonAtomic(this.file, this.data);
    this.loadedMtimeMs = statSync(this.file).mtimeMs;
  }
}

/** Admins are role property System with role platform-admin-system; everyone else is read-only for now. */
export function isPlatformAdmin(user: PlatformUser): boolean {
  return user.roleProperty === 'System' && user.roles.includes(ADMIN_ROLE);
}

function toUserInfo(user: PlatformUser): UserInfo {
  return { name: user.username, groups: user.roles, readOnly: !isPlatformAdmin(user) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

function verifyPassword(password: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), 32);
  return timingSafeEqual(actual, Buffer.from(hashHex, 'hex'));
}
