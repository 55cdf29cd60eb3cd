/** kill -9 of a registry process in the middle of an upload: nothing partial becomes visible, and pushes complete after restart. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { ensureTls } from '../platform/tls.ts';
import { basic, call, pushImage, sha256 } from './testing.ts';
import type { TestRegistry } from './testing.ts';

const children: ChildProcess[] = [];
let dir = '';
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startChild(root: string, tlsDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'testing-server.ts'), root, tlsDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

test('kill -9 mid-upload: no partial blob is visible, the session resumes, and a full push succeeds', async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-crash-'));
  const root = join(dir, 'registry');
  const tlsDir = join(dir, 'tls');
  await mkdir(tlsDir);
  const { ca } = await ensureTls(tlsDir);
  const blob = randomBytes(64 * 1024 * 1024);
  const digest = sha256(blob);

  const first = await startChild(root, tlsDir);
  const started = await call({ port: first.port, ca }, '/v2/acp/big/blobs/uploads/', { method: 'POST' });
  const location = String(started.headers.location);
  const dataFile = join(root, 'uploads', location.split('/').pop()!, 'data');

  const req = https.request({ host: '127.0.0.1', port: first.port, path: location, method: 'PATCH', ca, agent: false, headers: { ...basic('admin'), 'Content-Length': String(blob.length), 'Content-Range': `0-${blob.length - 1}` } });
  req.on('error', () => undefined);
  let sent = 0;
  const pump = async () => {
    while (sent < blob.length && !req.destroyed) {
      const chunk = blob.subarray(sent, sent + 1024 * 1024);
      sent += chunk.length;
      if (!req.write(chunk)) await once(req, 'drain').catch(() => undefined);
    }
  };
  void pump();
  for (let i = 0; i < 4000 && (await sizeOf(dataFile)) < 8 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok((await sizeOf(dataFile)) >= 8 * 1024 * 1024, 'the upload was under way when the process was killed');
  await killHard(first.child);
  req.destroy();
  assert.ok((await sizeOf(dataFile)) < blob.length, 'killed before the body completed');
  assert.deepEqual(await readdir(join(root, 'blobs')).catch(() => []), [], 'no blob was committed');

  const second = await startChild(root, tlsDir);
  const t = { port: second.port, ca };
  assert.equal((await call(t, `/v2/acp/big/blobs/${digest}`, { method: 'HEAD' })).status, 404);
  const status = await call(t, location);
  assert.equal(status.status, 204, 'the session survived the restart');
  const offset = Number(/^0-(\d+)$/.exec(String(status.headers.range))![1]) + 1;
  assert.equal(offset, await sizeOf(dataFile));
  const done = await call(t, `${location}?digest=${digest}`, { method: 'PUT', body: blob.subarray(offset), headers: { 'Content-Range': `${offset}-${blob.length - 1}` } });
  assert.equal(done.status, 201, done.body.toString());
  const got = await call(t, `/v2/acp/big/blobs/${digest}`);
  assert.equal(sha256(got.body), digest);

  const image = await pushImage({ ...t, host: `127.0.0.1:${second.port}` } as TestRegistry, 'acp/big', 'v1', ['after the crash']);
  const manifest = await call(t, '/v2/acp/big/manifests/v1');
  assert.equal(manifest.headers['docker-content-digest'], image.digest);
  await killHard(second.child);
});
