/**
 * glibc malloc tunables for processes that stream gigabytes (docs/adr/0005): without them Node's 1 MiB stream
 * buffers go back to the kernel when freed and are faulted in again; with them a push needs about a quarter
 * less CPU (violet's side) and the registry of `marketplace up` a fifth less (the receiving side). They only
 * take effect at process start, so the process re-executes itself in place (same pid, same stdio).
 * Leaf module: bin/marketplace.js loads it before anything else.
 */
const TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864';

/** Whether this process could re-exec itself with the tunables (Linux, Node with process.execve, not yet tuned). */
export function canTuneMalloc(): boolean {
  return process.platform === 'linux' && process.env.GLIBC_TUNABLES === undefined && typeof process.execve === 'function';
}

/** Replaces this process with the same command line under the tunables (no return), when it can. */
export function reexecWithMallocTunables(): void {
  if (!canTuneMalloc()) return;
  process.execve!(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, GLIBC_TUNABLES: TUNABLES });
}
