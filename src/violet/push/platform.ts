import { request } from 'node:https';
import { http } from '../../kube/node-http.ts';
const httpRequest = http.request;
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createKubeClient } from '../../kube/index.ts';
import type { KubeClient } from '../../kube/index.ts';

export interface PlatformUser {
  username: string;
  roleProperty: string;
  roles: string[];
  platformAdmin: boolean;
}

export interface PlatformSession {
  address: string;
  token: string;
  user: PlatformUser;
  ca?: Buffer;
  /** `host:port` of the platform registry (it shares the platform's HTTPS port). */
  registryHost: string;
  kube(cluster: string): KubeClient;
}

export interface PlatformConnectOptions {
  address: string;
  username?: string;
  password?: string;
  token?: string;
  caFile?: string;
}

/** The product document: IP addresses must be IPv4; IPv6 literals are not supported. */
export function rejectIPv6(flag: string, value: string): void {
  const host = value.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':').length > 2 ? host : '';
  if (bare && isIP(bare) === 6) throw new Error(`${flag} "${value}" is an IPv6 address, which violet does not support: use an IPv4 address or a domain name`);
}

/** Logs in (password or token) and checks the account may use violet. */
export async function connectPlatform(opts: PlatformConnectOptions): Promise<PlatformSession> {
  rejectIPv6('--platform-address', opts.address);
  const address = opts.address.replace(/\/$/, '');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`--platform-address "${opts.address}" is not a URL; give it like https://platform.example.com`);
  }
  const ca = opts.caFile ? readFileSync(opts.caFile) : undefined;
  let login: { token: string; user: PlatformUser };
  if (opts.token) {
    if (opts.username || opts.password) throw new Error('--platform-token cannot be combined with --platform-username/--platform-password');
    const who = await call<{ user: PlatformUser }>(url, 'GET', '/platform/v1/whoami', undefined, ca, opts.token);
    login = { token: opts.token, user: who.user };
  } else {
    if (!opts.username || !opts.password) throw new Error('give --platform-username and --platform-password (or --platform-token) to log in to the platform');
    login = await call(url, 'POST', '/platform/v1/token', { username: opts.username, password: opts.password }, ca);
  }
  if (!login.user.platformAdmin) {
    throw new Error(
      `user "${login.user.username}" cannot use violet: the account needs role property System and the role platform-admin-system ` +
        `(it has role property ${login.user.roleProperty}, roles: ${login.user.roles.join(', ') || 'none'}). Ask a platform administrator to grant it, or use an administrator account`,
    );
  }
  return {
    address,
    token: login.token,
    user: login.user,
    ca,
    registryHost: url.host,
    kube: (cluster) => createKubeClient({ server: cluster === 'global' ? address : `${address}/kubernetes/${encodeURIComponent(cluster)}`, token: login.token, ca, userAgent: 'violet' }),
  };
}

function call<T>(base: URL, method: string, path: string, body: unknown, ca: Buffer | undefined, token?: string): Promise<T> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const send = base.protocol === 'http:' ? httpRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(new URL(path, base), { method, ca, headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: { error?: string } | undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`platform login failed at ${base.origin}: ${json?.error ?? `HTTP ${res.statusCode}`}`));
        else resolve(json as T);
      });
    });
    req.on('error', (err) => {
      const hint = /self-signed|unable to verify|certificate/i.test(err.message) ? ' — trust the platform CA with --ca-file (e.g. ~/.marketplace/ca.crt) or NODE_EXTRA_CA_CERTS' : '';
      reject(new Error(`cannot reach the platform at ${base.origin}: ${err.message}${hint}`));
    });
    req.end(payload);
  });
}
