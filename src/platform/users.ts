import { randomBytes, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
}

export const ADMIN_ROLE = 'platform-admin-system';

/** File-backed users and bearer tokens in the data dir (users.json, mode 0600). */
export class UserStore {
  private readonly file: string;
  private data: UsersFile;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'users.json');
    this.data = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as UsersFile) : { users: [], tokens: [] };
  }

  hasUser(username: string): boolean {
    return this.data.users.some((u) => u.username === username);
  }

  upsertUser(username: string, password: string, roleProperty: 'System' | 'Custom', roles: string[]): void {
    const user: PlatformUser = { username, roleProperty, roles, passwordHash: hashPassword(password) };
    this.data.users = [...this.data.users.filter((u) => u.username !== username), user];
    this.save();
  }

  checkPassword(username: string, password: string): PlatformUser | undefined {
    const user = this.data.users.find((u) => u.username === username);
    return user && verifyPassword(password, user.passwordHash) ? user : undefined;
  }

  /** Issues a new bearer token; `ttlSeconds` undefined = no expiry (kubeconfig tokens). */
  issueToken(username: string, ttlSeconds?: number): { token: string; expiresAt?: string } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = ttlSeconds ? new Date(Date.now() + ttlSeconds * 1000).toISOString() : undefined;
    this.data.tokens.push({ sha256: sha256(token), username, expiresAt });
    this.save();
    return { token, expiresAt };
  }

  /** Resolves a bearer token to the API server's user shape. */
  authenticate(token: string): UserInfo | undefined {
    const digest = sha256(token);
    const record = this.data.tokens.find((t) => t.sha256 === digest);
    if (!record || (record.expiresAt && Date.parse(record.expiresAt) < Date.now())) return undefined;
    const user = this.data.users.find((u) => u.username === record.username);
    if (!user) return undefined;
    const isAdmin = user.roleProperty === 'System' && user.roles.includes(ADMIN_ROLE);
    return { name: user.username, groups: user.roles, readOnly: !isAdmin };
  }

  private save(): void {
    writeJsonAtomic(this.file, this.data);
  }
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
