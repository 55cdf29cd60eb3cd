/**
 * The decoded form of `metadata.managedFields`: one field set per manager identity
 * (manager + operation + apiVersion for updates + subresource), and its wire encoding.
 */
import type { ManagedFieldsEntry } from '../../kube/types.ts';
import { fromFieldsV1, toFieldsV1, union } from './fieldpath.ts';
import type { FieldSet } from './fieldpath.ts';

/** One manager's ownership. */
export interface ManagerSet {
  manager: string;
  operation: 'Apply' | 'Update';
  /** The API version the set was recorded in. */
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Manager identity → ownership. Insertion order is irrelevant: encoding sorts. */
export type Managed = Map<string, ManagerSet>;

/** Upstream caps Update entries at 10; older ones merge into this bucket. */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * Upstream BuildManagerIdentifier: appliers are identified without their apiVersion so that a
 * manager keeps one Apply entry across versions.
 */
export function managerId(m: Pick<ManagerSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/** True for `[]` and `[{}]`: the request asks to reset managed fields (upstream isResetManagedFields). */
export function isResetManagedFields(entries: ManagedFieldsEntry[] | undefined): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] !== null && typeof entries[0] === 'object' && Object.keys(entries[0]).length === 0;
}

/**
 * Decode wire entries. Entries that cannot be decoded (no manager/operation, other fieldsType,
 * malformed FieldsV1) are skipped; duplicate identities are unioned.
 */
export function decodeManaged(entries: ManagedFieldsEntry[] | undefined): Managed {
  const out: Managed = new Map();
  for (const e of Array.isArray(entries) ? entries : []) {
    const m = decodeEntry(e);
    if (!m) continue;
    const id = managerId(m);
    const prev = out.get(id);
    out.set(id, prev ? { ...m, set: union(prev.set, m.set) } : m);
  }
  return out;
}

function decodeEntry(e: ManagedFieldsEntry): ManagerSet | undefined {
  if (!e || typeof e !== 'object' || (e.operation !== 'Apply' && e.operation !== 'Update')) return undefined;
  if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') return undefined;
  try {
    const set = fromFieldsV1(e.fieldsV1 ?? {});
    const m: ManagerSet = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion ?? '', set };
    if (e.subresource) m.subresource = e.subresource;
    if (e.time) m.time = e.time;
    return m;
  } catch {
    return undefined;
  }
}

function seconds(time: string | undefined): number {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Upstream sortEncodedManagedFields: operation (Apply first), time, manager, apiVersion, subresource. */
export function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    cmp(p.operation ?? '', q.operation ?? '') ||
    seconds(p.time) - seconds(q.time) ||
    cmp(p.manager ?? '', q.manager ?? '') ||
    cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
    cmp(p.subresource ?? '', q.subresource ?? '')
  );
}

/** Encode to wire entries (empty sets dropped), sorted as upstream. */
export function encodeManaged(managed: Managed): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managed.values()) {
    if (m.set.size === 0) continue;
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = toFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    out.push(e);
  }
  return out.sort(compareEntries);
}

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export function formatTime(now: string): string {
  const ms = Date.parse(now);
  return Number.isNaN(ms) ? now : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * How conflicts name a manager (upstream printManager): `"m"` for appliers,
 * `"m" using v1` for updaters, with ` with subresource "status"` before `using` when set.
 */
export function printManager(m: ManagerSet): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s;
}

/**
 * Upstream capManagersManager: beyond {@link MAX_UPDATE_MANAGERS} Update entries, the oldest are
 * merged into an `ancient-changes` entry per apiVersion.
 */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([, a], [, b]) => seconds(a.time) - seconds(b.time) || cmp(a.manager, b.manager));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [id, m] of updaters) {
    if (length <= max) break;
    const first = firstByVersion.get(m.apiVersion);
    if (first === undefined) {
      firstByVersion.set(m.apiVersion, id);
      continue;
    }
    const bucketId = managerId({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: m.apiVersion });
    if (id === bucketId) continue;
    if (!managed.has(bucketId)) {
      const seed = managed.get(first) as ManagerSet;
      managed.delete(first);
      managed.set(bucketId, { ...seed, manager: ANCIENT_CHANGES, subresource: undefined });
    }
    const bucket = managed.get(bucketId) as ManagerSet;
    managed.set(bucketId, { ...bucket, time: m.time, set: union(m.set, bucket.set) });
    managed.delete(id);
    length--;
  }
}
