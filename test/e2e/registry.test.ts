import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ok, run } from './harness.ts';
import { writeTestImageLayout } from '../../src/oci/fixtures.ts';
import { copyImage, createRegistryClient } from '../../src/oci/index.ts';

const p = new PlatformProcess();
const PW = 'Passw0rd!';
let host = '';
let certs = '';
const layout = mkdtempSync(join(tmpdir(), 'mp-reg-layout-'));

before(async () => {
  await p.start();
  host = new URL(p.url).host;
  certs = join(p.dataDir, 'certs');
  await writeTestImageLayout(layout, { tag: 'v1', layers: [1 << 20, 3 << 20], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const skopeo = (args: string[]) => run('skopeo', args, { env: { PATH: process.env.PATH, HOME: p.home }, timeoutMs: 120_000 });
const blobSet = (dir: string) => new Set(readdirSync(join(dir, 'blobs', 'sha256')));

test('skopeo pushes into the platform registry and copies back out with identical digests', async () => {
  ok(await skopeo(['copy', '--all', '--preserve-digests', '--dest-cert-dir', certs, '--dest-creds', `admin:${PW}`, `oci:${layout}:v1`, `docker://${host}/acp/demo:v1`]), 'push');
  const raw = ok(await skopeo(['inspect', '--raw', '--cert-dir', certs, '--creds', `admin:${PW}`, `docker://${host}/acp/demo:v1`]), 'inspect');
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0];
  const local = readFileSync(join(layout, 'blobs', 'sha256', index.digest.slice(7)), 'utf8');
  assert.equal(raw, local, 'the index is served byte for byte');
  const out = mkdtempSync(join(tmpdir(), 'mp-reg-out-'));
  ok(await skopeo(['copy', '--all', '--preserve-digests', '--src-cert-dir', certs, '--src-creds', `admin:${PW}`, `docker://${host}/acp/demo:v1`, `oci:${out}:v1`]), 'pull');
  assert.deepEqual(blobSet(out), blobSet(layout));
});

test('our client pushes into and pulls from the platform registry (token auth over the platform CA)', async () => {
  const client = createRegistryClient({ registry: host, ca: readFileSync(join(certs, 'ca.crt')), credentials: { username: 'admin', password: PW } });
  const first = await copyImage({ from: { layout, tag: 'v1' }, to: { client, repository: 'team/app', ref: 'v1' } });
  assert.equal(first.blobs.pushed + first.blobs.mounted, first.blobs.total);
  const again = await copyImage({ from: { layout, tag: 'v1' }, to: { client, repository: 'team/app', ref: 'v1' } });
  assert.equal(again.blobs.pushed, 0, 'a re-push uploads nothing');
  const out = mkdtempSync(join(tmpdir(), 'mp-reg-pull-'));
  await copyImage({ from: { client, repository: 'team/app', ref: 'v1' }, to: { layout: out, tag: 'v1' } });
  assert.deepEqual(blobSet(out), blobSet(layout));
});

function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    // Options instead of a URL string: a URL would resolve `..` segments before they reach the server.
    const u = new URL(p.url);
    const req = request({ host: u.hostname, port: u.port, path, method, ca: readFileSync(join(certs, 'ca.crt')), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (u: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${pw}`).toString('base64')}` });

test('bad input: bad credentials 401 with a challenge, no push rights 403, traversal and bad digests refused', async () => {
  const anon = await raw('GET', '/v2/');
  assert.equal(anon.status, 401);
  assert.match(String(anon.headers['www-authenticate']), /^Bearer realm="https:\/\/[^"]+\/v2\/token",service="marketplace"/);
  const wrong = await raw('GET', '/v2/acp/demo/tags/list', basic('admin', 'nope'));
  assert.equal(wrong.status, 401);
  ok(await p.marketplace(['user', 'create', 'viewer', '--password', 'vpw', '--role-property', 'Custom']), 'user');
  const denied = await raw('POST', '/v2/acp/demo/blobs/uploads/', basic('viewer', 'vpw'));
  assert.equal(denied.status, 403);
  assert.equal(JSON.parse(denied.text).errors[0].code, 'DENIED');
  assert.ok(![401, 403].includes((await raw('GET', '/v2/acp/demo/tags/list', basic('viewer', 'vpw'))).status), 'viewers may pull');
  const traversal = await raw('GET', '/v2/acp/../../etc/tags/list', basic('admin', PW));
  assert.equal(JSON.parse(traversal.text).errors[0].code, 'NAME_INVALID');
  const encoded = await raw('GET', '/v2/acp/%2e%2e/%2e%2e/etc/tags/list', basic('admin', PW));
  assert.equal(JSON.parse(encoded.text).errors[0].code, 'NAME_INVALID');
  const post = await raw('POST', `/v2/acp/demo/blobs/uploads/?digest=sha256:${'0'.repeat(64)}`, { ...basic('admin', PW), 'Content-Type': 'application/octet-stream' }, Buffer.from('hello'));
  assert.equal(JSON.parse(post.text).errors[0].code, 'DIGEST_INVALID');
  const unknown = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 2 }, layers: [] }));
  const manifest = await raw('PUT', '/v2/acp/demo/manifests/bad', { ...basic('admin', PW), 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, unknown);
  assert.equal(JSON.parse(manifest.text).errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
});

test('kill -9 the platform mid-upload: no partial blob is visible after restart and a re-push completes', async () => {
  const big = mkdtempSync(join(tmpdir(), 'mp-reg-big-'));
  const img = await writeTestImageLayout(big, { tag: 'big', layers: [48 << 20] });
  const layer = img.blobs[0];
  const start = await raw('POST', '/v2/acp/big/blobs/uploads/', basic('admin', PW));
  assert.equal(start.status, 202);
  const location = String(start.headers.location);
  // Send half of the layer, then crash the platform while the request is still open.
  const data = readFileSync(join(big, 'blobs', 'sha256', layer.slice(7)));
  const url = new URL(location, p.url);
  const req = request(url, { method: 'PATCH', ca: readFileSync(join(certs, 'ca.crt')), headers: { ...basic('admin', PW), 'Content-Type': 'application/octet-stream' } });
  req.on('error', () => undefined);
  req.write(data.subarray(0, data.length >> 1));
  await new Promise((r) => setTimeout(r, 300));
  await p.kill('SIGKILL');
  req.destroy();

  const again = new PlatformProcess(p.dataDir);
  await again.start();
  try {
    const ca = readFileSync(join(certs, 'ca.crt'));
    const againHost = new URL(again.url).host;
    const head = await new Promise<number>((resolve, reject) => {
      const r = request(`${again.url}/v2/acp/big/blobs/${layer}`, { method: 'HEAD', ca, headers: basic('admin', PW) }, (res) => resolve(res.statusCode ?? 0));
      r.on('error', reject);
      r.end();
    });
    assert.equal(head, 404, 'the half-uploaded blob is not visible');
    const client = createRegistryClient({ registry: againHost, ca, credentials: { username: 'admin', password: PW } });
    const summary = await copyImage({ from: { layout: big, tag: 'big' }, to: { client, repository: 'acp/big', ref: 'big' } });
    assert.equal(summary.blobs.total, 2);
    writeFileSync(join(big, 'done'), 'ok');
  } finally {
    await again.stop();
  }
});

test('marketplace registry gc runs against the live platform (dry run keeps everything)', async () => {
  const g = new PlatformProcess(p.dataDir);
  await g.start();
  try {
    assert.match(ok(await g.marketplace(['registry', 'gc', '--dry-run']), 'gc'), /^would remove \d+ blob\(s\), \d+ bytes, \d+ stale upload\(s\)$/m);
    assert.match(ok(await g.marketplace(['registry', 'gc']), 'gc'), /^removed \d+ blob\(s\)/m);
  } finally {
    await g.stop();
  }
});
