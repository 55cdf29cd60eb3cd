/**
 * The `violet` entry point. It only turns on Node's compile cache (which also keeps the type-stripped
 * TypeScript) before loading the CLI, because start-up is most of what a no-op re-push costs.
 *
 * Commands that stream gigabytes (push, ac downloads) first re-exec themselves in place with glibc malloc
 * tunables: Node's 1 MiB stream buffers are otherwise handed back to the kernel and faulted in again, which
 * costs about a tenth of a push on a virtual machine (measured with perf, docs/adr/0005).
 */
import { enableCompileCache } from 'node:module';

const TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864';
const STREAMING = new Set(['push', 'ac']);

if (process.platform === 'linux' && process.env.GLIBC_TUNABLES === undefined && STREAMING.has(process.argv[2] ?? '') && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, GLIBC_TUNABLES: TUNABLES });
}
enableCompileCache();
await import('./main.ts');
