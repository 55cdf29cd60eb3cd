import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_ROLE, UserStore } from './users.ts';

function store(): { users: UserStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mp-users-'));
  const users = new UserStore(dir);
  users.upsertUser('admin', 'pw', 'System', [ADMIN_ROLE]);
  users.upsertUser('dev', 'pw2', 'Custom', ['developer']);
  return { users, dir };
}

test('passwords are checked and never stored in clear; the file is private', () => {
  const { users, dir } = store();
  assert.ok(users.checkPassword('admin', 'pw'));
  assert.equal(users.checkPassword('admin', 'nope'), undefined);
  assert.equal(users.checkPassword('ghost', 'pw'), undefined);
  assert.doesNotMatch(readFileSync(join(dir, 'users.json'), 'utf8'), /"pw"/);
  assert.equal(statSync(join(dir, 'users.json')).mode & 0o777, 0o600);
});

test('stored tokens authenticate; admins are writers, others read-only', () => {
  const { users } = store();
  const admin = users.issueToken('admin').token;
  const dev = users.issueToken('dev').token;
  assert.deepEqual(users.authenticate(admin), { name: 'admin', groups: [ADMIN_ROLE], readOnly: false });
  assert.equal(users.authenticate(dev)?.readOnly, true);
  assert.equal(users.authenticate('garbage'), undefined);
});

test('signed tokens verify, expire, and cannot be forged', () => {
  const { users } = store();
  const { token } = users.signToken('admin', 60);
  assert.equal(users.authenticate(token)?.name, 'admin');
  const expired = users.signToken('admin', -1).token;
  assert.equal(users.authenticate(expired), undefined);
  const [prefix, payload] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ u: 'admin', e: 9999999999 })).toString('base64url');
  assert.equal(users.authenticate(`${prefix}.${forgedPayload}.${token.split('.')[2]}`), undefined);
  assert.equal(users.authenticate(`${prefix}.${payload}.x`), undefined);
  // Another data dir has another key.
  assert.equal(store().users.authenticate(token), undefined);
});
