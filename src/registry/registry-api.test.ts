/** Protocol tests against an in-process HTTPS registry: auth, manifests, tags, catalog, referrers, ranges, mounts. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestRegistry } from './testing.ts';
import { call, pushBlob, pushImage, sha256, startTestRegistry } from './testing.ts';

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry();
});
after(() => t?.stop());

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

test('GET /v2/ answers 200 with credentials and a Bearer challenge without', async () => {
  const ok = await call(t, '/v2/');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['docker-distribution-api-version'], 'registry/2.0');
  const anon = await call(t, '/v2/', { user: null });
  assert.equal(anon.status, 401);
  assert.equal(anon.json.errors[0].code, 'UNAUTHORIZED');
  assert.equal(anon.headers['www-authenticate'], `Bearer realm="https://${t.host}/v2/token",service="marketplace"`);
});

test('bad credentials get 401 with the challenge naming the scope', async () => {
  const bad = await call(t, '/v2/acp/demo/tags/list', { user: null, headers: { Authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
  assert.equal(bad.status, 401);
  assert.match(String(bad.headers['www-authenticate']), /^Bearer realm="https:\/\/127\.0\.0\.1:\d+\/v2\/token",service="marketplace",scope="repository:acp\/demo:pull"/);
  const badToken = await call(t, '/v2/', { user: null, headers: { Authorization: 'Bearer forged' } });
  assert.equal(badToken.status, 401);
  const push = await call(t, '/v2/acp/demo/blobs/uploads/', { method: 'POST', user: null });
  assert.match(String(push.headers['www-authenticate']), /scope="repository:acp\/demo:pull,push"/);
});

test('token endpoint: Basic → token usable as Bearer; password grant POST; bad password 401', async () => {
  const reply = await call(t, '/v2/token?service=marketplace&scope=repository:acp/tok:pull,push');
  assert.equal(reply.status, 200);
  assert.ok(reply.json.token && reply.json.access_token === reply.json.token);
  assert.equal(typeof reply.json.expires_in, 'number');
  assert.ok(!Number.isNaN(Date.parse(reply.json.issued_at)));
  const bearer = { Authorization: `Bearer ${reply.json.token}` };
  const started = await call(t, '/v2/acp/tok/blobs/uploads/', { method: 'POST', user: null, headers: bearer });
  assert.equal(started.status, 202);

  const form = 'grant_type=password&username=viewer&password=pw&service=marketplace&scope=repository:acp/tok:pull';
  const posted = await call(t, '/v2/token', { method: 'POST', user: null, body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(posted.status, 200);
  const viewerPush = await call(t, '/v2/acp/tok/blobs/uploads/', { method: 'POST', user: null, headers: { Authorization: `Bearer ${posted.json.access_token}` } });
  assert.equal(viewerPush.status, 403);

  const denied = await call(t, '/v2/token?service=marketplace', { user: null, headers: { Authorization: `Basic ${Buffer.from('viewer:x').toString('base64')}` } });
  assert.equal(denied.status, 401);
  const anonymous = await call(t, '/v2/token?service=marketplace', { user: null });
  assert.equal(anonymous.status, 401, 'no anonymous tokens unless anonymousPull');
});

test('viewer may pull but gets 403 DENIED on push and delete', async () => {
  await pushImage(t, 'acp/ro', 'v1', ['layer']);
  assert.equal((await call(t, '/v2/acp/ro/manifests/v1', { user: 'viewer' })).status, 200);
  const post = await call(t, '/v2/acp/ro/blobs/uploads/', { method: 'POST', user: 'viewer' });
  assert.equal(post.status, 403);
  assert.equal(post.json.errors[0].code, 'DENIED');
  assert.equal((await call(t, '/v2/acp/ro/manifests/v1', { method: 'DELETE', user: 'viewer' })).status, 403);
});

test('invalid names and traversal attempts are NAME_INVALID', async () => {
  for (const path of ['/v2/../../etc/tags/list', '/v2/%2e%2e/%2e%2e/etc/tags/list', '/v2/acp/../x/manifests/v1', '/v2/ACP/demo/tags/list', '/v2/a%2fb/tags/list']) {
    const reply = await call(t, path);
    assert.equal(reply.status, 400, path);
    assert.equal(reply.json.errors[0].code, 'NAME_INVALID', path);
  }
  const digest = await call(t, '/v2/acp/demo/blobs/sha256:..%2f..%2fetc');
  assert.equal(digest.json.errors[0].code, 'DIGEST_INVALID');
});

test('manifest PUT: unknown blob, digest mismatch, oversized, media type mismatch', async () => {
  const layer = await pushBlob(t, 'acp/m', 'real layer');
  const missing = sha256('never pushed');
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: missing, size: 12 }, layers: [{ mediaType: 'x', digest: layer, size: 10 }] });
  const put = (path: string, b: string, type = OCI_MANIFEST) => call(t, path, { method: 'PUT', body: b, headers: { 'Content-Type': type } });
  const unknown = await put('/v2/acp/m/manifests/v1', body);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
  assert.deepEqual(unknown.json.errors[0].detail.missing, [missing]);
  assert.equal((await call(t, '/v2/acp/m/manifests/v1')).status, 404, 'nothing was stored');

  const wrong = await put(`/v2/acp/m/manifests/${sha256('other')}`, JSON.stringify({ schemaVersion: 2, layers: [] }));
  assert.equal(wrong.json.errors[0].code, 'DIGEST_INVALID');
  const big = await put('/v2/acp/m/manifests/big', JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(4 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.equal(big.json.errors[0].code, 'MANIFEST_INVALID');
  const mismatch = await put('/v2/acp/m/manifests/v2', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }), 'application/vnd.oci.image.index.v1+json');
  assert.equal(mismatch.json.errors[0].code, 'MANIFEST_INVALID');
  const notJson = await put('/v2/acp/m/manifests/v3', '{nope');
  assert.equal(notJson.json.errors[0].code, 'MANIFEST_INVALID');
});

test('manifest round trip by tag and digest, index children must exist, delete by digest and by tag', async () => {
  const { digest, bytes } = await pushImage(t, 'acp/app', 'v1', ['a', 'b']);
  const got = await call(t, '/v2/acp/app/manifests/v1');
  assert.deepEqual(got.body, bytes);
  assert.equal(got.headers['docker-content-digest'], digest);
  assert.equal(got.headers['content-type'], OCI_MANIFEST);
  assert.equal((await call(t, `/v2/acp/app/manifests/${digest}`, { method: 'HEAD' })).headers['content-length'], String(bytes.length));

  const index = (d: string) => JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest: d, size: bytes.length }] });
  const headers = { 'Content-Type': 'application/vnd.oci.image.index.v1+json' };
  const bad = await call(t, '/v2/acp/app/manifests/multi', { method: 'PUT', body: index(sha256('nope')), headers });
  assert.equal(bad.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
  const ok = await call(t, '/v2/acp/app/manifests/multi', { method: 'PUT', body: index(digest), headers });
  assert.equal(ok.status, 201);
  assert.equal(ok.headers.location, `/v2/acp/app/manifests/${sha256(index(digest))}`);

  assert.equal((await call(t, '/v2/acp/app/manifests/multi', { method: 'DELETE' })).status, 202);
  assert.equal((await call(t, '/v2/acp/app/manifests/multi')).status, 404);
  assert.equal((await call(t, `/v2/acp/app/manifests/${sha256(index(digest))}`)).status, 200, 'tag delete keeps the manifest');
  assert.equal((await call(t, `/v2/acp/app/manifests/${digest}`, { method: 'DELETE' })).status, 202);
  const gone = await call(t, '/v2/acp/app/manifests/v1');
  assert.equal(gone.status, 404);
  assert.equal(gone.json.errors[0].code, 'MANIFEST_UNKNOWN');
  assert.equal((await call(t, '/v2/nope/manifests/v1')).json.errors[0].code, 'NAME_UNKNOWN');
});

test('tags list pages with n/last and a Link header; catalog pages too', async () => {
  const { bytes } = await pushImage(t, 'acp/paged', 'a', ['x']);
  for (const tag of ['b', 'C', 'd', 'e']) {
    await call(t, `/v2/acp/paged/manifests/${tag}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': OCI_MANIFEST } });
  }
  const all = await call(t, '/v2/acp/paged/tags/list');
  assert.deepEqual(all.json, { name: 'acp/paged', tags: ['C', 'a', 'b', 'd', 'e'] });
  const first = await call(t, '/v2/acp/paged/tags/list?n=2');
  assert.deepEqual(first.json.tags, ['C', 'a']);
  assert.equal(first.headers.link, '</v2/acp/paged/tags/list?n=2&last=a>; rel="next"');
  const second = await call(t, '/v2/acp/paged/tags/list?n=2&last=a');
  assert.deepEqual(second.json.tags, ['b', 'd']);
  const last = await call(t, '/v2/acp/paged/tags/list?n=2&last=d');
  assert.deepEqual(last.json.tags, ['e']);
  assert.equal(last.headers.link, undefined);
  assert.deepEqual((await call(t, '/v2/acp/paged/tags/list?n=0')).json.tags, []);
  assert.equal((await call(t, '/v2/acp/none/tags/list')).json.errors[0].code, 'NAME_UNKNOWN');

  const catalog = await call(t, '/v2/_catalog', { user: 'viewer' });
  assert.ok(catalog.json.repositories.includes('acp/paged'));
  const page = await call(t, '/v2/_catalog?n=1');
  assert.equal(page.json.repositories.length, 1);
  assert.match(String(page.headers.link), /^<\/v2\/_catalog\?n=1&last=[^>]+>; rel="next"$/);
});

test('referrers lists manifests whose subject is the digest, with artifactType filter', async () => {
  const { digest: subject, bytes } = await pushImage(t, 'acp/ref', 'v1', ['base']);
  const desc = { mediaType: OCI_MANIFEST, digest: subject, size: bytes.length };
  const sig = await pushImage(t, 'acp/ref', 'sig', ['signature'], { artifactType: 'application/vnd.example.sig', subject: desc, annotations: { k: 'v' } });
  await pushImage(t, 'acp/ref', 'sbom', ['sbom'], { artifactType: 'application/vnd.example.sbom', subject: desc });
  const all = await call(t, `/v2/acp/ref/referrers/${subject}`, { user: 'viewer' });
  assert.equal(all.status, 200);
  assert.equal(all.headers['content-type'], 'application/vnd.oci.image.index.v1+json');
  assert.equal(all.json.manifests.length, 2);
  const filtered = await call(t, `/v2/acp/ref/referrers/${subject}?artifactType=application/vnd.example.sig`);
  assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
  assert.deepEqual(filtered.json.manifests.map((m: { digest: string }) => m.digest), [sig.digest]);
  assert.deepEqual(filtered.json.manifests[0].annotations, { k: 'v' });
  await call(t, `/v2/acp/ref/manifests/${sig.digest}`, { method: 'DELETE' });
  assert.equal((await call(t, `/v2/acp/ref/referrers/${subject}`)).json.manifests.length, 1);
  assert.deepEqual((await call(t, `/v2/acp/ref/referrers/${sha256('none')}`)).json.manifests, []);
});

test('blob GET with Range answers 206; HEAD gives size and digest; unknown blob 404', async () => {
  const bytes = Buffer.from('0123456789abcdef');
  const digest = await pushBlob(t, 'acp/range', bytes);
  const part = await call(t, `/v2/acp/range/blobs/${digest}`, { headers: { Range: 'bytes=4-7' } });
  assert.equal(part.status, 206);
  assert.equal(part.body.toString(), '4567');
  assert.equal(part.headers['content-range'], 'bytes 4-7/16');
  const head = await call(t, `/v2/acp/range/blobs/${digest}`, { method: 'HEAD' });
  assert.equal(head.headers['content-length'], '16');
  assert.equal(head.headers['docker-content-digest'], digest);
  assert.equal((await call(t, `/v2/acp/range/blobs/${digest}`, { headers: { Range: 'bytes=16-' } })).status, 416);
  const other = await call(t, `/v2/acp/elsewhere/blobs/${digest}`);
  assert.equal(other.status, 404, 'a blob is served only by repositories that link it');
  assert.equal(other.json.errors[0].code, 'BLOB_UNKNOWN');
});

test('cross-repository mount answers 201 when readable, else starts an upload (202); blob DELETE unlinks', async () => {
  const digest = await pushBlob(t, 'acp/src', 'shared layer');
  const mounted = await call(t, `/v2/acp/dst/blobs/uploads/?mount=${digest}&from=acp/src`, { method: 'POST' });
  assert.equal(mounted.status, 201);
  assert.equal(mounted.headers.location, `/v2/acp/dst/blobs/${digest}`);
  assert.equal((await call(t, `/v2/acp/dst/blobs/${digest}`)).body.toString(), 'shared layer');
  const fallback = await call(t, `/v2/acp/dst2/blobs/uploads/?mount=${sha256('absent')}&from=acp/src`, { method: 'POST' });
  assert.equal(fallback.status, 202);
  assert.match(String(fallback.headers.location), /^\/v2\/acp\/dst2\/blobs\/uploads\/[0-9a-f-]{36}$/);
  assert.equal((await call(t, `/v2/acp/dst/blobs/${digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await call(t, `/v2/acp/dst/blobs/${digest}`, { method: 'HEAD' })).status, 404);
  assert.equal((await call(t, `/v2/acp/src/blobs/${digest}`, { method: 'HEAD' })).status, 200);
});

test('unsupported methods are 405 UNSUPPORTED', async () => {
  const reply = await call(t, '/v2/acp/src/tags/list', { method: 'DELETE' });
  assert.equal(reply.status, 405);
  assert.equal(reply.json.errors[0].code, 'UNSUPPORTED');
});
