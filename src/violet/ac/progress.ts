import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { DownloadOutcome, ProgressSink } from './download.ts';

/** Download progress: one bar per file in flight on a terminal, one line per finished file otherwise. */

const MiB = 1024 * 1024;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export function describeOutcome(o: DownloadOutcome): string {
  if (o.status === 'failed') return `${o.file}: FAILED — ${o.error}`;
  if (o.status === 'present') return `${o.file}: already downloaded, checksum OK`;
  return `${o.file}: downloaded ${mib(o.fetched)}${o.resumedFrom ? ` (resumed after ${mib(o.resumedFrom)})` : ''}, sha256 verified`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WriteStream): ProgressSink {
  return {
    start() {},
    advance() {},
    finish: (o) => void stream.write(`${describeOutcome(o)}\n`),
  };
}

function barProgress(stream: NodeJS.WriteStream): ProgressSink {
  const multi = new MultiBar({ stream, format: '{file} [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true, clearOnComplete: false, stopOnComplete: false }, Presets.shades_classic);
  const bars = new Map<string, SingleBar>();
  let open = 0;
  return {
    start(file, total, done) {
      const bar = bars.get(file);
      if (bar) return bar.update(done);
      open++;
      bars.set(file, multi.create(total, done, { file }));
    },
    advance: (file, bytes) => bars.get(file)?.increment(bytes),
    finish(o) {
      const bar = bars.get(o.file);
      if (bar) multi.remove(bar);
      bars.delete(o.file);
      multi.log(`${describeOutcome(o)}\n`);
      if (bar && --open === 0) multi.stop();
    },
  };
}
