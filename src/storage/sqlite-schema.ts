import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { KeyValue, WatchEvent } from './types.ts';

/**
 * The kine log model (k3s-io/kine pkg/drivers/sqlite): every write is a row whose id is the
 * revision. `current` maps each live key to its latest row so reads at the current revision
 * never scan history; reads at older revisions use kine's max(id)-per-name over (name, id).
 * A delete row keeps the last value in `value` (that is what the delete event carries) and
 * leaves `old_value` NULL; a put row carries the previous value in `old_value` for prevKv.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL,
  old_value TEXT
);
CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision ON kine (name, prev_revision);
CREATE TABLE IF NOT EXISTS current (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** KV statements return arrays in this column order: fewer allocations on 10,000-row lists. */
const KV_COLUMNS = 'k.id, k.name, k.create_revision, k.value';
const LATEST_AT = 'SELECT MAX(id) AS id FROM kine WHERE name >= ? AND name < ? AND id <= ? GROUP BY name';

/** Every statement the store runs, prepared once. Range bounds are `[low, high)`. */
export interface Statements {
  begin: StatementSync;
  commit: StatementSync;
  rollback: StatementSync;
  lastRevision: StatementSync;
  compactedRevision: StatementSync;
  setCompactedRevision: StatementSync;
  /** (name) → live kv row. */
  current: StatementSync;
  /** (name) → id of the newest row, tombstone or not. */
  newestRowId: StatementSync;
  insertRow: StatementSync;
  setCurrent: StatementSync;
  unsetCurrent: StatementSync;
  /** (low, high, limit) → live kv rows at the current revision. */
  listCurrent: StatementSync;
  /** (low, high) → { n } */
  countCurrent: StatementSync;
  /** (low, high, revision, limit) → live kv rows as of revision. */
  listAt: StatementSync;
  /** (low, high, revision) → { n } */
  countAt: StatementSync;
  /** (afterRevision, upTo, low, high, limit) → full rows, oldest first. */
  eventsAfter: StatementSync;
  /** (previousCompacted, revision): rows superseded by a later row at or before revision. */
  deleteSuperseded: StatementSync;
  /** (previousCompacted, revision) */
  deleteTombstones: StatementSync;
}

/** Creates the tables if needed and prepares the statements. */
export function prepareSchema(db: DatabaseSync): Statements {
  db.exec(SCHEMA);
  const p = (sql: string): StatementSync => db.prepare(sql);
  const kv = (sql: string): StatementSync => {
    const statement = db.prepare(sql);
    statement.setReturnArrays(true);
    return statement;
  };
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    lastRevision: p(`SELECT seq AS n FROM sqlite_sequence WHERE name = 'kine'`),
    compactedRevision: p(`SELECT value AS n FROM meta WHERE name = 'compacted_revision'`),
    setCompactedRevision: p(`INSERT INTO meta (name, value) VALUES ('compacted_revision', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`),
    current: kv(`SELECT ${KV_COLUMNS} FROM current c JOIN kine k ON k.id = c.id WHERE c.name = ?`),
    newestRowId: p('SELECT id FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1'),
    insertRow: p('INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    setCurrent: p('INSERT INTO current (name, id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET id = excluded.id'),
    unsetCurrent: p('DELETE FROM current WHERE name = ?'),
    listCurrent: kv(`SELECT ${KV_COLUMNS} FROM current c JOIN kine k ON k.id = c.id WHERE c.name >= ? AND c.name < ? ORDER BY c.name LIMIT ?`),
    countCurrent: p('SELECT count(*) AS n FROM current WHERE name >= ? AND name < ?'),
    listAt: kv(`SELECT ${KV_COLUMNS} FROM kine k JOIN (${LATEST_AT}) m ON k.id = m.id WHERE k.deleted = 0 ORDER BY k.name LIMIT ?`),
    countAt: p(`SELECT count(*) AS n FROM kine k JOIN (${LATEST_AT}) m ON k.id = m.id WHERE k.deleted = 0`),
    eventsAfter: p('SELECT * FROM kine WHERE id > ? AND id <= ? AND name >= ? AND name < ? ORDER BY id LIMIT ?'),
    deleteSuperseded: p('DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE id > ? AND id <= ? AND prev_revision != 0)'),
    deleteTombstones: p('DELETE FROM kine WHERE id > ? AND id <= ? AND deleted = 1'),
  };
}

type Row = Record<string, unknown>;
type KeyValueRow = [id: number, name: string, createRevision: number, value: string];

/** Runs a KV statement (current, listCurrent, listAt) and returns frozen KeyValues. */
export function readKeyValues(statement: StatementSync, ...parameters: SQLInputValue[]): KeyValue[] {
  return (statement.all(...parameters) as unknown as KeyValueRow[]).map(toKeyValue);
}

/** Runs a KV statement expected to match at most one row. */
export function readKeyValue(statement: StatementSync, ...parameters: SQLInputValue[]): KeyValue | undefined {
  const row = statement.get(...parameters) as unknown as KeyValueRow | undefined;
  return row ? toKeyValue(row) : undefined;
}

function toKeyValue([modRevision, key, createRevision, value]: KeyValueRow): KeyValue {
  return Object.freeze({ key, value, createRevision, modRevision });
}

/** A full kine row as the watch event it recorded. */
export function toWatchEvent(row: Row): WatchEvent {
  const kv = Object.freeze({ key: String(row.name), value: String(row.value), createRevision: Number(row.create_revision), modRevision: Number(row.id) });
  if (row.deleted) {
    const prevKv = Object.freeze({ ...kv, modRevision: Number(row.prev_revision) });
    return Object.freeze({ type: 'delete', kv, prevKv, created: false });
  }
  if (row.created) return Object.freeze({ type: 'put', kv, created: true });
  const prevKv = Object.freeze({ ...kv, value: String(row.old_value), modRevision: Number(row.prev_revision) });
  return Object.freeze({ type: 'put', kv, prevKv, created: false });
}

/** Reads a `SELECT ... AS n` result, 0 when there is no row. */
export function numberOf(row: Row | undefined): number {
  return row ? Number(row.n) : 0;
}

/** Matches every TEXT value: SQLite orders every BLOB after every TEXT. */
const ABOVE_ALL_TEXT = new Uint8Array([0xff]);

/**
 * The exclusive upper bound of the keys starting with `prefix`: the prefix with its last code point
 * incremented. SQLite compares TEXT as UTF-8 bytes, which orders by code point, so this is exact.
 */
export function prefixEnd(prefix: string): string | Uint8Array {
  const codePoints = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = (codePoints.pop() ?? 0) + 1;
    if (last <= 0x10ffff) {
      // Skip the surrogate range: it is not valid in UTF-8 text.
      codePoints.push(last === 0xd800 ? 0xe000 : last);
      return String.fromCodePoint(...codePoints);
    }
  }
  return ABOVE_ALL_TEXT;
}
