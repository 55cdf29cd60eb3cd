/**
 * Process measurements from /proc (Linux): memory (VmRSS/VmHWM), CPU (utime/stime), peak reset, and
 * measured subprocess runs. Values that cannot be read are NaN.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { stopChild, track, untrack } from './cleanup.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** VmRSS / VmHWM in bytes from /proc/<pid>/status. */
export function procMemory(pid: number | 'self'): { rss: number; hwm: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** CPU milliseconds from /proc/<pid>/stat: own utime+stime, and cutime+cstime of reaped children (USER_HZ = 100, as on every Linux build). */
export function procCpuMs(pid: number | 'self'): { own: number; children: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { own: (f[11] + f[12]) * 10, children: (f[13] + f[14]) * 10 };
  } catch {
    return { own: NaN, children: NaN };
  }
}

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0); false if not allowed. */
export function resetPeak(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples this process's VmRSS every `intervalMs`; stop() returns the maximum seen. */
export function rssSampler(intervalMs: number): { stop(): number } {
  let max = procMemory('self').rss;
  const timer = setInterval(() => (max = Math.max(max, procMemory('self').rss)), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, procMemory('self').rss);
    },
  };
}

/** Keeps the last `max` characters of a child's output (for error messages). */
export function tail(max = 16_384): { add(chunk: Buffer): void; text(): string } {
  let text = '';
  return {
    add(chunk) {
      text = (text + chunk.toString()).slice(-max);
    },
    text: () => text,
  };
}

/** First line of `<cmd> <args>` (e.g. `--version`), or "<cmd>: not runnable". */
export function toolVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).trim().split('\n')[0];
  } catch {
    return `${cmd}: not runnable`;
  }
}

/** Flushes dirty pages so one phase's write-back does not slow the next (not timed). */
export function syncDisks(): void {
  try {
    execFileSync('sync', [], { timeout: 60_000 });
  } catch {
    // best effort
  }
}

/** Time cap for moving `bytes`: at least 60 s, else as long as the bytes take at 4 MB/s. */
export function capFor(bytes: number): number {
  return Math.round(Math.max(60_000, (bytes / 4e6) * 1000));
}

export interface Run {
  code: number | null;
  wallMs: number;
  /** utime + stime of the subprocess (reaped-children delta of this process). */
  cpuMs: number;
  /** max(VmHWM, VmRSS) sampled every `sampleMs` while it ran (NaN without sampling). */
  peakRss: number;
  /** CPU of the watched process over the run. */
  watchedCpuMs: number;
  /** Peak RSS of the watched process over the run (VmHWM after a reset; sampled VmRSS when the reset is refused). */
  watchedPeakRss: number;
  /** Last 16 KiB of stdout / stderr. */
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stdoutLines: number;
  timedOut: boolean;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  capMs: number;
  /** Sample the subprocess's (and the watched process's) memory at this interval. */
  sampleMs?: number;
  /** Another process (a server) whose CPU and peak RSS are measured over the run. */
  watchPid?: number;
  /** On the time cap: SIGKILL at once instead of SIGTERM, then SIGKILL after 10 s. */
  hardKill?: boolean;
}

/** Runs one subprocess to completion (bounded by capMs), timing it and measuring its CPU and memory. */
export async function measured(cmd: string, args: string[], opts: RunOptions): Promise<Run> {
  const { watchPid, sampleMs } = opts;
  const watchedReset = watchPid !== undefined ? resetPeak(watchPid) : false;
  const watchedCpu0 = watchPid !== undefined ? procCpuMs(watchPid).own : NaN;
  const reaped0 = procCpuMs('self').children;
  const stdout = tail();
  const stderr = tail();
  let stdoutBytes = 0;
  let stdoutLines = 0;
  const t0 = performance.now();
  const child = track(spawn(cmd, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout.on('data', (c: Buffer) => {
    stdout.add(c);
    stdoutBytes += c.length;
    for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) stdoutLines++;
  });
  child.stderr.on('data', stderr.add);
  let peakRss = 0;
  let watchedRss = 0;
  const sample = () => {
    const m = procMemory(child.pid ?? -1);
    peakRss = Math.max(peakRss, Number.isFinite(m.hwm) ? m.hwm : 0, Number.isFinite(m.rss) ? m.rss : 0);
    if (watchPid !== undefined) watchedRss = Math.max(watchedRss, procMemory(watchPid).rss || 0);
  };
  const sampler = sampleMs ? setInterval(sample, sampleMs) : undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (opts.hardKill) child.kill('SIGKILL');
    else void stopChild(child);
  }, opts.capMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr.add(Buffer.from(String(err)));
      resolve(null);
    });
    child.once('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - t0;
  clearTimeout(timer);
  clearInterval(sampler);
  untrack(child);
  const watchedPeakRss = watchPid !== undefined ? Math.max(watchedRss, watchedReset ? procMemory(watchPid).hwm : 0) : NaN;
  return {
    code,
    wallMs,
    cpuMs: procCpuMs('self').children - reaped0,
    peakRss: peakRss || NaN,
    watchedCpuMs: watchPid !== undefined ? procCpuMs(watchPid).own - watchedCpu0 : NaN,
    watchedPeakRss: watchedPeakRss || NaN,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdoutBytes,
    stdoutLines,
    timedOut,
  };
}
