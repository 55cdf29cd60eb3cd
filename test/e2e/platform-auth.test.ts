import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcess, ok } from './harness.ts';

const p = new PlatformProcess();
before(() => p.start());
after(async () => {
  await p.stop();
  p.cleanup();
});

function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const ca = readFileSync(join(p.dataDir, 'ca.crt'));
  return new Promise((resolve, reject) => {
    const req = request(`${p.url}${path}`, { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('token endpoint: username + password → expiring bearer token usable with kubectl', async () => {
  const r = await post('/platform/v1/token', { username: 'admin', password: 'Passw0rd!' });
  assert.equal(r.status, 200);
  assert.ok(Date.parse(String(r.json.expiresAt)) > Date.now());
  assert.deepEqual(r.json.user, { username: 'admin', roleProperty: 'System', roles: ['platform-admin-system'], platformAdmin: true });
  ok(await p.kubectl(['get', 'ns', '--token', String(r.json.token)]), 'kubectl with login token');
  const bad = await post('/platform/v1/token', { username: 'admin', password: 'wrong' });
  assert.equal(bad.status, 401);
  assert.match(String(bad.json.error), /invalid username or password/);
});

test('a Custom user may read but not write', async () => {
  ok(await p.marketplace(['user', 'create', 'dev', '--password', 'devpw', '--role-property', 'Custom', '--role', 'developer']), 'user create');
  const r = await post('/platform/v1/token', { username: 'dev', password: 'devpw' });
  assert.equal(r.status, 200);
  assert.equal((r.json.user as { platformAdmin: boolean }).platformAdmin, false);
  const token = String(r.json.token);
  ok(await p.kubectl(['get', 'ns', '--token', token]), 'read');
  const write = await p.kubectl(['create', 'namespace', 'nope', '--token', token]);
  assert.notEqual(write.code, 0);
  assert.match(write.stderr, /Forbidden.*User "dev" cannot create resource "namespaces"/);
});
