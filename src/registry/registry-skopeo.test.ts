/** Interop with the real skopeo (Debian package): push, inspect, pull back, multi-arch, concurrent pushes. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeTestImageLayout } from '../oci/fixtures.ts';
import type { TestRegistry } from './testing.ts';
import { call, readIndex, sha256, skopeo, startTestRegistry } from './testing.ts';

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry();
});
after(() => t?.stop());

/** Uncompressed fixture layers would otherwise be gzipped by skopeo on the way (new digests). */
const certs = () => ({
  dest: ['--preserve-digests', '--dest-cert-dir', t.certDir, '--dest-creds', 'admin:pw'],
  src: ['--preserve-digests', '--dest-oci-accept-uncompressed-layers', '--src-cert-dir', t.certDir, '--src-creds', 'viewer:pw'],
});

async function blobSet(layout: string): Promise<string[]> {
  return (await readdir(join(layout, 'blobs', 'sha256'))).filter((n) => !n.startsWith('.')).sort();
}

test('skopeo pushes an OCI layout, inspects it and copies it back with identical digests', async () => {
  const layout = join(t.dir, 'single');
  const image = await writeTestImageLayout(layout, { tag: 'v1', layers: [300_000, 2_000_000] });
  await skopeo(join(t.dir, 'home'), ['copy', ...certs().dest, `oci:${layout}:v1`, `docker://${t.host}/acp/demo:v1`]);

  const raw = await skopeo(join(t.dir, 'home'), ['inspect', '--raw', '--cert-dir', t.certDir, '--creds', 'viewer:pw', `docker://${t.host}/acp/demo:v1`]);
  assert.equal(sha256(raw.replace(/\n$/, '')), image.root.digest, 'skopeo inspect --raw returns the pushed manifest bytes');

  const out = join(t.dir, 'single-out');
  await skopeo(join(t.dir, 'home'), ['copy', '--all', ...certs().src, `docker://${t.host}/acp/demo:v1`, `oci:${out}:v1`]);
  assert.equal((await readIndex(out)).manifests[0].digest, image.root.digest);
  assert.deepEqual(await blobSet(out), await blobSet(layout));
});

test('a multi-arch index survives the round trip byte for byte', async () => {
  const layout = join(t.dir, 'multi');
  const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];
  const image = await writeTestImageLayout(layout, { tag: 'v2', layers: [100_000, 50_000], platforms });
  await skopeo(join(t.dir, 'home'), ['copy', '--all', ...certs().dest, `oci:${layout}:v2`, `docker://${t.host}/acp/multi:v2`]);

  const head = await call(t, '/v2/acp/multi/manifests/v2', { method: 'HEAD', user: 'viewer' });
  assert.equal(head.headers['docker-content-digest'], image.root.digest);
  assert.equal(head.headers['content-type'], 'application/vnd.oci.image.index.v1+json');

  const out = join(t.dir, 'multi-out');
  await skopeo(join(t.dir, 'home'), ['copy', '--all', ...certs().src, `docker://${t.host}/acp/multi:v2`, `oci:${out}:v2`]);
  assert.equal((await readIndex(out)).manifests[0].digest, image.root.digest);
  assert.deepEqual(await blobSet(out), await blobSet(layout));
  const indexBytes = await readFile(join(out, 'blobs', 'sha256', image.root.digest.slice(7)));
  assert.equal(sha256(indexBytes), image.root.digest);
});

test('two concurrent skopeo pushes of the same image converge', async () => {
  const layout = join(t.dir, 'concurrent');
  const image = await writeTestImageLayout(layout, { tag: 'v3', layers: [1_500_000, 700_000, 20_000] });
  const push = (home: string) => skopeo(join(t.dir, home), ['copy', ...certs().dest, `oci:${layout}:v3`, `docker://${t.host}/acp/race:v3`]);
  await Promise.all([push('home-a'), push('home-b')]);

  const head = await call(t, '/v2/acp/race/manifests/v3', { method: 'HEAD' });
  assert.equal(head.headers['docker-content-digest'], image.root.digest);
  for (const digest of image.blobs) {
    const blob = await call(t, `/v2/acp/race/blobs/${digest}`, { method: 'HEAD' });
    assert.equal(blob.status, 200, digest);
  }
  const uploads = await readdir(join(t.root, 'uploads')).catch(() => []);
  assert.deepEqual(uploads, [], 'no upload session is left behind');
  const out = join(t.dir, 'race-out');
  await skopeo(join(t.dir, 'home'), ['copy', ...certs().src, `docker://${t.host}/acp/race:v3`, `oci:${out}:v3`]);
  assert.deepEqual(await blobSet(out), await blobSet(layout));
});
