import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { create as createTar } from 'tar';
import type { OciError } from './index.ts';
import { copyImage, createRegistryClient, openLayout, walkImage, type CopyProgress, type RegistryClient } from './index.ts';
import { writeTestImageLayout, type TestImage } from './fixtures.ts';
import { startDockerRegistry, type TestRegistry } from './testing.ts';

const tmp = (p: string) => mkdtemp(join(tmpdir(), p));
const MULTI = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];

async function blobSet(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'blobs', 'sha256'))).sort();
}

/** Pushes `image` from `src`, pulls it back to a new layout and checks bytes and blob sets. */
async function roundTrip(client: RegistryClient, src: string, image: TestImage, repo: string, tag: string): Promise<string> {
  const pushed = await copyImage({ from: { layout: src, tag }, to: { client, repository: repo, ref: tag } });
  assert.equal(pushed.blobs.pushed, pushed.blobs.total);
  assert.equal(pushed.root.digest, image.root.digest);
  const out = await tmp('oci-pull-');
  const pulled = await copyImage({ from: { client, repository: repo, ref: tag }, to: { layout: out } });
  assert.equal(pulled.root.digest, image.root.digest);
  const root = await (await openLayout(out)).resolve(tag);
  assert.equal(root.digest, image.root.digest);
  assert.deepEqual(await blobSet(out), image.blobs.map((d) => d.slice(7)).sort());
  for (const d of image.blobs) assert.deepEqual(await readFile(join(out, 'blobs/sha256', d.slice(7))), await readFile(join(src, 'blobs/sha256', d.slice(7))));
  return out;
}

let plain: TestRegistry;
let secure: TestRegistry;
let single: { dir: string; image: TestImage };
let multi: { dir: string; image: TestImage };
const creds = { username: 'violet', password: 's3cret pass' };

before(async () => {
  [plain, secure] = await Promise.all([startDockerRegistry(), startDockerRegistry({ tls: true, htpasswd: creds })]);
  const a = await tmp('oci-src-');
  single = { dir: a, image: await writeTestImageLayout(a, { tag: 'v1', layers: [300_000, 5_000, 0] }) };
  const b = await tmp('oci-src-');
  multi = { dir: b, image: await writeTestImageLayout(b, { tag: 'multi', layers: [700_000, 20_000], platforms: MULTI }) };
});
after(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
});

test('plain http, anonymous: layout → registry → layout is byte-identical; re-push skips every blob', async () => {
  const client = createRegistryClient({ registry: plain.host, plain: true });
  try {
    await roundTrip(client, single.dir, single.image, 'team/single', 'v1');
    const progress: CopyProgress[] = [];
    const again = await copyImage({ from: { layout: single.dir }, to: { client, repository: 'team/single', ref: 'v1' }, onProgress: (p) => progress.push(p) });
    assert.deepEqual(again.blobs, { total: 4, pushed: 0, skipped: 4, mounted: 0 });
    assert.equal(again.manifests.pushed, 0, 'the tag already names the image: nothing is sent');
    assert.ok(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone));
    assert.equal(progress.at(-1)!.bytesDone, again.bytesTotal);
    assert.deepEqual(await client.listTags('team/single'), ['v1']);
    // Under another tag only the tag is put (the manifest is there, so are its blobs).
    const retag = await copyImage({ from: { layout: single.dir }, to: { client, repository: 'team/single', ref: 'v1-again' } });
    assert.deepEqual([retag.blobs.pushed, retag.manifests.pushed], [0, 1]);
  } finally {
    client.close();
  }
});

