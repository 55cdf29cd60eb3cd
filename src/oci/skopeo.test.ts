import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { copyImage, createRegistryClient, openLayout, walkGraph, type RegistryClient } from './index.ts';
import { writeTestImageLayout, type TestImage } from './fixtures.ts';
import { startDockerRegistry, type TestRegistry } from './testing.ts';

const run = promisify(execFile);
const tmp = (p: string) => mkdtemp(join(tmpdir(), p));
let reg: TestRegistry;
let client: RegistryClient;
let src: string;
let image: TestImage;

before(async () => {
  reg = await startDockerRegistry();
  client = createRegistryClient({ registry: reg.host, plain: true });
  src = await tmp('oci-skopeo-src-');
  image = await writeTestImageLayout(src, { tag: 'v1', layers: [100_000, 3_000], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
  await copyImage({ from: { layout: src }, to: { client, repository: 'x/app', ref: 'v1' } });
});
after(async () => {
  client?.close();
  await reg?.stop();
});

test('a layout written by this client is readable by skopeo inspect', async () => {
  const out = await tmp('oci-ours-');
  await copyImage({ from: { client, repository: 'x/app', ref: 'v1' }, to: { layout: out, tag: 'v1' } });
  const { stdout } = await run('skopeo', ['inspect', '--raw', `oci:${out}:v1`]);
  assert.equal(JSON.parse(stdout).manifests.length, 2);
  const amd = await run('skopeo', ['inspect', '--override-arch', 'arm64', `oci:${out}:v1`]);
  assert.equal(JSON.parse(amd.stdout).Architecture, 'arm64');
});

test('a layout written by skopeo copy is readable by this client', async () => {
  const out = await tmp('oci-skopeo-');
  await run('skopeo', ['copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${reg.host}/x/app:v1`, `oci:${out}:v2`]);
  const layout = await openLayout(out);
  const root = await layout.resolve('v2');
  assert.equal(root.digest, image.root.digest, 'skopeo --all --preserve-digests keeps the index digest');
  const graph = await walkGraph(root, (d) => layout.readBlob(d.digest));
  assert.equal(graph.blobs.length, 6);
  const summary = await copyImage({ from: { layout: out, tag: 'v2' }, to: { client, repository: 'x/from-skopeo', ref: 'v2' } });
  assert.equal(summary.blobs.pushed, 6);
});
