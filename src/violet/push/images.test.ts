import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRegistryClient, parseReference } from '../../oci/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import { readBlobTable } from '../../packages/blob-table.ts';
import { buildTestBundle } from '../../packages/testing.ts';
import type { PackageManifest } from '../../packages/format.ts';
import { startTestRegistry } from '../../registry/testing.ts';
import type { TestRegistry } from '../../registry/testing.ts';
import { pushPackageImages } from './images.ts';

let registry: TestRegistry;
let client: RegistryClient;
let pkg: { file: string; manifest: PackageManifest };

before(async () => {
  registry = await startTestRegistry();
  client = createRegistryClient({ registry: registry.host, ca: registry.ca, credentials: { username: 'admin', password: 'pw' } });
  pkg = await buildTestBundle(undefined, 200 << 10);
});
after(async () => {
  await registry?.stop();
});

const targets = (m: PackageManifest, prefix: string) =>
  m.images.map((image) => {
    const ref = parseReference(image.ref);
    return { image, repository: `${prefix}/${ref.repository}`, tag: ref.tag ?? 'latest' };
  });

async function tagged(prefix: string, m: PackageManifest): Promise<(string | undefined)[]> {
  return Promise.all(targets(m, prefix).map(async (t) => (await client.headManifest(t.repository, t.tag))?.digest));
}

test('an indexed package: every blob read at its offset, in parallel; a second push sends nothing', async () => {
  const progress: number[] = [];
  const first = await pushPackageImages({ file: pkg.file, manifest: pkg.manifest, client, targets: targets(pkg.manifest, 'indexed'), onProgress: (d) => progress.push(d) });
  assert.equal(first.blobsPushed, 8);
  assert.deepEqual(await tagged('indexed', pkg.manifest), pkg.manifest.images.map((i) => i.digest));
  assert.ok(progress.every((d, i) => i === 0 || d >= progress[i - 1]), 'progress never goes backwards');
  const again = await pushPackageImages({ file: pkg.file, manifest: pkg.manifest, client, targets: targets(pkg.manifest, 'indexed') });
  assert.deepEqual([again.imagesSkipped, again.blobsPushed], [2, 0]);
});

test('a package without a blob table is pushed from one sequential pass', async () => {
  const plain = join(mkdtempSync(join(tmpdir(), 'mp-push-plain-')), 'plain.tgz');
  writeFileSync(plain, gzipSync(gunzipSync(readFileSync(pkg.file))));
  assert.equal(await readBlobTable(plain), undefined);
  const r = await pushPackageImages({ file: plain, manifest: pkg.manifest, client, targets: targets(pkg.manifest, 'plain'), readAhead: false });
  assert.equal(r.blobsPushed, 8);
  assert.deepEqual(await tagged('plain', pkg.manifest), pkg.manifest.images.map((i) => i.digest));
});

test('a stored layer whose bytes were changed is refused by digest and nothing is tagged', async () => {
  const table = (await readBlobTable(pkg.file))!;
  const layer = [...table.blobs.values()].find((e) => e.encoding === 'stored')!;
  const bytes = Buffer.from(readFileSync(pkg.file));
  bytes[layer.offset + layer.length - 100] ^= 0xff; // inside the payload, past the tar header
  const tampered = join(mkdtempSync(join(tmpdir(), 'mp-push-evil-')), 'tampered.tgz');
  writeFileSync(tampered, bytes);
  await assert.rejects(pushPackageImages({ file: tampered, manifest: pkg.manifest, client, targets: targets(pkg.manifest, 'evil') }), /could not upload 1 blob\(s\).*(digest|DIGEST)/s);
  assert.deepEqual(await tagged('evil', pkg.manifest), [undefined, undefined], 'manifests are put only after every blob is in');
});

test('a tag that names another build is refused without force, moved with it', async () => {
  const other = await buildTestBundle(undefined, 64 << 10);
  await pushPackageImages({ file: pkg.file, manifest: pkg.manifest, client, targets: targets(pkg.manifest, 'retag') });
  await assert.rejects(pushPackageImages({ file: other.file, manifest: other.manifest, client, targets: targets(other.manifest, 'retag') }), /already exists in the registry as sha256:[a-f0-9]+, not sha256:[a-f0-9]+: a different build under the same version\. Re-run with --force/);
  assert.deepEqual(await tagged('retag', pkg.manifest), pkg.manifest.images.map((i) => i.digest), 'nothing moved');
  const forced = await pushPackageImages({ file: other.file, manifest: other.manifest, client, targets: targets(other.manifest, 'retag'), force: true });
  assert.equal(forced.imagesSkipped, 0);
  assert.deepEqual(await tagged('retag', other.manifest), other.manifest.images.map((i) => i.digest));
});
