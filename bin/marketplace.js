#!/usr/bin/env node
// The compile cache is turned on here, in plain JavaScript, so that even the TypeScript entry point comes from
// the cache: Node then never loads its type stripper, about 0.15 s of every start-up (docs/adr/0005).
import { enableCompileCache } from 'node:module';

enableCompileCache();
// `marketplace up` serves the registry: it runs under glibc malloc tunables, re-executed in place before it
// loads anything else (about 50 ms; no-op where not Linux or already tuned).
if (process.argv[2] === 'up') (await import('../src/oci/tunables.ts')).reexecWithMallocTunables();
await import('../src/platform/cli.ts');
