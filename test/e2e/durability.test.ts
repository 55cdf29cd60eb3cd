import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcess } from './harness.ts';

const first = new PlatformProcess();
after(() => first.cleanup());

function call(p: PlatformProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: { metadata?: { resourceVersion?: string; name?: string }; items?: { metadata: { name: string; resourceVersion: string } }[] } }> {
  const ca = readFileSync(join(p.dataDir, 'ca.crt'));
  const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(`${p.url}${path}`, { method, ca, headers: { Authorization: `Bearer ${p.token()}`, 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('kill -9 during writes: every acknowledged write survives, resourceVersions continue', async () => {
  await first.start();
  const acknowledged = new Map<string, number>();
  let stop = false;
  const writer = async (id: number) => {
    for (let i = 0; !stop; i++) {
      const name = `w${id}-${i}`;
      try {
        const r = await call(first, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
        if (r.status === 201) acknowledged.set(name, Number(r.json.metadata!.resourceVersion));
      } catch {
        return; // connection cut by the kill
      }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((r) => setTimeout(r, 1500));
  await first.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  assert.ok(acknowledged.size > 20, `only ${acknowledged.size} writes were acknowledged`);

  const second = new PlatformProcess(first.dataDir);
  await second.start();
  try {
    const list = await call(second, 'GET', '/api/v1/namespaces/default/configmaps');
    const present = new Map(list.json.items!.map((i) => [i.metadata.name, Number(i.metadata.resourceVersion)]));
    for (const [name, rv] of acknowledged) assert.equal(present.get(name), rv, `${name} lost or changed`);
    const maxRV = Math.max(...acknowledged.values());
    const next = await call(second, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-restart' } });
    assert.equal(next.status, 201);
    assert.ok(Number(next.json.metadata!.resourceVersion) > maxRV, 'resourceVersion went backwards after restart');
  } finally {
    await second.stop();
    second.cleanup();
  }
});
