import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAccount, startPortal } from '../../portal/index.ts';
import type { Portal } from '../../portal/index.ts';
import { flatCatalogue, startCuttingProxy, writeCatalogue, writeRandomFile } from '../../portal/testing.ts';
import type { CuttingProxy } from '../../portal/testing.ts';
import { createPortalClient } from './client.ts';
import type { PortalClient } from './client.ts';
import { downloadAll, sha256OfFile } from './download.ts';
import type { DownloadTask } from './download.ts';

const store = mkdtempSync(join(tmpdir(), 'ac-dl-store-'));
const SIZE = 2_000_000;
let portal: Portal;
let proxy: CuttingProxy;
let client: PortalClient;

const task = (file: string, size = SIZE): DownloadTask => ({ file, url: `/files/${file}`, size, sidecars: ['sha256'] });
const freshDir = () => mkdtempSync(join(tmpdir(), 'ac-dl-out-'));
const hexOf = async (path: string) => (await sha256OfFile(path)).digest('hex');

before(async () => {
  for (const f of ['big.tgz', 'bad.tgz', 'next.tgz']) await writeRandomFile(store, f, SIZE);
  writeCatalogue(store, flatCatalogue(['big.tgz', 'bad.tgz', 'next.tgz']));
  addAccount(join(store, 'accounts.yaml'), 't', 'u', 'p');
  portal = await startPortal({ packagesDir: store, port: 0 });
  proxy = await startCuttingProxy(portal.url);
  const login = (await (await fetch(`${portal.url}/api/v1/login`, { method: 'POST', body: JSON.stringify({ account: 't', username: 'u', password: 'p' }) })).json()) as { token: string };
  client = createPortalClient({ url: proxy.url, token: login.token });
});
after(async () => {
  client.close();
  await proxy.close();
  await portal.close();
  rmSync(store, { recursive: true, force: true });
});

test('a download cut off halfway keeps its .part; the next run fetches only the rest and verifies', async () => {
  const dir = freshDir();
  proxy.cutAfter(SIZE / 2);
  const [first] = await downloadAll(client, [task('big.tgz')], { dir, retries: 0 });
  assert.equal(first.status, 'failed');
  assert.match(first.error!, /download of big.tgz interrupted after 1 attempt\(s\): the connection was cut \((aborted|ECONNRESET|closed|it ended at byte \d+ of 2000000)\)\. \d+ of 2000000 bytes are kept in .*big.tgz.part; run the same command again to resume/);
  assert.equal(existsSync(join(dir, 'big.tgz')), false, 'nothing under the final name');
  const kept = statSync(join(dir, 'big.tgz.part')).size;
  assert.ok(kept > 0 && kept < SIZE, `kept ${kept}`);

  const servedBefore = portal.bytesServed('big.tgz');
  const [second] = await downloadAll(client, [task('big.tgz')], { dir });
  assert.equal(second.status, 'downloaded', second.error);
  assert.equal(second.resumedFrom, kept);
  assert.equal(second.fetched, SIZE - kept);
  assert.equal(portal.bytesServed('big.tgz') - servedBefore, SIZE - kept, 'the portal sent only the missing bytes');
  assert.equal(await hexOf(join(dir, 'big.tgz')), await hexOf(join(store, 'big.tgz')));
  assert.equal(readFileSync(join(dir, 'big.tgz.sha256'), 'utf8'), readFileSync(join(store, 'big.tgz.sha256'), 'utf8'));
  assert.equal(existsSync(join(dir, 'big.tgz.part')), false);
});

test('a connection cut mid-transfer is resumed within the same run', async () => {
  const dir = freshDir();
  proxy.cutAfter(SIZE / 3);
  proxy.reset();
  const [o] = await downloadAll(client, [task('big.tgz')], { dir, retries: 2, retryDelayMs: 10 });
  assert.equal(o.status, 'downloaded', o.error);
  // At most the buffer in flight when the connection died is fetched twice, never the whole file.
  assert.ok(o.fetched >= SIZE && o.fetched < SIZE + 256 * 1024, `fetched ${o.fetched} bytes for a ${SIZE}-byte file`);
  assert.ok(proxy.bytes() < SIZE + 256 * 1024, `relayed ${proxy.bytes()} bytes for a ${SIZE}-byte file`);
  assert.equal(await hexOf(join(dir, 'big.tgz')), await hexOf(join(store, 'big.tgz')));
});

test('a second run finds the verified file and fetches nothing', async () => {
  const dir = freshDir();
  await downloadAll(client, [task('big.tgz')], { dir });
  const servedBefore = portal.bytesServed('big.tgz');
  const [o] = await downloadAll(client, [task('big.tgz')], { dir });
  assert.equal(o.status, 'present');
  assert.equal(portal.bytesServed('big.tgz'), servedBefore);
});

test('a corrupt file on the portal: checksum mismatch, nothing under the final name, no .part left', async () => {
  const dir = freshDir();
  const bytes = readFileSync(join(store, 'bad.tgz'));
  bytes[1234] ^= 0xff;
  writeFileSync(join(store, 'bad.tgz'), bytes);
  const [o] = await downloadAll(client, [task('bad.tgz')], { dir });
  assert.equal(o.status, 'failed');
  assert.match(o.error!, /checksum mismatch for bad.tgz: the portal's .sha256 says [0-9a-f]{64}, the downloaded bytes hash to [0-9a-f]{64}\. The file on the portal is corrupt or was replaced; the download was discarded/);
  assert.equal(existsSync(join(dir, 'bad.tgz')), false);
  assert.equal(existsSync(join(dir, 'bad.tgz.part')), false);
  assert.equal(existsSync(join(dir, 'bad.tgz.sha256')), false);
});

test('a good local file is never replaced by a bad download', async () => {
  const dir = freshDir();
  await downloadAll(client, [task('next.tgz')], { dir });
  const good = await hexOf(join(dir, 'next.tgz'));
  const goodSum = readFileSync(join(dir, 'next.tgz.sha256'), 'utf8');
  // The vendor republishes next.tgz (new checksum) but the bytes on the portal are damaged.
  writeFileSync(join(store, 'next.tgz.sha256'), `${'0'.repeat(64)}  next.tgz\n`);
  const [o] = await downloadAll(client, [task('next.tgz')], { dir });
  assert.equal(o.status, 'failed');
  assert.match(o.error!, /and the existing next.tgz left untouched/);
  assert.equal(await hexOf(join(dir, 'next.tgz')), good);
  assert.equal(readFileSync(join(dir, 'next.tgz.sha256'), 'utf8'), goodSum);
});

test('a stale .part from another file version is discarded and the download starts over', async () => {
  const dir = freshDir();
  writeFileSync(join(dir, 'big.tgz.part'), Buffer.alloc(SIZE / 2, 7));
  const [o] = await downloadAll(client, [task('big.tgz')], { dir });
  assert.equal(o.status, 'downloaded', o.error);
  assert.equal(await hexOf(join(dir, 'big.tgz')), await hexOf(join(store, 'big.tgz')));
});
