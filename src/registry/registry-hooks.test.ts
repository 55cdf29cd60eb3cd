/** The in-process hooks: onManifest events (put, untag, delete) and the read-only content view. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ManifestEvent } from './types.ts';
import type { TestRegistry } from './testing.ts';
import { call, pushImage, sha256 } from './testing.ts';
import { startTestRegistry } from './testing.ts';

const events: ManifestEvent[] = [];
let t: TestRegistry;
before(async () => {
  t = await startTestRegistry({ onManifest: (e) => void events.push(e) });
});
after(() => t?.stop());

test('onManifest hears puts with tags and document, untags and deletes', async () => {
  const { digest } = await pushImage(t, 'hooks/app', 'v1', ['layer-a']);
  const put = events.at(-1)!;
  assert.equal(put.action, 'put');
  assert.deepEqual({ name: put.name, digest: put.digest, tags: put.tags }, { name: 'hooks/app', digest, tags: ['v1'] });
  assert.equal(put.action === 'put' && put.manifest.schemaVersion, 2);
  await call(t, `/v2/hooks/app/manifests/${digest}?tag=v2`, { method: 'PUT', body: (await t.registry.content.getManifest('hooks/app', 'v1'))!.bytes, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.deepEqual(events.at(-1)!.tags, ['v2']);
  assert.equal((await call(t, '/v2/hooks/app/manifests/v2', { method: 'DELETE' })).status, 202);
  assert.deepEqual(events.at(-1), { action: 'delete', name: 'hooks/app', tags: ['v2'] });
  assert.equal((await call(t, `/v2/hooks/app/manifests/${digest}`, { method: 'DELETE' })).status, 202);
  assert.deepEqual(events.at(-1), { action: 'delete', name: 'hooks/app', digest, tags: ['v1'] });
});

test('a throwing listener never fails the push', async () => {
  const errors: unknown[] = [];
  const t2 = await startTestRegistry({ onManifest: () => Promise.reject(new Error('listener down')), onError: (e) => void errors.push(e) });
  try {
    await pushImage(t2, 'hooks/x', 'v1', ['l']);
    assert.match(String(errors[0]), /listener down/);
  } finally {
    await t2.stop();
  }
});

test('content view: repositories, tags, manifests by tag or digest, blobs only where linked', async () => {
  const { digest, bytes } = await pushImage(t, 'hooks/view', 'v1', ['layer-view']);
  assert.ok((await t.registry.content.listRepositories()).includes('hooks/view'));
  assert.deepEqual(await t.registry.content.listTags('hooks/view'), ['v1']);
  const byTag = await t.registry.content.getManifest('hooks/view', 'v1');
  assert.equal(byTag?.digest, digest);
  assert.deepEqual(byTag?.bytes, bytes);
  assert.equal((await t.registry.content.getManifest('hooks/view', digest))?.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(await t.registry.content.getManifest('hooks/view', 'nope'), undefined);
  assert.equal(await t.registry.content.getManifest('../etc', 'v1'), undefined);
  const blob = await t.registry.content.openBlob('hooks/view', sha256('layer-view'));
  const chunks: Buffer[] = [];
  for await (const c of blob!.stream) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'layer-view');
  assert.equal(await t.registry.content.openBlob('hooks/other', sha256('layer-view')), undefined);
});
