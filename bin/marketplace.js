#!/usr/bin/env node
// Entry for the installed `marketplace` command: TypeScript runs by type stripping (Node >= 24).
import '../src/platform/cli.ts';
