import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { PortalError } from './errors.ts';

/**
 * Portal accounts (tenant account, username, scrypt password hash) in a YAML file, and access tokens:
 * stateless, HMAC-signed, expiring (24 hours by default, as the product document says).
 */

export interface Account {
  account: string;
  username: string;
  /** `scrypt$<salt b64>$<hash b64>`. */
  passwordHash: string;
}

export interface TokenClaims {
  account: string;
  username: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const TOKEN_PREFIX = 'act.';

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function passwordMatches(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export function readAccounts(file: string): Account[] {
  if (!existsSync(file)) return [];
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as { accounts?: Account[] };
  return (doc.accounts ?? []).map((a) => ({ account: String(a.account), username: String(a.username), passwordHash: String(a.passwordHash) }));
}

/** Adds or replaces an account in the file (written 0600, atomically). */
export function addAccount(file: string, account: string, username: string, password: string): void {
  if (!account || !username || !password) throw new Error('an account needs --account, --username and --password');
  const accounts = readAccounts(file).filter((a) => !(a.account === account && a.username === username));
  accounts.push({ account, username, passwordHash: hashPassword(password) });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify({ accounts }), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The secret that signs tokens, kept beside the accounts file so tokens survive a portal restart. */
function loadSigningKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  try {
    writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch {
    // A read-only store: tokens then last until the portal restarts.
  }
  return key;
}

export interface AccountStore {
  login(account: string, username: string, password: string): { token: string; claims: TokenClaims };
  /** Claims of a valid token; throws Unauthorized / TokenExpired with what to do. */
  verify(token: string | undefined): TokenClaims;
}

export function createAccountStore(opts: { file: string; tokenTtlMs?: number; now?: () => number }): AccountStore {
  const now = opts.now ?? Date.now;
  const ttl = opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
  const key = loadSigningKey(`${opts.file}.token-key`);
  let cache: { mtimeMs: number; accounts: Account[] } | undefined;
  const accounts = () => {
    const mtimeMs = existsSync(opts.file) ? statSync(opts.file).mtimeMs : -1;
    if (cache?.mtimeMs !== mtimeMs) cache = { mtimeMs, accounts: readAccounts(opts.file) };
    return cache.accounts;
  };
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    login(account, username, password) {
      const a = accounts().find((x) => x.account === account && x.username === username);
      if (!a || !passwordMatches(password, a.passwordHash)) throw new PortalError('Unauthorized', `login failed for user "${username}" of account "${account}": wrong account, username or password`);
      const claims: TokenClaims = { account, username, exp: now() + ttl };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { token: `${TOKEN_PREFIX}${payload}.${sign(payload)}`, claims };
    },
    verify(token) {
      if (!token) throw new PortalError('Unauthorized', 'no access token: log in with violet ac login');
      const [payload, sig] = token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length).split('.') : [];
      const good = payload && sig && sig.length === sign(payload).length && timingSafeEqual(Buffer.from(sig), Buffer.from(sign(payload)));
      if (!good) throw new PortalError('Unauthorized', 'the access token is not valid for this portal: log in again with violet ac login');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as TokenClaims;
      if (claims.exp <= now()) throw new PortalError('TokenExpired', `the access token expired at ${new Date(claims.exp).toISOString()}: log in again with violet ac login`);
      if (!accounts().some((a) => a.account === claims.account && a.username === claims.username)) throw new PortalError('Unauthorized', `user "${claims.username}" of account "${claims.account}" no longer exists on the portal`);
      return claims;
    },
  };
}
