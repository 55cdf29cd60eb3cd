import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { checkPackage, readPackageManifest, TarGzWriter, manifestProblems, packageFileName } from './index.ts';
import { buildTestBundle } from './testing.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mp-hostile-'));

test('a built package reads back: manifest first, images with platforms, consistent blobs', async () => {
  const { file, manifest } = await buildTestBundle();
  assert.match(file, /topolvm-operator\.stable\.ALL\.v2\.3\.0\.tgz$/);
  const read = await readPackageManifest(file);
  assert.equal(read.displayName, 'NativeStor');
  assert.deepEqual(read.images.map((i) => i.platforms), [[], ['linux/amd64', 'linux/arm64']]);
  assert.deepEqual(await checkPackage(file), manifest);
});

test('show reads only the head: a package cut after the manifest still shows', async () => {
  const { file } = await buildTestBundle(undefined, 4 << 20);
  const whole = gunzipSync(readFileSync(file));
  const cut = join(tmp(), 'cut.tgz');
  // Only the manifest entry survives (header + padded body + the next header); the images do not.
  const manifestSize = parseInt(whole.subarray(124, 135).toString(), 8);
  writeFileSync(cut, gzipSync(whole.subarray(0, 512 + Math.ceil(manifestSize / 512) * 512 + 512)));
  assert.equal((await readPackageManifest(cut)).name, 'topolvm-operator');
  await assert.rejects(checkPackage(cut), /truncated or corrupt/);
});

async function hostile(build: (w: TarGzWriter) => Promise<void>): Promise<string> {
  const file = join(tmp(), 'evil.tgz');
  const w = new TarGzWriter(file);
  await build(w);
  await w.finish();
  return file;
}

const goodManifest = async () => readFileSync(await manifestFile(), 'utf8');
let cachedManifest: string | undefined;
async function manifestFile(): Promise<string> {
  if (!cachedManifest) {
    const { manifest } = await buildTestBundle();
    cachedManifest = join(tmp(), 'manifest.json');
    writeFileSync(cachedManifest, JSON.stringify(manifest));
  }
  return cachedManifest;
}

const cases: { name: string; build: (w: TarGzWriter) => Promise<void>; error: RegExp }[] = [
  { name: 'path traversal', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); await w.addBuffer('oci/../../etc/passwd', Buffer.from('x')); }, error: /escapes the archive/ },
  { name: 'absolute path', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); await w.addBuffer('/etc/passwd', Buffer.from('x')); }, error: /absolute path|escapes/ },
  { name: 'symlink escaping', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); await w.addLink('oci/blobs/evil', '/etc/shadow', 'symlink'); }, error: /SymbolicLink; packages may only contain regular files/ },
  { name: 'hard link', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); await w.addLink('oci/x', 'manifest.json', 'hardlink'); }, error: /Link; packages may only contain regular files/ },
  { name: 'manifest not first', build: async (w) => { await w.addBuffer('oci/oci-layout', Buffer.from('{}')); await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); }, error: /first entry must be manifest.json/ },
  { name: 'oversized manifest', build: async (w) => { await w.addBuffer('manifest.json', Buffer.alloc(2 << 20, 32)); }, error: /at most 1048576 are allowed/ },
  { name: 'unknown type', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from((await goodManifest()).replace('"type":"bundle"', '"type":"firmware"'))); }, error: /unknown package type "firmware"/ },
  { name: 'not JSON', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from('{nope')); }, error: /manifest.json is not valid JSON/ },
  { name: 'unexpected directory', build: async (w) => { await w.addBuffer('manifest.json', Buffer.from(await goodManifest())); await w.addBuffer('scripts/run.sh', Buffer.from('rm -rf /')); }, error: /unexpected entry "scripts\/run.sh"/ },
];

for (const c of cases) {
  test(`hostile package refused: ${c.name}`, async () => {
    const file = await hostile(c.build);
    await assert.rejects(checkPackage(file), c.error);
  });
}

test('a hand-made package with pax headers (GNU tar --format=posix) is read by the full tar reader', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'manifest.json'), await goodManifest());
  const file = join(dir, 'pax.tgz');
  execFileSync('tar', ['--format=posix', '-czf', file, '-C', dir, 'manifest.json']);
  assert.equal(gunzipSync(readFileSync(file))[156], 'x'.charCodeAt(0), 'the first header is a pax header');
  assert.equal((await readPackageManifest(file)).name, 'topolvm-operator');
});

test('truncated gzip and tampered blobs are refused', async () => {
  const { file } = await buildTestBundle(undefined, 64 << 10);
  const truncated = join(tmp(), 'truncated.tgz');
  writeFileSync(truncated, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2)));
  await assert.rejects(checkPackage(truncated), /truncated or corrupt/);
  // Flip one byte deep inside a layer: gzip stays valid, the digest does not.
  const tar = gunzipSync(readFileSync(file));
  tar[tar.length - 4096] ^= 0xff;
  const tampered = join(tmp(), 'tampered.tgz');
  writeFileSync(tampered, gzipSync(tar));
  await assert.rejects(checkPackage(tampered), /does not match its content/);
  const empty = join(tmp(), 'empty.tgz');
  writeFileSync(empty, '');
  truncateSync(empty, 0);
  await assert.rejects(readPackageManifest(empty), /invalid package/);
});

test('manifest validation reports every problem; file names follow the convention', () => {
  assert.deepEqual(manifestProblems({ schemaVersion: 1, type: 'bundle', name: 'Bad Name', images: [], relatedImages: [] }).length > 3, true);
  assert.equal(packageFileName({ name: 'nfs', arch: 'amd64', version: '4.0.2' }), 'nfs.amd64.v4.0.2.tgz');
  assert.equal(packageFileName({ name: 'x', channel: 'alpha', arch: 'ALL', version: 'v1.10.2' }), 'x.alpha.ALL.v1.10.2.tgz');
});
