/**
 * Test harness for registry tests: a test RegistryAuth (admin/pw may push, viewer/pw may pull), an HTTPS
 * server on 127.0.0.1 with a CA from ensureTls, a raw-path request helper and a skopeo runner. Not
 * imported by production code.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTls } from '../platform/tls.ts';
import type { Registry, RegistryAuth, RegistryIdentity, RegistryOptions } from './index.ts';
import { createRegistry } from './index.ts';

const run = promisify(execFile);

/** admin/pw can push, viewer/pw can pull; tokens are HMAC-signed `name.canPush.expiry`. */
export function testAuth(): RegistryAuth {
  const key = randomBytes(32);
  const users: Record<string, RegistryIdentity> = { admin: { name: 'admin', canPush: true }, viewer: { name: 'viewer', canPush: false } };
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    checkPassword: (username, password) => (password === 'pw' ? users[username] : undefined),
    checkToken(token) {
      const [payload, sig] = token.split('~');
      if (!payload || sig !== sign(payload)) return undefined;
      const { name, canPush, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as RegistryIdentity & { exp: number };
      return exp > Date.now() ? { name, canPush } : undefined;
    },
    issueToken(identity, ttlSeconds) {
      const payload = Buffer.from(JSON.stringify({ ...identity, exp: Date.now() + ttlSeconds * 1000 })).toString('base64url');
      return `${payload}~${sign(payload)}`;
    },
  };
}

/** A running test registry. */
export interface TestRegistry {
  registry: Registry;
  port: number;
  host: string;
  /** Storage root. */
  root: string;
  /** Scratch directory for the test (removed by stop). */
  dir: string;
  /** Directory holding only ca.crt, for skopeo --src-cert-dir/--dest-cert-dir. */
  certDir: string;
  ca: string;
  stop(): Promise<void>;
}

/** Starts a registry over HTTPS on 127.0.0.1 in a fresh temp dir. */
export async function startTestRegistry(options: Partial<RegistryOptions> = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-test-'));
  await mkdir(join(dir, 'tls'));
  const tls = await ensureTls(join(dir, 'tls'));
  const certDir = join(dir, 'certs');
  await mkdir(certDir);
  await copyFile(tls.caFile, join(certDir, 'ca.crt'));
  const root = join(dir, 'registry');
  const registry = createRegistry({ root, auth: testAuth(), ...options });
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    void registry.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    registry,
    port,
    host: `127.0.0.1:${port}`,
    root,
    dir,
    certDir,
    ca: tls.ca,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A response, body fully read. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Parsed JSON body when it parses. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Request options: `user` "admin" (default) / "viewer" / null (none); `headers` override. */
export interface Call {
  method?: string;
  body?: Buffer | string;
  user?: 'admin' | 'viewer' | null;
  headers?: Record<string, string>;
}

/** Sends a request with the path exactly as given (no normalisation of `..` or `%2e`). */
export function call(t: { port: number; ca: string }, path: string, opts: Call = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...basic(opts.user === undefined ? 'admin' : opts.user), ...opts.headers };
  if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: t.port, path, method: opts.method ?? 'GET', headers, ca: t.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** `Authorization: Basic` for a test user ({} for null). */
export function basic(user: 'admin' | 'viewer' | null): Record<string, string> {
  return user ? { Authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}` } : {};
}

/** sha256 digest string of bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Uploads a blob monolithically (POST ?digest=) as admin; returns its digest. */
export async function pushBlob(t: TestRegistry, name: string, bytes: Buffer | string): Promise<string> {
  const digest = sha256(bytes);
  const reply = await call(t, `/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
  if (reply.status !== 201) throw new Error(`push blob: ${reply.status} ${reply.body.toString()}`);
  return digest;
}

/** Pushes an OCI manifest (config + layers given as bytes) and returns its digest and bytes. */
export async function pushImage(t: TestRegistry, name: string, tag: string, layers: string[], extra: Record<string, unknown> = {}): Promise<{ digest: string; bytes: Buffer }> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux' });
  const configDesc = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(t, name, config), size: Buffer.byteLength(config) };
  const layerDescs = [];
  for (const l of layers) layerDescs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await pushBlob(t, name, l), size: Buffer.byteLength(l) });
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configDesc, layers: layerDescs, ...extra }));
  const reply = await call(t, `/v2/${name}/manifests/${tag}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  if (reply.status !== 201) throw new Error(`push manifest: ${reply.status} ${reply.body.toString()}`);
  return { digest: sha256(bytes), bytes };
}

/** Runs skopeo with an isolated HOME (no shared blob-info cache or auth files); rejects on failure. */
export async function skopeo(home: string, args: string[]): Promise<string> {
  await mkdir(home, { recursive: true });
  const { stdout } = await run('skopeo', args, { env: { ...process.env, HOME: home, XDG_RUNTIME_DIR: home }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Reads an OCI layout's index.json. */
export async function readIndex(layout: string): Promise<{ manifests: { digest: string; annotations?: Record<string, string> }[] }> {
  return JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
}
