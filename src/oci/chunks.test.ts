import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { chunksOf } from './chunks.ts';

test('chunksOf yields the pieces as they came, never joined, even when the consumer lags', async () => {
  const source = new PassThrough();
  const pieces = Array.from({ length: 200 }, (_, i) => Buffer.alloc(1000, i));
  const writer = (async () => {
    for (const p of pieces) source.write(p);
    source.end();
  })();
  const got: Buffer[] = [];
  for await (const chunk of chunksOf(source)) {
    got.push(chunk);
    if (got.length % 50 === 0) await sleep(5); // behind: a read() would now return everything buffered as one Buffer
  }
  await writer;
  assert.equal(got.length, pieces.length);
  assert.ok(got.every((c, i) => c.equals(pieces[i])));
});

test('chunksOf throws the stream error, and an early close is an error too', async () => {
  const failing = new PassThrough();
  setImmediate(() => failing.destroy(new Error('boom')));
  await assert.rejects(async () => { for await (const _ of chunksOf(failing)) void _; }, /boom/);
  const cut = new PassThrough();
  cut.write(Buffer.from('x'));
  setImmediate(() => cut.destroy());
  await assert.rejects(async () => { for await (const _ of chunksOf(cut)) void _; }, /closed before its end/);
});

test('chunksOf passes plain async iterables through and destroys a stream it stops early', async () => {
  async function* gen() { yield Buffer.from('a'); yield Buffer.from('b'); }
  const out: string[] = [];
  for await (const c of chunksOf(gen())) out.push(c.toString());
  assert.deepEqual(out, ['a', 'b']);
  const stream = Readable.from([Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], { objectMode: false });
  for await (const _ of chunksOf(stream)) break;
  assert.equal(stream.destroyed, true);
});

test('a source that closed before chunksOf attached fails at once instead of waiting forever', async () => {
  const gone = new PassThrough();
  gone.write(Buffer.from('x'));
  gone.destroy();
  await new Promise((r) => setImmediate(r)); // its 'close' has been emitted, to nobody
  const outcome = await Promise.race([
    (async () => { for await (const _ of chunksOf(gone)) void _; return 'ended'; })().catch((e: Error) => e.message),
    new Promise<string>((r) => setTimeout(() => r('hung'), 2000)),
  ]);
  assert.match(outcome, /closed before its end/);
  const done = new PassThrough();
  done.end(Buffer.from('y'));
  done.resume();
  await new Promise((r) => done.once('end', r));
  const got: Buffer[] = [];
  for await (const c of chunksOf(done)) got.push(c);
  assert.equal(got.length, 0, 'an ended source yields nothing and ends');
});
