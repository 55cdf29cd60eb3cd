import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { create as createTar } from 'tar';
import type { OciError } from './index.ts';
import { copyImage, createRegistryClient, openLayoutArchive, type CopyProgress } from './index.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

async function fakeRegistry(handler: Handler) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return { host, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function image(layer: Buffer) {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }] }));
  return { config, manifest, layer };
}

/** Serves `img`; `blob(res, digest)` may override how blobs are sent. */
function serveImage(img: ReturnType<typeof image>, blob?: (res: ServerResponse, digest: string) => boolean): Handler {
  return (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') return res.end('{}');
    if (url.includes('/manifests/')) {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': sha(img.manifest) });
      return res.end(img.manifest);
    }
    const digest = url.split('/blobs/')[1];
    if (blob?.(res, digest)) return;
    const body = [img.config, img.layer].find((b) => sha(b) === digest);
    res.writeHead(body ? 200 : 404);
    res.end(body);
  };
}

async function noPartials(dir: string) {
  const files: string[] = await readdir(join(dir, 'blobs', 'sha256')).catch(() => []);
  assert.ok(!files.some((f) => f.includes('.partial')), `partial files left: ${files}`);
  return files;
}

test('digest mismatch on pull: error, and no partial or corrupt blob in the layout', async () => {
  const img = image(Buffer.alloc(200_000, 7));
  const srv = await fakeRegistry(serveImage(img, (res, d) => {
    if (d !== sha(img.layer)) return false;
    const bad = Buffer.from(img.layer);
    bad[1000] ^= 1;
    res.end(bad);
    return true;
  }));
  const client = createRegistryClient({ registry: srv.host, plain: true, retries: 0 });
  const out = await mkdtemp(join(tmpdir(), 'oci-bad-'));
  await assert.rejects(copyImage({ from: { client, repository: 'a/b', ref: 'v1' }, to: { layout: out } }), (e: OciError) => e.code === 'DIGEST_MISMATCH' && e.message.includes(sha(img.layer)));
  const files = await noPartials(out);
  assert.ok(!files.includes(sha(img.layer).slice(7)));
  client.close();
  await srv.close();
});

test('abort mid-transfer stops promptly and leaves no partial blob', async () => {
  const img = image(Buffer.alloc(4_000_000, 1));
  const srv = await fakeRegistry(serveImage(img, (res, d) => {
    if (d !== sha(img.layer)) return false;
    res.writeHead(200, { 'Content-Length': String(img.layer.length) });
    res.write(img.layer.subarray(0, 1_000_000)); // then stall forever
    return true;
  }));
  const client = createRegistryClient({ registry: srv.host, plain: true });
  const out = await mkdtemp(join(tmpdir(), 'oci-abort-'));
  const ac = new AbortController();
  const copy = copyImage({ from: { client, repository: 'a/b', ref: 'v1' }, to: { layout: out }, signal: ac.signal, onProgress: (p) => p.bytesDone > 500_000 && ac.abort() });
  await assert.rejects(copy, (e: OciError) => e.code === 'ABORTED');
  await noPartials(out);
  client.close();
  await srv.close();
});

test('503 twice (with Retry-After) then success is retried; progress is monotonic', async () => {
  const img = image(Buffer.alloc(50_000, 3));
  let failures = 0;
  const inner = serveImage(img);
  const srv = await fakeRegistry((req, res, body) => {
    if (req.url?.includes('/blobs/') && failures < 2) {
      failures++;
      res.writeHead(503, { 'Retry-After': '0' });
      return res.end('{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}');
    }
    inner(req, res, body);
  });
  const client = createRegistryClient({ registry: srv.host, plain: true, retries: 3, retryDelayMs: 1 });
  const progress: CopyProgress[] = [];
  const out = await mkdtemp(join(tmpdir(), 'oci-retry-'));
  const summary = await copyImage({ from: { client, repository: 'a/b', ref: 'v1' }, to: { layout: out }, onProgress: (p) => progress.push(p), concurrency: 1 });
  assert.equal(failures, 2);
  assert.equal(summary.blobs.pushed, 2);
  assert.ok(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone));
  client.close();
  await srv.close();
});

test('Bearer: token per scope, cached; push scope; relative Location with its query kept exactly', async () => {
  const tokenRequests: string[] = [];
  const seen: string[] = [];
  const srv = await fakeRegistry((req, res) => {
    const url = req.url ?? '';
    seen.push(`${req.method} ${url}`);
    if (url.startsWith('/token')) {
      tokenRequests.push(url);
      assert.equal(req.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
      return res.end(JSON.stringify({ token: 'T1', expires_in: 300 }));
    }
    if (req.headers.authorization !== 'Bearer T1') {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://localhost:${req.socket.localPort}/token",service="fake",scope="repository:a/b:pull,push"` });
      return res.end();
    }
    if (req.method === 'HEAD') return res.writeHead(404).end();
    if (req.method === 'POST') return res.writeHead(202, { Location: '/upload/s1?_state=a%3Db~c' }).end();
    if (req.method === 'PUT') return res.writeHead(201, { 'Docker-Content-Digest': decodeURIComponent(url.split('digest=')[1]) }).end();
    res.writeHead(500).end();
  });
  const client = createRegistryClient({ registry: srv.host, plain: true, credentials: { username: 'u', password: 'p' } });
  const data = Buffer.from('hello blob');
  const file = join(await mkdtemp(join(tmpdir(), 'oci-blob-')), 'b');
  await writeFile(file, data);
  assert.equal(await client.pushBlob('a/b', { mediaType: 'x', digest: sha(data), size: data.length }, file), 'pushed');
  assert.equal(await client.pushBlob('a/b', { mediaType: 'x', digest: sha(Buffer.from('2')), size: 1 }, () => Readable.from([Buffer.from('2')])), 'pushed');
  assert.equal(tokenRequests.length, 1, 'one token for the scope, reused');
  assert.match(tokenRequests[0], /service=fake&scope=repository%3Aa%2Fb%3Apull%2Cpush/);
  assert.ok(seen.includes(`PUT /upload/s1?_state=a%3Db~c&digest=${encodeURIComponent(sha(data))}`), seen.join('\n'));
  client.close();
  await srv.close();
});

test('layout archives with unsafe paths or links are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oci-evil-'));
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const { symlink } = await import('node:fs/promises');
  await symlink('/etc/passwd', join(dir, 'index.json'));
  const file = join(dir, 'evil.tar');
  await createTar({ file, cwd: dir }, ['oci-layout', 'index.json']);
  await assert.rejects(openLayoutArchive(file), (e: OciError) => e.code === 'INVALID_LAYOUT' && /SymbolicLink/.test(e.message));
  const dotdot = join(dir, 'dotdot.tar');
  await createTar({ file: dotdot, cwd: dir, preservePaths: true }, ['../' + dir.split('/').pop() + '/oci-layout']);
  await assert.rejects(openLayoutArchive(dotdot), (e: OciError) => e.code === 'INVALID_LAYOUT' && /unsafe entry path/.test(e.message));
});
