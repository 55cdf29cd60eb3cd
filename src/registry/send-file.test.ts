import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendFileRange } from './send-file.ts';

const data = randomBytes(3 * 1024 * 1024 + 123);
const file = join(mkdtempSync(join(tmpdir(), 'send-file-')), 'blob');
writeFileSync(file, data);

async function serve(onDone: (outcome: string) => void): Promise<{ port: number; close(): void }> {
  const server = http.createServer(async (req, res) => {
    const [offset, length] = (req.url ?? '/0/0').slice(1).split('/').map(Number);
    const fh = await open(file, 'r');
    res.writeHead(200, { 'Content-Length': length });
    await sendFileRange(res, fh, offset, length).then(() => onDone('sent'), (err: Error) => onDone(`failed: ${err.message}`));
    await fh.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

function get(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get({ port, path, host: '127.0.0.1' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts))).on('error', reject);
    }).on('error', reject);
  });
}

test('sendFileRange sends exactly the range, from reused buffers, twice in a row', async () => {
  const outcomes: string[] = [];
  const s = await serve((o) => outcomes.push(o));
  try {
    assert.deepEqual(await get(s.port, `/0/${data.length}`), data);
    assert.deepEqual(await get(s.port, `/1000/${2 * 1024 * 1024}`), data.subarray(1000, 1000 + 2 * 1024 * 1024));
    assert.deepEqual(await get(s.port, '/5/10'), data.subarray(5, 15));
    assert.deepEqual(outcomes, ['sent', 'sent', 'sent']);
  } finally {
    s.close();
  }
});

test('a client that goes away mid-body ends the send with an error, it does not hang', async () => {
  let settle!: (o: string) => void;
  const done = new Promise<string>((r) => (settle = r));
  const s = await serve((o) => settle(o));
  try {
    await new Promise<void>((resolve) => {
      const req = http.get({ port: s.port, path: `/0/${data.length}`, host: '127.0.0.1' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    const outcome = await Promise.race([done, new Promise<string>((r) => setTimeout(() => r('hung'), 5000))]);
    assert.match(outcome, /^failed|^sent/); // a fast loopback may have sent it all already; it must not hang
  } finally {
    s.close();
  }
});

test('a file shorter than the promised length is an error', async () => {
  let outcome = '';
  const s = await serve((o) => (outcome = o));
  try {
    await get(s.port, `/${data.length - 10}/100`).catch(() => Buffer.alloc(0));
    await new Promise((r) => setTimeout(r, 50));
    assert.match(outcome, /ended 90 bytes early/);
  } finally {
    s.close();
  }
});
