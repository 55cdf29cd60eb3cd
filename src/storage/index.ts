/**
 * Storage: the etcd-v3-shaped key-value contract the API server is written against, and its
 * implementations. Test suite for new implementations: `runStorageConformance` in ./conformance.ts
 * (not exported here, it imports node:test).
 *
 * @example
 * import { openSqliteStorage } from '../storage/index.ts';
 * const storage = openSqliteStorage('state.db');
 */
export { StorageError } from './types.ts';
export type {
  KeyValue,
  ListOptions,
  ListResult,
  Storage,
  StorageErrorCode,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.ts';
export { createMemoryStorage } from './memory.ts';
export { openSqliteStorage } from './sqlite.ts';
export type { SqliteStorageOptions } from './sqlite.ts';
