/** Test helpers: chart archives (good and hostile), provenance files, a plain-HTTP chart server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createCleartextMessage, generateKey, readPrivateKey, sign } from 'openpgp';
import { tarBuffer } from '../packages/index.ts';
import type { RegistryAuth } from '../registry/index.ts';
import type { ChartRepository } from './index.ts';

/** A chart archive `<name>/Chart.yaml` + a template; `extra` adds or overrides files (path → content). */
export function chartTgz(name: string, version: string, opts: { chartYaml?: string; extra?: Record<string, string>; top?: string } = {}): Buffer {
  const top = opts.top ?? name;
  const chartYaml = opts.chartYaml ?? `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\ndescription: test chart ${name}\n`;
  const files: Record<string, string> = {
    [`${top}/Chart.yaml`]: chartYaml,
    [`${top}/values.yaml`]: 'message: hello\n',
    [`${top}/templates/cm.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  m: {{ .Values.message }}\n',
    ...opts.extra,
  };
  return gzipSync(tarBuffer(Object.entries(files).map(([path, data]) => ({ path, data: Buffer.from(data) }))));
}

/** A tar.gz whose entry at `index` is turned into a symbolic link (type '2') to `target`. */
export function withSymlink(name: string, target: string): Buffer {
  const tar = tarBuffer([{ path: `${name}/Chart.yaml`, data: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`) }, { path: `${name}/templates/link.yaml`, data: Buffer.alloc(0) }]);
  const header = tar.subarray(1024, 1536);
  header.write('2', 156, 'latin1');
  header.write(target, 157, 'latin1');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return gzipSync(tar);
}

/** A clear-signed provenance file for a chart (fresh key), naming `digest` as the archive's sha256. */
export async function provenance(name: string, version: string, digest: string): Promise<Buffer> {
  const { privateKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Test', email: 'test@example.com' }], format: 'armored' });
  const text = `apiVersion: v2\nname: ${name}\nversion: ${version}\n\n...\nfiles:\n  ${name}-${version}.tgz: sha256:${digest}\n`;
  const signed = await sign({ message: await createCleartextMessage({ text }), signingKeys: await readPrivateKey({ armoredKey: privateKey }) });
  return Buffer.from(signed as string);
}

/** Users: `admin:pw` may push, `viewer:pw` may read; tokens `admin-token`/`viewer-token`. */
export function testAuth(): RegistryAuth {
  const users: Record<string, { name: string; canPush: boolean }> = { admin: { name: 'admin', canPush: true }, viewer: { name: 'viewer', canPush: false } };
  return {
    checkPassword: (u, p) => (p === 'pw' ? users[u] : undefined),
    checkToken: (t) => users[t.replace(/-token$/, '')],
    issueToken: (i) => `${i.name}-token`,
  };
}

/** Serves a chart repository over plain HTTP on loopback. */
export async function serve(charts: ChartRepository): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void charts.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('not charts');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** fetch with Basic credentials for `user` (or none). */
export function req(base: string, path: string, init: RequestInit & { user?: 'admin' | 'viewer' | null } = {}): Promise<Response> {
  const user = init.user === undefined ? 'admin' : init.user;
  const headers = new Headers(init.headers);
  if (user) headers.set('Authorization', `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`);
  return fetch(`${base}${path}`, { ...init, headers });
}
