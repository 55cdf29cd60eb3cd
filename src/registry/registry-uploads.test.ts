/** Upload sessions (chunked, interrupted, resumed, refused) and garbage collection. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, stat, utimes } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestRegistry } from './testing.ts';
import { basic, call, pushBlob, pushImage, sha256, startTestRegistry } from './testing.ts';

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry();
});
after(() => t?.stop());

async function startUpload(name: string): Promise<string> {
  const reply = await call(t, `/v2/${name}/blobs/uploads/`, { method: 'POST' });
  assert.equal(reply.status, 202);
  assert.equal(reply.headers.range, '0-0');
  assert.ok(reply.headers['docker-upload-uuid']);
  return String(reply.headers.location);
}

function patch(location: string, chunk: Buffer, start?: number) {
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
  if (start !== undefined) headers['Content-Range'] = `${start}-${start + chunk.length - 1}`;
  return call(t, location, { method: 'PATCH', body: chunk, headers });
}

/** Bounded poll of a file's size (the upload's bytes on disk) until it reaches `min`. */
async function waitForSize(path: string, min: number): Promise<number> {
  for (let i = 0; i < 2000; i++) {
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (size >= min) return size;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${path} never reached ${min} bytes`);
}

test('chunked upload: an interrupted PATCH keeps what arrived, status reports it, the upload resumes', async () => {
  const blob = randomBytes(3 * 1024 * 1024);
  const location = await startUpload('acp/chunks');
  assert.equal((await patch(location, blob.subarray(0, 1000), 0)).status, 202);

  // A PATCH announcing 2 MiB that dies after 1.5 MiB.
  const uuid = location.split('/').pop()!;
  const req = https.request({ host: '127.0.0.1', port: t.port, path: location, method: 'PATCH', ca: t.ca, agent: false, headers: { ...basic('admin'), 'Content-Length': String(2 * 1024 * 1024) } });
  req.on('error', () => undefined);
  req.write(blob.subarray(1000, 1000 + 1536 * 1024));
  await waitForSize(join(t.root, 'uploads', uuid, 'data'), 1000 + 64 * 1024);
  req.destroy();

  const status = await call(t, location);
  assert.equal(status.status, 204);
  const offset = Number(/^0-(\d+)$/.exec(String(status.headers.range))![1]) + 1;
  assert.ok(offset > 1000 && offset <= 1000 + 1536 * 1024, `offset ${offset}`);

  const gap = await patch(location, blob.subarray(offset + 10), offset + 10);
  assert.equal(gap.status, 416);
  assert.equal(gap.json.errors[0].code, 'RANGE_NOT_SATISFIABLE');
  assert.equal(gap.headers.range, `0-${offset - 1}`);

  assert.equal((await patch(location, blob.subarray(offset, offset + 5000), offset)).status, 202);
  const done = await call(t, `${location}?digest=${sha256(blob)}`, { method: 'PUT', body: blob.subarray(offset + 5000), headers: { 'Content-Range': `${offset + 5000}-${blob.length - 1}` } });
  assert.equal(done.status, 201);
  assert.equal(done.headers['docker-content-digest'], sha256(blob));
  const got = await call(t, `/v2/acp/chunks/blobs/${sha256(blob)}`);
  assert.ok(got.body.equals(blob));
  assert.equal((await call(t, location)).status, 404, 'the session is gone once closed');
});

test('streamed PATCH without Content-Range appends; sha512 digests verify too', async () => {
  const blob = randomBytes(100_000);
  const location = await startUpload('acp/stream');
  assert.equal((await patch(location, blob.subarray(0, 40_000))).headers.range, '0-39999');
  assert.equal((await patch(location, blob.subarray(40_000))).headers.range, '0-99999');
  const { createHash } = await import('node:crypto');
  const d512 = `sha512:${createHash('sha512').update(blob).digest('hex')}`;
  const done = await call(t, `${location}?digest=${d512}`, { method: 'PUT' });
  assert.equal(done.status, 201);
  assert.ok((await call(t, `/v2/acp/stream/blobs/${d512}`)).body.equals(blob));
});

test('a wrong digest on PUT is DIGEST_INVALID and the blob is never served', async () => {
  const location = await startUpload('acp/wrong');
  await patch(location, Buffer.from('actual bytes'), 0);
  const claimed = sha256('claimed bytes');
  const reply = await call(t, `${location}?digest=${claimed}`, { method: 'PUT' });
  assert.equal(reply.status, 400);
  assert.equal(reply.json.errors[0].code, 'DIGEST_INVALID');
  assert.equal((await call(t, `/v2/acp/wrong/blobs/${claimed}`, { method: 'HEAD' })).status, 404);
  assert.equal((await call(t, `/v2/acp/wrong/blobs/${sha256('actual bytes')}`, { method: 'HEAD' })).status, 404);
  const mono = await call(t, `/v2/acp/wrong/blobs/uploads/?digest=${claimed}`, { method: 'POST', body: 'actual bytes' });
  assert.equal(mono.json.errors[0].code, 'DIGEST_INVALID');
  assert.deepEqual(await readdir(join(t.root, 'blobs', 'sha256', claimed.slice(7, 9))).catch(() => []), []);
});

test('cancel an upload with DELETE; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
  const location = await startUpload('acp/cancel');
  assert.equal((await call(t, location, { method: 'DELETE' })).status, 204);
  const reply = await patch(location, Buffer.from('x'));
  assert.equal(reply.status, 404);
  assert.equal(reply.json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
  const other = await startUpload('acp/cancel');
  assert.equal((await call(t, other.replace('acp/cancel', 'acp/other'))).json.errors[0].code, 'BLOB_UPLOAD_UNKNOWN', 'sessions belong to their repository');
});

test('GC removes orphaned blobs past the grace period, keeps referenced ones, recent blobs and recent uploads', async () => {
  const image = await pushImage(t, 'acp/gc', 'v1', ['kept layer']);
  const orphan = await pushBlob(t, 'acp/gc', 'orphan layer');
  const young = await pushBlob(t, 'acp/gc', 'young orphan');
  const deleted = await pushImage(t, 'acp/gc2', 'v1', ['layer of a deleted image']);
  await call(t, `/v2/acp/gc2/manifests/${deleted.digest}`, { method: 'DELETE' });
  const old = new Date(Date.now() - 2 * 3600_000);
  const blobPath = (d: string) => join(t.root, 'blobs', 'sha256', d.slice(7, 9), d.slice(7));
  for (const d of [orphan, sha256('kept layer'), deleted.digest, sha256('layer of a deleted image')]) await utimes(blobPath(d), old, old);
  const staleUpload = (await startUpload('acp/gc')).split('/').pop()!;
  await utimes(join(t.root, 'uploads', staleUpload, 'data'), old, old);
  const freshUpload = await startUpload('acp/gc');

  const dry = await t.registry.collectGarbage({ dryRun: true, uploadMaxAgeMs: 3600_000 });
  assert.deepEqual(dry, { blobsRemoved: 3, bytesFreed: 'orphan layer'.length + deleted.bytes.length + 'layer of a deleted image'.length, uploadsRemoved: 1 });
  assert.equal((await call(t, `/v2/acp/gc/blobs/${orphan}`, { method: 'HEAD' })).status, 200, 'dry run removes nothing');

  const result = await t.registry.collectGarbage({ uploadMaxAgeMs: 3600_000 });
  assert.deepEqual(result, dry);
  assert.equal((await call(t, `/v2/acp/gc/blobs/${orphan}`, { method: 'HEAD' })).status, 404);
  assert.equal((await call(t, `/v2/acp/gc/blobs/${young}`, { method: 'HEAD' })).status, 200, 'inside the grace period');
  assert.equal((await call(t, '/v2/acp/gc/manifests/v1')).status, 200);
  assert.equal((await call(t, `/v2/acp/gc/blobs/${sha256('kept layer')}`)).body.toString(), 'kept layer');
  assert.equal((await call(t, `/v2/acp/gc/blobs/uploads/${staleUpload}`)).status, 404);
  assert.equal((await call(t, freshUpload)).status, 204);
  assert.deepEqual(await t.registry.collectGarbage({ uploadMaxAgeMs: 3600_000 }), { blobsRemoved: 0, bytesFreed: 0, uploadsRemoved: 0 });
  assert.ok(image.digest);
});

test('GC racing pushes never leaves an accepted manifest with missing blobs', async () => {
  // Grace 0 makes every not-yet-referenced blob collectable, so a push may legitimately fail with
  // MANIFEST_BLOB_UNKNOWN; what must never happen is a 201 for a manifest whose blobs then vanish.
  const pushes = Array.from({ length: 8 }, (_, i) => pushImage(t, `acp/busy${i % 2}`, `v${i}`, [`layer ${i}`, 'common']));
  const gcs = Array.from({ length: 4 }, () => t.registry.collectGarbage({ blobGraceMs: 0 }));
  const settled = await Promise.allSettled(pushes);
  await Promise.all(gcs);
  await t.registry.collectGarbage({ blobGraceMs: 0 });
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') {
      assert.match(String(outcome.reason), /MANIFEST_BLOB_UNKNOWN/);
      continue;
    }
    const manifest = await call(t, `/v2/acp/busy${i % 2}/manifests/v${i}`);
    assert.equal(manifest.headers['docker-content-digest'], outcome.value.digest);
    const doc = JSON.parse(manifest.body.toString());
    for (const l of [doc.config, ...doc.layers]) assert.equal((await call(t, `/v2/acp/busy${i % 2}/blobs/${l.digest}`, { method: 'HEAD' })).status, 200);
  }
});

test('anonymous pull when enabled: GET /v2/ and pulls work, anonymous tokens are pull-only', async () => {
  const anon = await startTestRegistry({ anonymousPull: true });
  try {
    await pushImage(anon, 'pub/app', 'v1', ['x']);
    assert.equal((await call(anon, '/v2/', { user: null })).status, 200);
    assert.equal((await call(anon, '/v2/pub/app/manifests/v1', { user: null })).status, 200);
    const token = await call(anon, '/v2/token?service=marketplace&scope=repository:pub/app:pull', { user: null });
    assert.equal(token.status, 200);
    const bearer = { Authorization: `Bearer ${token.json.token}` };
    assert.equal((await call(anon, '/v2/pub/app/manifests/v1', { user: null, headers: bearer })).status, 200);
    assert.equal((await call(anon, '/v2/pub/app/blobs/uploads/', { method: 'POST', user: null, headers: bearer })).status, 403);
    assert.equal((await call(anon, '/v2/pub/app/blobs/uploads/', { method: 'POST', user: null })).status, 403);
  } finally {
    await anon.stop();
  }
});
