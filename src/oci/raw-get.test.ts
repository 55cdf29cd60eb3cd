import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OciError } from './index.ts';
import { chunksOf, copyImage, createRegistryClient } from './index.ts';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const layer = randomBytes(3 * 1024 * 1024 + 17);
const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }] }));

interface Seen {
  url: string;
  connection?: string;
  authorization?: string;
}

/** A registry serving one image; `sendLayer` decides how the big layer goes out. */
async function registry(sendLayer: (req: IncomingMessage, res: ServerResponse) => void, opts: { basic?: string } = {}) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    seen.push({ url, connection: req.headers.connection, authorization: req.headers.authorization });
    if (opts.basic && req.headers.authorization !== `Basic ${opts.basic}`) return res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
    if (url === '/v2/') return res.end('{}');
    if (url.includes('/manifests/')) return res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': sha(manifest) }).end(manifest);
    if (url.endsWith(sha(config))) return res.end(config);
    if (url.endsWith(sha(layer))) return sendLayer(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return { host, seen, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

async function pull(host: string, opts: { basic?: [string, string] } = {}) {
  const client = createRegistryClient({ registry: host, plain: true, retries: 0, credentials: opts.basic && { username: opts.basic[0], password: opts.basic[1] } });
  const out = await mkdtemp(join(tmpdir(), 'oci-raw-'));
  try {
    await copyImage({ from: { client, repository: 'a/b', ref: 'v1' }, to: { layout: out } });
    return await readFile(join(out, 'blobs', 'sha256', sha(layer).slice(7)));
  } finally {
    client.close();
    const left = await readdir(join(out, 'blobs', 'sha256')).catch(() => []);
    assert.ok(!left.some((f) => f.includes('.partial')), `partial files left: ${left}`);
  }
}

const layerGets = (seen: Seen[]) => seen.filter((s) => s.url.endsWith(sha(layer)));

test('a big blob comes over a connection of its own (Connection: close), byte for byte', async () => {
  const srv = await registry((_req, res) => {
    res.writeHead(200, { 'Content-Length': layer.length });
    res.write(layer.subarray(0, 1000));
    setTimeout(() => res.end(layer.subarray(1000)), 20);
  });
  try {
    assert.deepEqual(await pull(srv.host), layer);
    assert.deepEqual(layerGets(srv.seen).map((s) => s.connection), ['close']);
  } finally {
    await srv.close();
  }
});

test('chunked or compressed responses are fetched again through the regular client', async () => {
  const srv = await registry((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // no Content-Length: chunked
    res.end(layer);
    void req;
  });
  try {
    assert.deepEqual(await pull(srv.host), layer);
    assert.deepEqual(layerGets(srv.seen).map((s) => s.connection), ['close', 'keep-alive']);
  } finally {
    await srv.close();
  }
});

test('401 on the raw GET: the client authenticates and the retry is raw again; redirects are followed without credentials', async () => {
  const cdn = await registry((_req, res) => res.writeHead(200, { 'Content-Length': layer.length }).end(layer));
  const basic = Buffer.from('u:p').toString('base64');
  const srv = await registry((_req, res) => res.writeHead(307, { Location: `http://${cdn.host}/cdn/${sha(layer)}` }).end(), { basic });
  try {
    assert.deepEqual(await pull(srv.host, { basic: ['u', 'p'] }), layer);
    const gets = layerGets(cdn.seen);
    assert.equal(gets.length, 1);
    assert.equal(gets[0].connection, 'close');
    assert.equal(gets[0].authorization, undefined, 'no Authorization to another host');
  } finally {
    await Promise.all([srv.close(), cdn.close()]);
  }
});

test('a body cut short or with wrong bytes fails the pull and leaves nothing behind', async () => {
  const cut = await registry((_req, res) => {
    res.writeHead(200, { 'Content-Length': layer.length });
    res.write(layer.subarray(0, 2_000_000), () => res.destroy());
  });
  const bad = await registry((_req, res) => {
    const copy = Buffer.from(layer);
    copy[2_500_000] ^= 1;
    res.writeHead(200, { 'Content-Length': copy.length }).end(copy);
  });
  try {
    await assert.rejects(pull(cut.host), (e: OciError) => /SIZE_MISMATCH|NETWORK/.test(e.code));
    await assert.rejects(pull(bad.host), (e: OciError) => e.code === 'DIGEST_MISMATCH');
  } finally {
    await Promise.all([cut.close(), bad.close()]);
  }
});

test('a host that answered chunked is asked the regular way from then on', async () => {
  const srv = await registry((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(layer);
  });
  const client = createRegistryClient({ registry: srv.host, plain: true, retries: 0 });
  try {
    for (let i = 0; i < 2; i++) {
      const parts: Buffer[] = [];
      for await (const c of await client.getBlob('a/b', sha(layer), { size: layer.length })) parts.push(c as Buffer);
      assert.deepEqual(Buffer.concat(parts), layer);
    }
    assert.deepEqual(layerGets(srv.seen).map((s) => s.connection), ['close', 'keep-alive', 'keep-alive']);
  } finally {
    client.close();
    await srv.close();
  }
});

test('a connection reset before the consumer reads the body is an error for the consumer, not a crash', async () => {
  const srv = await registry((_req, res) => {
    res.writeHead(200, { 'Content-Length': layer.length });
    res.write(layer.subarray(0, 100_000), () => res.socket?.resetAndDestroy());
  });
  const client = createRegistryClient({ registry: srv.host, plain: true, retries: 0 });
  try {
    const body = await client.getBlob('a/b', sha(layer), { size: layer.length, unverified: true });
    await new Promise((r) => setTimeout(r, 200)); // the reset arrives while nobody listens
    await assert.rejects((async () => { for await (const _ of chunksOf(body)) void _; })());
  } finally {
    client.close();
    await srv.close();
  }
});
