import { createRequire } from 'node:module';
import type * as NodeHttp from 'node:http';

/**
 * `node:http`, loaded with require. An ESM import of the builtin makes Node evaluate all of its lazy exports,
 * and one of them loads Node's bundled undici: about 40 ms of every process start (violet push, marketplace
 * up), for nothing. Import `http` from here instead of from 'node:http' (types may still come from there).
 */
export const http = createRequire(import.meta.url)('node:http') as typeof NodeHttp;
