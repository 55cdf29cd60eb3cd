import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange } from './blobs.ts';
import type { RegistryError } from './errors.ts';
import { isValidName, isValidTag, parseDigest, parseRoute } from './names.ts';

const HEX = 'a'.repeat(64);

test('repository names follow the spec regex', () => {
  for (const ok of ['a', 'acp/demo', 'a.b_c__d--e/f-0', 'x/y/z']) assert.ok(isValidName(ok), ok);
  for (const bad of ['', 'A', 'a/', '/a', 'a//b', '..', 'a/../b', '%2e%2e', 'a/%2e%2e/b', '_a', 'a___b', 'a.', 'a/.b', `${'a'.repeat(256)}`]) assert.ok(!isValidName(bad), bad);
});

test('tags and digests', () => {
  assert.ok(isValidTag('v1.0_rc-1'));
  assert.ok(isValidTag('_x'));
  assert.ok(!isValidTag('.hidden'));
  assert.ok(!isValidTag('..'));
  assert.ok(!isValidTag('a'.repeat(129)));
  assert.equal(parseDigest(`sha256:${HEX}`).hex, HEX);
  assert.equal(parseDigest(`sha512:${'b'.repeat(128)}`).algorithm, 'sha512');
  for (const bad of [`sha256:${HEX.toUpperCase()}`, `sha256:${HEX}0`, `md5:${HEX}`, 'sha256:../../etc']) {
    assert.throws(() => parseDigest(bad), (e: RegistryError) => e.code === 'DIGEST_INVALID', bad);
  }
});

test('routes are parsed from the raw path and validated', () => {
  assert.deepEqual(parseRoute('/v2/'), { kind: 'base' });
  assert.deepEqual(parseRoute('/v2'), { kind: 'base' });
  assert.equal(parseRoute('/api/v1'), undefined);
  assert.equal(parseRoute('/v2x'), undefined);
  assert.deepEqual(parseRoute('/v2/acp/demo/tags/list'), { kind: 'tags', name: 'acp/demo' });
  assert.deepEqual(parseRoute('/v2/acp/demo/manifests/v1'), { kind: 'manifest', name: 'acp/demo', reference: { tag: 'v1' } });
  assert.equal((parseRoute(`/v2/a/manifests/sha256:${HEX}`) as { reference: unknown }).reference && 'ok', 'ok');
  assert.equal(parseRoute('/v2/a/blobs/uploads/')?.kind, 'uploads');
  assert.equal(parseRoute('/v2/a/blobs/uploads')?.kind, 'uploads');
  assert.equal(parseRoute('/v2/a/blobs/uploads/0b5e7a1c-3f0e-4c2b-9a7d-1e2f3a4b5c6d')?.kind, 'upload');
  assert.equal(parseRoute(`/v2/a/blobs/sha256:${HEX}`)?.kind, 'blob');
  assert.equal(parseRoute(`/v2/a/referrers/sha256:${HEX}`)?.kind, 'referrers');
  assert.equal(parseRoute('/v2/a/nothing/here')?.kind, 'unknown');
  const code = (path: string) => {
    try {
      parseRoute(path);
      return 'ok';
    } catch (err) {
      return (err as RegistryError).code;
    }
  };
  assert.equal(code('/v2/../etc/tags/list'), 'NAME_INVALID');
  assert.equal(code('/v2/%2e%2e/etc/tags/list'), 'NAME_INVALID');
  assert.equal(code('/v2/Acp/tags/list'), 'NAME_INVALID');
  assert.equal(code('/v2/a/manifests/..'), 'MANIFEST_INVALID');
  assert.equal(code('/v2/a/blobs/uploads/..'), 'BLOB_UPLOAD_UNKNOWN');
  assert.equal(code('/v2/a/blobs/sha256:..'), 'DIGEST_INVALID');
});

test('Range parsing (RFC 9110 single ranges)', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=50-500', 100), { start: 50, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=5-1', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 100), undefined);
  assert.equal(parseRange(undefined, 100), undefined);
});
