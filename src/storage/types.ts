/**
 * The storage contract the API server is written against. It mirrors the subset of etcd v3 that
 * kube-apiserver uses (Range, Txn with a revision compare, Watch from a revision, Compact), so an
 * etcd implementation can be added without touching the API server. Keys are opaque strings
 * (the API server uses `/<cluster>/<group>/<resource>/<namespace>/<name>`); values are JSON text.
 */

/** One stored key at one revision. */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which the key was created (etcd create_revision). */
  createRevision: number;
  /** Revision of the last write to the key (etcd mod_revision); becomes resourceVersion. */
  modRevision: number;
}

export interface ListOptions {
  /** Read as of this revision (must not be compacted). Default: the current revision. */
  revision?: number;
  /** Only keys strictly greater than this one (for paging). */
  after?: string;
  /** At most this many keys. Default: all. */
  limit?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** Keys under the prefix after the last returned item, at that revision. */
  remaining: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For put: the new value. For delete: the last value, with modRevision = the deletion revision. */
  kv: KeyValue;
  /** The value before this event, when there was one (etcd prev_kv). */
  prevKv?: KeyValue;
  /** True when this put created the key. */
  created: boolean;
}

export interface WatchOptions {
  /** Deliver events with revision strictly greater than this. Must not be below the compacted revision. */
  afterRevision: number;
  signal: AbortSignal;
}

/** Thrown by storage: the key exists / does not exist / revision compare failed / revision compacted. */
export type StorageErrorCode = 'KeyExists' | 'KeyNotFound' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Closed';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** For Conflict: the current value. For Compacted: the compacted revision in `revision`. */
  readonly current?: KeyValue;
  readonly revision?: number;

  constructor(code: StorageErrorCode, message: string, extra: { current?: KeyValue; revision?: number } = {}) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
    this.current = extra.current;
    this.revision = extra.revision;
  }
}

export interface Storage {
  /** The latest revision (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The newest revision that has been compacted away (0 if none). */
  compactedRevision(): Promise<number>;

  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, sorted by key. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Count of live keys under a prefix. */
  count(prefix: string): Promise<number>;

  /** Create; throws KeyExists. Returns the stored kv (modRevision = new revision). */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Update; throws KeyNotFound, or Conflict when `expectedModRevision` is given and differs from
   * the key's current modRevision.
   */
  update(key: string, value: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Delete; same preconditions as update. Returns the deleted kv with modRevision = deletion revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /**
   * Stream changes under `prefix` after `options.afterRevision`, in revision order, until the signal
   * aborts. Throws StorageError('Compacted') synchronously-on-first-iteration if afterRevision is
   * older than the compacted revision. The iterator ends when the signal aborts or the store closes.
   */
  watch(prefix: string, options: WatchOptions): AsyncIterable<WatchEvent>;

  /** Drop history at or below `revision` (never the latest value of a live key). */
  compact(revision: number): Promise<void>;

  close(): Promise<void>;
}
