#!/usr/bin/env node
// The compile cache is turned on here, in plain JavaScript, so that even the TypeScript entry point comes from
// the cache: Node then never loads its type stripper, about 0.15 s of every start-up (docs/adr/0005).
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('../src/violet/cli.ts');
