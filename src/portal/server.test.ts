import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAccount, startPortal } from './index.ts';
import type { Portal } from './index.ts';
import { parseRange } from './files.ts';
import { flatCatalogue, writeCatalogue, writeRandomFile } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'portal-server-'));
let portal: Portal;
let token = '';

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token ?? token) headers.set('authorization', `Bearer ${init.token ?? token}`);
  return fetch(portal.url + path, { ...init, headers });
}

const loginAs = (password: string) => fetch(`${portal.url}/api/v1/login`, { method: 'POST', body: JSON.stringify({ account: 'tenantA', username: 'admin', password }) });

before(async () => {
  await writeRandomFile(dir, 'a.tgz', 300_000);
  await writeRandomFile(dir, 'b.tgz', 1000, false);
  await writeRandomFile(dir, 'c.tgz', 1000);
  writeFileSync(join(dir, 'c.tgz.sig'), 'signature');
  writeCatalogue(dir, flatCatalogue(['a.tgz', 'b.tgz', 'c.tgz']));
  addAccount(join(dir, 'accounts.yaml'), 'tenantA', 'admin', 'secret');
  portal = await startPortal({ packagesDir: dir, port: 0 });
  token = ((await (await loginAs('secret')).json()) as { token: string }).token;
});
after(async () => {
  await portal.close();
  rmSync(dir, { recursive: true, force: true });
});

test('accounts file keeps only a scrypt hash', () => {
  const text = readFileSync(join(dir, 'accounts.yaml'), 'utf8');
  assert.doesNotMatch(text, /secret/);
  assert.match(text, /passwordHash: scrypt\$/);
});

test('login: wrong password and missing token are 401 with what to do; a token shows its 24-hour expiry', async () => {
  const bad = await loginAs('wrong');
  assert.equal(bad.status, 401);
  assert.match(((await bad.json()) as { message: string }).message, /login failed for user "admin" of account "tenantA": wrong account, username or password/);
  const anonymous = await fetch(`${portal.url}/api/v1/scenarios`);
  assert.equal(anonymous.status, 401);
  assert.match(((await anonymous.json()) as { message: string }).message, /log in with violet ac login/);
  const forged = await call('/api/v1/scenarios', { token: `${token.slice(0, -2)}xx` });
  assert.equal(forged.status, 401);
  const info = (await (await call('/api/v1/tenant/info')).json()) as { account: string; expiresAt: string };
  assert.equal(info.account, 'tenantA');
  const hours = (Date.parse(info.expiresAt) - Date.now()) / 3_600_000;
  assert.ok(hours > 23.9 && hours <= 24, `expires in ${hours} h`);
});

test('an expired token is refused with "log in again"', async () => {
  const short = await startPortal({ packagesDir: dir, port: 0, tokenTtlMs: 1 });
  try {
    const r = await fetch(`${short.url}/api/v1/login`, { method: 'POST', body: JSON.stringify({ account: 'tenantA', username: 'admin', password: 'secret' }) });
    const t = ((await r.json()) as { token: string }).token;
    await new Promise((res) => setTimeout(res, 20));
    const expired = await fetch(`${short.url}/api/v1/scenarios`, { headers: { authorization: `Bearer ${t}` } });
    assert.equal(expired.status, 401);
    const body = (await expired.json()) as { reason: string; message: string };
    assert.equal(body.reason, 'TokenExpired');
    assert.match(body.message, /the access token expired at .*: log in again with violet ac login/);
  } finally {
    await short.close();
  }
});

test('package listings carry download URL, size and side files', async () => {
  const r = (await (await call('/api/v1/packages?arch=arm64&platformVersion=v4.1.0')).json()) as { items: { appID: string; url: string; size: number; sidecars: string[] }[] };
  assert.deepEqual(r.items.map((i) => [i.appID, i.url, i.size, i.sidecars.join(',')]), [['app-1', '/files/a.tgz', 300_000, 'sha256'], ['app-2', '/files/b.tgz', 1000, 'sha256'], ['app-3', '/files/c.tgz', 1000, 'sha256,sig']]);
  const unknown = await call('/api/v1/packages?appID=app-1&appVersion=v9');
  assert.equal(unknown.status, 404);
});

test('downloads: Range, If-Range, 416, side files (a missing .sha256 is computed), only published files', async () => {
  const whole = Buffer.from(await (await call('/files/a.tgz')).arrayBuffer());
  assert.equal(whole.length, 300_000);
  const part = await call('/files/a.tgz', { headers: { range: 'bytes=100000-' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 100000-299999/300000');
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(100_000));
  const stale = await call('/files/a.tgz', { headers: { range: 'bytes=10-', 'if-range': '"other"' } });
  assert.equal(stale.status, 200);
  await stale.arrayBuffer();
  const beyond = await call('/files/a.tgz', { headers: { range: 'bytes=300000-' } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), 'bytes */300000');
  const b = Buffer.from(await (await call('/files/b.tgz')).arrayBuffer());
  assert.equal(await (await call('/files/b.tgz.sha256')).text(), `${createHash('sha256').update(b).digest('hex')}  b.tgz\n`);
  assert.equal(await (await call('/files/c.tgz.sig')).text(), 'signature');
  assert.equal((await call('/files/b.tgz.sig')).status, 404);
  for (const secret of ['accounts.yaml', 'catalogue.yaml', '..%2Fetc%2Fpasswd', 'accounts.yaml.token-key']) assert.equal((await call(`/files/${secret}`)).status, 404, secret);
  assert.equal((await fetch(`${portal.url}/files/a.tgz`)).status, 401);
});

test('the catalogue is reloaded when its file changes; a broken edit keeps the last good one', async () => {
  writeCatalogue(dir, { ...(flatCatalogue(['a.tgz']) as object), scenarios: [{ id: 'new', name: 'New', description: 'd', platformVersions: ['v4.1'], apps: [{ appID: 'app-1' }] }] });
  const r = (await (await call('/api/v1/scenarios?arch=amd64')).json()) as { items: { id: string }[] };
  assert.deepEqual(r.items.map((s) => s.id), ['new']);
  writeFileSync(join(dir, 'catalogue.yaml'), 'apps: [{id: x, versions: [{version: 1, packages: missing.tgz}]}]\n');
  const again = (await (await call('/api/v1/scenarios?arch=amd64')).json()) as { items: { id: string }[] };
  assert.deepEqual(again.items.map((s) => s.id), ['new']);
});

test('parseRange', () => {
  const cases: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 10, undefined],
    ['bytes=0-', 10, { start: 0, end: 9 }],
    ['bytes=2-4', 10, { start: 2, end: 4 }],
    ['bytes=2-40', 10, { start: 2, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=5-2', 10, 'unsatisfiable'],
    ['bytes=0-1,3-4', 10, undefined],
    ['items=0-1', 10, undefined],
  ];
  for (const [header, size, want] of cases) assert.deepEqual(parseRange(header, size), want, String(header));
});
