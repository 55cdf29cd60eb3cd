import { DatabaseSync } from 'node:sqlite';
import { assertReadableRevision, effectiveLimit, storageErrors } from './errors.ts';
import { numberOf, prefixEnd, prepareSchema, readKeyValue, readKeyValues, toWatchEvent } from './sqlite-schema.ts';
import type { Statements } from './sqlite-schema.ts';
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent } from './types.ts';
import { createWatchHub } from './watch.ts';
import { asyncStorage } from './facade.ts';
import type { SyncStore } from './facade.ts';

/** 64 MiB page cache (negative = KiB): a 10,000-object list then reads from memory, not the WAL. */
const CACHE_KIB = -65536;

/** How hard a commit waits for the disk. */
export interface SqliteStorageOptions {
  /**
   * `NORMAL` (default): in WAL mode a commit is in the OS before it is acknowledged, so it survives
   * the process being killed; the last commits may be lost on power failure or an OS crash.
   * `FULL`: fsync on every commit, survives power loss, at roughly one disk flush per write.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * Opens (creating if needed) a SQLite-backed {@link Storage} using the k3s kine log model, through
 * Node's built-in `node:sqlite`. Revisions continue across reopen. One process owns the file:
 * watchers are notified in-process, so writes from another process would not reach them.
 *
 * @example
 * const storage = openSqliteStorage('/var/lib/marketplace/state.db');
 * const page = await storage.list('/registry/configmaps/', { limit: 500 });
 */
export function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): Storage {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}; PRAGMA busy_timeout = 5000; PRAGMA cache_size = ${CACHE_KIB};`);
    return asyncStorage(new SqliteStore(db, prepareSchema(db)));
  } catch (error) {
    db.close();
    throw error;
  }
}

class SqliteStore implements SyncStore {
  private readonly db: DatabaseSync;
  private readonly sql: Statements;
  readonly hub = createWatchHub();
  /** Cached: this process is the only writer, and AUTOINCREMENT never reuses an id. */
  private revision: number;
  private compacted: number;
  private isClosed = false;

  constructor(db: DatabaseSync, sql: Statements) {
    this.db = db;
    this.sql = sql;
    this.compacted = numberOf(sql.compactedRevision.get());
    this.revision = Math.max(numberOf(sql.lastRevision.get()), this.compacted);
  }

  currentRevision(): number {
    return this.open().revision;
  }

  openCompactedRevision(): number {
    return this.open().compacted;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  private open(): this {
    if (this.isClosed) throw storageErrors.closed();
    return this;
  }

  get(key: string): KeyValue | undefined {
    return readKeyValue(this.open().sql.current, key);
  }

  list(prefix: string, options: ListOptions = {}): ListResult {
    this.open();
    const revision = options.revision ?? this.revision;
    assertReadableRevision(revision, this.compacted, this.revision);
    const limit = effectiveLimit(options.limit);
    const low = options.after !== undefined && options.after >= prefix ? `${options.after}\0` : prefix;
    const high = prefixEnd(prefix);
    const sqlLimit = Number.isFinite(limit) ? limit : -1;
    const isLatest = revision === this.revision;
    const items = isLatest ? readKeyValues(this.sql.listCurrent, low, high, sqlLimit) : readKeyValues(this.sql.listAt, low, high, revision, sqlLimit);
    let remaining = 0;
    if (items.length === limit) {
      const total = isLatest ? this.sql.countCurrent.get(low, high) : this.sql.countAt.get(low, high, revision);
      remaining = numberOf(total) - items.length;
    }
    return { items, revision, remaining };
  }

  count(prefix: string): number {
    return numberOf(this.open().sql.countCurrent.get(prefix, prefixEnd(prefix)));
  }

  create(key: string, value: string): KeyValue {
    const event = this.open().write(() => {
      if (readKeyValue(this.sql.current, key)) throw storageErrors.keyExists(key);
      const revision = this.revision + 1;
      const tombstone = this.sql.newestRowId.get(key);
      this.sql.insertRow.run(revision, key, 1, 0, revision, tombstone ? Number(tombstone.id) : 0, value, null);
      this.sql.setCurrent.run(key, revision);
      const kv = Object.freeze({ key, value, createRevision: revision, modRevision: revision });
      return Object.freeze({ type: 'put', kv, created: true });
    });
    return event.kv;
  }

  update(key: string, value: string, expectedModRevision?: number): KeyValue {
    const event = this.open().write(() => {
      const prevKv = this.checkedCurrent('update', key, expectedModRevision);
      const revision = this.revision + 1;
      this.sql.insertRow.run(revision, key, 0, 0, prevKv.createRevision, prevKv.modRevision, value, prevKv.value);
      this.sql.setCurrent.run(key, revision);
      const kv = Object.freeze({ key, value, createRevision: prevKv.createRevision, modRevision: revision });
      return Object.freeze({ type: 'put', kv, prevKv, created: false });
    });
    return event.kv;
  }

  delete(key: string, expectedModRevision?: number): KeyValue {
    const event = this.open().write(() => {
      const prevKv = this.checkedCurrent('delete', key, expectedModRevision);
      const revision = this.revision + 1;
      this.sql.insertRow.run(revision, key, 0, 1, prevKv.createRevision, prevKv.modRevision, prevKv.value, null);
      this.sql.unsetCurrent.run(key);
      const kv = Object.freeze({ ...prevKv, modRevision: revision });
      return Object.freeze({ type: 'delete', kv, prevKv, created: false });
    });
    return event.kv;
  }

  /**
   * Runs one write in a transaction, then advances the revision and tells the watchers. All of it
   * happens in one synchronous turn, which is what lets watch replay and live delivery meet exactly.
   */
  private write(insert: () => WatchEvent): WatchEvent {
    const event = this.transaction(insert);
    this.revision = event.kv.modRevision;
    this.hub.publish(event);
    return event;
  }

  compact(revision: number): void {
    this.open();
    if (revision > this.revision) throw storageErrors.futureRevision(revision, this.revision);
    if (revision <= this.compacted) return;
    this.transaction(() => {
      // Superseded rows first: tombstones are what point at the rows they superseded.
      this.sql.deleteSuperseded.run(this.compacted, revision);
      this.sql.deleteTombstones.run(this.compacted, revision);
      this.sql.setCompactedRevision.run(revision);
    });
    this.compacted = revision;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.hub.close();
    this.db.close();
  }

  beginWatch(afterRevision: number): number {
    this.open();
    if (afterRevision < this.compacted) throw storageErrors.compacted(afterRevision, this.compacted);
    return this.revision;
  }

  readEvents(prefix: string, afterRevision: number, upTo: number, limit: number): WatchEvent[] {
    if (this.isClosed) return [];
    return this.sql.eventsAfter.all(afterRevision, upTo, prefix, prefixEnd(prefix), limit).map(toWatchEvent);
  }

  private checkedCurrent(operation: 'update' | 'delete', key: string, expectedModRevision: number | undefined): KeyValue {
    const current = readKeyValue(this.sql.current, key);
    if (!current) throw storageErrors.keyNotFound(operation, key);
    if (expectedModRevision !== undefined && expectedModRevision !== current.modRevision) {
      throw storageErrors.conflict(operation, key, expectedModRevision, current);
    }
    return current;
  }

  private transaction<T>(body: () => T): T {
    this.sql.begin.run();
    try {
      const result = body();
      this.sql.commit.run();
      return result;
    } catch (error) {
      this.sql.rollback.run();
      throw error;
    }
  }
}
