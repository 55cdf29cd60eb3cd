import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/**
 * HTTP/1.1 blob bodies from a small set of reused 1 MiB buffers: a buffer goes back into the pool only when
 * the socket reported its write done, so the bytes were encrypted and handed to the kernel. A read stream
 * allocates a fresh buffer per MiB instead, which on a 2-core VM costs page faults and a major GC every
 * ~64 MiB sent (docs/adr/0005). Two buffers per response: one being read from disk, one being written.
 */
const BUFFER_BYTES = 1 << 20;
const BUFFERS_PER_RESPONSE = 2;
/** Idle buffers kept for the next responses (16 MiB at most). */
const POOL_MAX = 16;
const pool: Buffer[] = [];

function take(size: number): Buffer {
  if (size < BUFFER_BYTES) return Buffer.allocUnsafe(size);
  return pool.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
}

function give(buf: Buffer): void {
  if (buf.length === BUFFER_BYTES && pool.length < POOL_MAX) pool.push(buf);
}

/**
 * Writes `length` bytes of `fh` from `offset` to `res` and ends it. Rejects when the client goes away or the
 * file is shorter than promised (the response is then destroyed; the caller closes `fh`).
 */
export async function sendFileRange(res: ServerResponse, fh: FileHandle, offset: number, length: number): Promise<void> {
  const buffers = Array.from({ length: Math.min(BUFFERS_PER_RESPONSE, Math.ceil(length / BUFFER_BYTES)) }, () => take(Math.min(length, BUFFER_BYTES)));
  const writes: Promise<void>[] = buffers.map(() => Promise.resolve());
  // Write callbacks may never run once the client is gone; 'close' ends the wait instead.
  let onClose = () => {};
  const gone = new Promise<never>((_, reject) => (onClose = () => reject(new Error('the client closed the connection'))));
  gone.catch(() => undefined);
  res.once('close', onClose);
  const settled = (p: Promise<void>) => Promise.race([p, gone]);
  try {
    for (let pos = offset, left = length, i = 0; left > 0; i = (i + 1) % buffers.length) {
      await settled(writes[i]);
      const buf = buffers[i];
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, left), pos);
      if (bytesRead === 0) throw new Error(`the blob file ended ${left} bytes early`);
      writes[i] = new Promise((resolve, reject) => void res.write(buf.subarray(0, bytesRead), (err) => (err ? reject(err) : resolve())));
      writes[i].catch(() => undefined); // awaited later; a failed write must not count as unhandled meanwhile
      pos += bytesRead;
      left -= bytesRead;
    }
    await settled(Promise.all(writes).then(() => undefined));
    res.off('close', onClose);
    res.end();
    buffers.forEach(give);
  } catch (err) {
    res.off('close', onClose);
    res.destroy();
    throw err;
  }
}
