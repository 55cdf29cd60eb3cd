/**
 * Temp dirs and child processes of a benchmark: all removed / stopped at the end, also on failure, on the
 * overall time cap, on Ctrl-C and on SIGTERM (runBench).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

/** A fresh directory under the OS temp dir, removed by cleanup(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Registers a child so cleanup() stops it; returns it. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  return child;
}

/** Forgets a child that has exited on its own. */
export function untrack(child: ChildProcess): void {
  children.delete(child);
}

/** SIGTERM, then SIGKILL after 10 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs `main` under an overall time cap; reports a failure on stderr (exit code 1); always cleans up. */
export async function runBench(main: () => Promise<void>, overallCapMs: number): Promise<void> {
  const guard = setTimeout(() => {
    process.stderr.write(`benchmark exceeded ${overallCapMs / 1000} s, stopping\n`);
    void cleanup().finally(() => process.exit(2));
  }, overallCapMs);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));
  try {
    await main();
  } catch (err) {
    process.stderr.write(`benchmark failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  } finally {
    clearTimeout(guard);
    await cleanup();
  }
}
