import type { KeyValue, ListOptions, ListResult, Storage, WatchOptions } from './types.ts';
import type { WatchHub, WatchSource } from './watch.ts';
import { streamWatch } from './watch.ts';

/**
 * What a synchronous store implementation provides (memory, SQLite). Every method checks that the store
 * is open; {@link asyncStorage} turns it into the promise-based {@link Storage} contract.
 */
export interface SyncStore extends WatchSource {
  readonly hub: WatchHub;
  currentRevision(): number;
  /** The compacted revision, after the open check (WatchSource's variant skips it for replay pages). */
  openCompactedRevision(): number;
  get(key: string): KeyValue | undefined;
  list(prefix: string, options?: ListOptions): ListResult;
  count(prefix: string): number;
  create(key: string, value: string): KeyValue;
  update(key: string, value: string, expectedModRevision?: number): KeyValue;
  delete(key: string, expectedModRevision?: number): KeyValue;
  compact(revision: number): void;
  close(): void;
}

/** The Storage contract over a synchronous store; watches replay history, then follow the hub. */
export function asyncStorage(store: SyncStore): Storage {
  return {
    currentRevision: async () => store.currentRevision(),
    compactedRevision: async () => store.openCompactedRevision(),
    get: async (key) => store.get(key),
    list: async (prefix, options) => store.list(prefix, options),
    count: async (prefix) => store.count(prefix),
    create: async (key, value) => store.create(key, value),
    update: async (key, value, expected) => store.update(key, value, expected),
    delete: async (key, expected) => store.delete(key, expected),
    watch: (prefix: string, options: WatchOptions) => streamWatch(store.hub, store, prefix, options),
    compact: async (revision) => store.compact(revision),
    close: async () => store.close(),
  };
}
