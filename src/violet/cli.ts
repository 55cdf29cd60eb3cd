/**
 * The `violet` entry point. It only turns on Node's compile cache (which also keeps the type-stripped
 * TypeScript) before loading the CLI, because start-up is most of what a no-op re-push costs.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./main.ts');
