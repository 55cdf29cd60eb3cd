import { finished } from 'node:stream';
import type { Readable } from 'node:stream';

/** Chunks held before the source is paused (TLS delivers ~16 KiB each: about 1 MiB). */
const HIGH_CHUNKS = 64;
const LOW_CHUNKS = 16;

/**
 * The chunks of a byte stream exactly as they arrive. `for await (… of stream)` reads with `read()`, which
 * joins everything buffered into one new Buffer whenever the consumer fell behind (for instance while a
 * batch is being written to disk): a copy of every byte into freshly faulted-in memory. This yields the
 * pieces themselves and pauses the source while HIGH_CHUNKS wait. Ends with the stream; throws its error,
 * or an error when it closes before its end.
 */
export async function* chunksOf(stream: Readable | NodeJS.ReadableStream | AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (typeof (stream as Readable).on !== 'function' || typeof (stream as Readable).pause !== 'function') {
    yield* stream as AsyncIterable<Buffer>; // not a stream (a generator): nothing gets joined
    return;
  }
  const source = stream as Readable;
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= HIGH_CHUNKS) source.pause();
    notify();
  };
  source.on('data', onData);
  // finished() also reports a source that ended, failed or closed before we got here (a connection cut
  // while the consumer was still opening its file): plain listeners would wait for events that never come.
  const stopWatching = finished(source, { writable: false }, (err) => {
    if (err) failure ??= err.code === 'ERR_STREAM_PREMATURE_CLOSE' ? new Error('the stream closed before its end') : err;
    else ended = true;
    notify();
  });
  if (!source.readableEnded && !source.destroyed) source.resume(); // a source handed over explicitly paused would not start on its own
  try {
    let head = 0;
    for (;;) {
      if (head < queue.length) {
        const chunk = queue[head++];
        if (head === queue.length) queue.length = head = 0;
        if (queue.length - head <= LOW_CHUNKS && source.isPaused()) source.resume();
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    source.off('data', onData);
    stopWatching();
    if (!ended && !source.destroyed) source.destroy();
  }
}