test('TLS + htpasswd: multi-arch round trip with chunked uploads, mount, walk, tags paging, delete', async () => {
  const client = createRegistryClient({ registry: secure.host, ca: secure.ca, credentials: creds, monolithicMaxBytes: 100_000, chunkSize: 64 * 1024 });
  try {
    const progress: CopyProgress[] = [];
    const first = await copyImage({ from: { layout: multi.dir, tag: 'multi' }, to: { client, repository: 'apps/multi', ref: 'multi' }, onProgress: (p) => progress.push(p) });
    assert.equal(first.blobs.pushed, 6);
    assert.ok(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone), 'progress never goes backwards');
    const out = await tmp('oci-pull-');
    await copyImage({ from: { client, repository: 'apps/multi', ref: 'multi' }, to: { layout: out, tag: 'multi' } });
    assert.deepEqual(await blobSet(out), multi.image.blobs.map((d) => d.slice(7)).sort());
    const index = await readFile(join(out, 'blobs/sha256', multi.image.root.digest.slice(7)));
    assert.deepEqual(index, await readFile(join(multi.dir, 'blobs/sha256', multi.image.root.digest.slice(7))));

    const graph = await walkImage(client, 'apps/multi', 'multi');
    assert.equal(graph.manifests.length, 3);
    assert.equal(graph.blobs.length, 6);

    const mounted = await copyImage({ from: { client, repository: 'apps/multi', ref: 'multi' }, to: { client, repository: 'apps/other', ref: 'm' } });
    assert.deepEqual(mounted.blobs, { total: 6, pushed: 0, skipped: 0, mounted: 6 });

    const amd = await copyImage({ from: { layout: multi.dir, tag: 'multi' }, to: { client, repository: 'apps/amd', ref: 'x' }, platforms: ['linux/amd64'] });
    assert.equal(amd.blobs.total, 3);
    assert.notEqual(amd.root.digest, multi.image.root.digest);

    for (const t of ['a', 'b', 'c']) await client.putManifest('apps/other', t, graph.manifests[0].bytes, graph.manifests[0].descriptor.mediaType);
    assert.deepEqual((await client.listTags('apps/other', { pageSize: 2 })).sort(), ['a', 'b', 'c', 'm']);
    assert.deepEqual(await client.referrers('apps/other', graph.root.digest), []);
    await client.deleteManifest('apps/other', graph.manifests[0].descriptor.digest);
    await assert.rejects(client.getManifest('apps/other', graph.manifests[0].descriptor.digest), (e: OciError) => e.code === 'NOT_FOUND');
  } finally {
    client.close();
  }
});

test('TLS + htpasswd: blobs of several MiB come back byte-identical over their own connections (raw GET)', async () => {
  const dir = await tmp('oci-big-');
  const image = await writeTestImageLayout(dir, { tag: 'big', layers: [3 * 1024 * 1024 + 5, 1024 * 1024] });
  const client = createRegistryClient({ registry: secure.host, ca: secure.ca, credentials: creds, chunkSize: 1024 * 1024 });
  try {
    await roundTrip(client, dir, image, 'team/big', 'big');
  } finally {
    client.close();
  }
});

test('TLS + htpasswd: wrong or missing credentials give a clear error naming the registry', async () => {
  for (const credentials of [{ username: 'violet', password: 'wrong' }, undefined]) {
    const client = createRegistryClient({ registry: secure.host, ca: secure.ca, credentials });
    await assert.rejects(copyImage({ from: { layout: single.dir }, to: { client, repository: 'team/x', ref: 'v1' } }), (e: OciError) => {
      assert.equal(e.code, 'UNAUTHORIZED');
      assert.match(e.message, new RegExp(`registry ${secure.host}`));
      assert.match(e.message, /--username\/--password/);
      return true;
    });
    client.close();
  }
});

test('TLS without the CA fails with a TLS error that says to pass the CA', async () => {
  const client = createRegistryClient({ registry: secure.host, retries: 0 });
  await assert.rejects(client.ping(), (e: OciError) => e.code === 'TLS' && /CA/.test(e.message));
  client.close();
});

test('layout tar archive → registry, read in place', async () => {
  const file = join(await tmp('oci-tar-'), 'images.tar');
  await createTar({ file, cwd: multi.dir, portable: true }, ['oci-layout', 'index.json', 'blobs']);
  const client = createRegistryClient({ registry: plain.host, plain: true });
  try {
    const summary = await copyImage({ from: { archive: file, tag: 'multi' }, to: { client, repository: 'tar/multi', ref: 'multi' } });
    assert.equal(summary.root.digest, multi.image.root.digest);
    assert.equal(summary.blobs.pushed, 6);
    const again = await copyImage({ from: { archive: file }, to: { client, repository: 'tar/multi', ref: 'multi' } });
    assert.equal(again.blobs.skipped, 6);
  } finally {
    client.close();
  }
});
