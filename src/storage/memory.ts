import { assertReadableRevision, effectiveLimit, storageErrors } from './errors.ts';
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent } from './types.ts';
import { createWatchHub } from './watch.ts';
import { asyncStorage } from './facade.ts';
import type { SyncStore } from './facade.ts';

/** One write to a key: its value after the write, or a tombstone. */
interface Version {
  kv: KeyValue;
  deleted: boolean;
}

/**
 * Creates an in-memory {@link Storage} with etcd semantics. It keeps every key's history until
 * compaction, so lists at older revisions and watches from older revisions work as with etcd.
 * Returned objects are frozen: they are shared with the history and with every watcher.
 *
 * @example
 * const storage = createMemoryStorage();
 * const kv = await storage.create('/registry/configmaps/default/a', '{"data":{}}');
 * await storage.update(kv.key, '{"data":{"x":"1"}}', kv.modRevision);
 */
export function createMemoryStorage(): Storage {
  return asyncStorage(new MemoryStore());
}

class MemoryStore implements SyncStore {
  private revision = 0;
  private compacted = 0;
  private isClosed = false;
  /** Every key that has history, sorted, so prefix ranges are a binary search away. */
  private keys: string[] = [];
  private readonly history = new Map<string, Version[]>();
  /** One event per revision: log[i] is revision logStart + i. */
  private log: WatchEvent[] = [];
  private logStart = 1;
  readonly hub = createWatchHub();

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
    return this.open().liveVersion(key)?.kv;
  }

  list(prefix: string, options: ListOptions = {}): ListResult {
    this.open();
    const revision = options.revision ?? this.revision;
    assertReadableRevision(revision, this.compacted, this.revision);
    const limit = effectiveLimit(options.limit);
    const items: KeyValue[] = [];
    let remaining = 0;
    for (const key of this.keysUnder(prefix, options.after)) {
      const version = versionAt(this.history.get(key) ?? [], revision);
      if (!version || version.deleted) continue;
      if (items.length < limit) items.push(version.kv);
      else remaining++;
    }
    return { items, revision, remaining };
  }

  count(prefix: string): number {
    this.open();
    let live = 0;
    for (const key of this.keysUnder(prefix)) if (this.liveVersion(key)) live++;
    return live;
  }

  create(key: string, value: string): KeyValue {
    this.open();
    if (this.liveVersion(key)) throw storageErrors.keyExists(key);
    const revision = this.revision + 1;
    const kv = Object.freeze({ key, value, createRevision: revision, modRevision: revision });
    this.append({ kv, deleted: false }, { type: 'put', kv, created: true });
    return kv;
  }

  update(key: string, value: string, expectedModRevision?: number): KeyValue {
    const prevKv = this.open().checkedCurrent('update', key, expectedModRevision);
    const kv = Object.freeze({ key, value, createRevision: prevKv.createRevision, modRevision: this.revision + 1 });
    this.append({ kv, deleted: false }, { type: 'put', kv, prevKv, created: false });
    return kv;
  }

  delete(key: string, expectedModRevision?: number): KeyValue {
    const prevKv = this.open().checkedCurrent('delete', key, expectedModRevision);
    const kv = Object.freeze({ ...prevKv, modRevision: this.revision + 1 });
    this.append({ kv, deleted: true }, { type: 'delete', kv, prevKv, created: false });
    return kv;
  }

  compact(revision: number): void {
    this.open();
    if (revision > this.revision) throw storageErrors.futureRevision(revision, this.revision);
    if (revision <= this.compacted) return;
    for (const [key, versions] of this.history) {
      const kept = compactVersions(versions, revision);
      if (kept.length > 0) this.history.set(key, kept);
      else this.history.delete(key);
    }
    this.keys = this.keys.filter((key) => this.history.has(key));
    this.log = this.log.slice(revision + 1 - this.logStart);
    this.logStart = revision + 1;
    this.compacted = revision;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.hub.close();
  }

  beginWatch(afterRevision: number): number {
    this.open();
    if (afterRevision < this.compacted) throw storageErrors.compacted(afterRevision, this.compacted);
    return this.revision;
  }

  readEvents(prefix: string, afterRevision: number, upTo: number, limit: number): WatchEvent[] {
    const events: WatchEvent[] = [];
    const last = Math.min(upTo, this.revision);
    for (let revision = Math.max(afterRevision + 1, this.logStart); revision <= last && events.length < limit; revision++) {
      const event = this.log[revision - this.logStart];
      if (event.kv.key.startsWith(prefix)) events.push(event);
    }
    return events;
  }

  /** Commits one write: the revision, the key's history, the event log, then the watchers. */
  private append(version: Version, event: WatchEvent): void {
    const key = version.kv.key;
    this.revision = version.kv.modRevision;
    const versions = this.history.get(key);
    if (versions) versions.push(version);
    else {
      this.history.set(key, [version]);
      this.keys.splice(lowerBound(this.keys, key), 0, key);
    }
    const frozen = Object.freeze(event);
    this.log.push(frozen);
    this.hub.publish(frozen);
  }

  private checkedCurrent(operation: 'update' | 'delete', key: string, expectedModRevision: number | undefined): KeyValue {
    const current = this.liveVersion(key)?.kv;
    if (!current) throw storageErrors.keyNotFound(operation, key);
    if (expectedModRevision !== undefined && expectedModRevision !== current.modRevision) {
      throw storageErrors.conflict(operation, key, expectedModRevision, current);
    }
    return current;
  }

  private liveVersion(key: string): Version | undefined {
    const versions = this.history.get(key);
    const latest = versions?.[versions.length - 1];
    return latest && !latest.deleted ? latest : undefined;
  }

  /** Keys starting with `prefix` (and greater than `after`), in order. */
  private *keysUnder(prefix: string, after?: string): Generator<string> {
    const start = after !== undefined && after >= prefix ? upperBound(this.keys, after) : lowerBound(this.keys, prefix);
    for (let i = start; i < this.keys.length && this.keys[i].startsWith(prefix); i++) yield this.keys[i];
  }
}

/** The key's version as of `revision`: the newest write at or before it. */
function versionAt(versions: Version[], revision: number): Version | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    if (versions[i].kv.modRevision <= revision) return versions[i];
  }
  return undefined;
}

/** Drops writes superseded at or before `revision`, and a tombstone that is the state at `revision`. */
function compactVersions(versions: Version[], revision: number): Version[] {
  let newestAtOrBefore = -1;
  for (let i = 0; i < versions.length && versions[i].kv.modRevision <= revision; i++) newestAtOrBefore = i;
  if (newestAtOrBefore < 0) return versions;
  const dropThrough = versions[newestAtOrBefore].deleted ? newestAtOrBefore + 1 : newestAtOrBefore;
  return versions.slice(dropThrough);
}

/** Index of the first element >= value. */
function lowerBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first element > value. */
function upperBound(sorted: string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
