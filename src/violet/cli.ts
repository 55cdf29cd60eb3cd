/**
 * The `violet` entry point. It only turns on Node's compile cache (which also keeps the type-stripped
 * TypeScript) before loading the CLI, because start-up is most of what a no-op re-push costs.
 * Portal downloads stream gigabytes and re-exec at once with malloc tunables (tunables.ts); `push` does so
 * only once it knows it has many bytes to send, so a no-op re-push pays one start-up, not two.
 */
import { enableCompileCache } from 'node:module';
import { reexecWithMallocTunables } from '../oci/tunables.ts';

if (process.argv[2] === 'ac' && /^(download-pkg|download-app|import-yaml)$/.test(process.argv[3] ?? '')) reexecWithMallocTunables();
enableCompileCache();
await import('./main.ts');
