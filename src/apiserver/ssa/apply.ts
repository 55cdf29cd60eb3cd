/**
 * Server-side apply (PATCH with `application/apply-patch+yaml`): merge the applied configuration
 * into the live object, prune what the manager stopped applying, detect conflicts with other
 * managers, and record the manager's Apply entry in `metadata.managedFields`.
 */
import { StatusError } from '../../kube/errors.ts';
import type { StatusCause } from '../../kube/types.ts';
import type { JsonObject, KubeObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { difference, ensureFieldsAreMembers, formatPath, intersection, sortedPaths, union } from './fieldpath.ts';
import type { FieldSet } from './fieldpath.ts';
import { allowedConflictsFromLastApplied, syncLastApplied } from './lastapplied.ts';
import { capUpdateManagers, decodeManaged, formatTime, managerId, printManager } from './managers.ts';
import type { Managed, ManagerSet } from './managers.ts';
import { mergeValues, removeItems } from './merge.ts';
import { rootSchema } from './schema.ts';
import { STRIPPED_PATHS, compareObjects, deepEqual, fieldSetFromObject, stripMeta, withoutManagedFields } from './typed.ts';
import { withManagedFields } from './update.ts';

/** The manager upstream assigns to fields that existed before the first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Arguments of {@link applyServerSide}. */
export interface ApplyArgs {
  /** The current object, `undefined` when the apply creates it. */
  live: KubeObject | undefined;
  /** The apply configuration (request body). */
  applied: KubeObject;
  /** `fieldManager` query parameter (required for apply). */
  manager: string;
  /** `force=true`: take over conflicting fields instead of failing. */
  force: boolean;
  /** Structural schema of the whole object; omitted → deduced (maps granular, lists atomic). */
  schema?: JSONSchemaProps;
  /** The request's apiVersion (recorded in the entry). */
  apiVersion: string;
  subresource?: string;
  /** Current time, RFC 3339. */
  now: string;
}

interface Conflict {
  owner: ManagerSet;
  paths: FieldSet;
}

/**
 * Apply `applied` as `manager` and return the new object with its managedFields.
 * Throws StatusError 409 `Conflict` (causes `FieldManagerConflict`) when a field would change that
 * another manager owns and `force` is false; 400 when the body carries managedFields.
 *
 * @example
 * const obj = applyServerSide({ live, applied, manager: 'helm', force: false, apiVersion: 'v1', now: new Date().toISOString() });
 */
export function applyServerSide(args: ApplyArgs): KubeObject {
  if (args.applied.metadata?.managedFields != null) throw StatusError.badRequest('metadata.managedFields must be nil');
  const root = rootSchema(args.schema);
  const liveJson = args.live ? withoutManagedFields(args.live) : emptyLike(args.applied);
  const appliedJson = dropNullSystemFields(withoutManagedFields(args.applied));
  const managed = decodeManaged(args.live?.metadata.managedFields);
  if (args.live && managed.size === 0) seedBeforeFirstApply(managed, liveJson, args);

  const id = managerId({ manager: args.manager, operation: 'Apply', apiVersion: args.apiVersion, subresource: args.subresource });
  const previous = managed.get(id);
  const applier: ManagerSet = { manager: args.manager, operation: 'Apply', apiVersion: args.apiVersion, set: fieldSetFromObject(appliedJson, args.schema) };
  if (args.subresource) applier.subresource = args.subresource;
  if (previous?.time) applier.time = previous.time;
  managed.set(id, applier);

  const merged = mergeValues(liveJson, appliedJson, root) as JsonObject;
  const result = previous ? prune(merged, previous.set, managed, root) : merged;
  settleOwnership(liveJson, result, managed, id, args);
  if (!applier.time || !deepEqual(liveJson, result)) applier.time = formatTime(args.now);
  capUpdateManagers(managed);
  if (args.manager === 'kubectl') syncLastApplied(result, appliedJson);
  return withManagedFields(result, managed);
}

const SYSTEM_FIELDS = ['creationTimestamp', 'uid', 'resourceVersion', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Clients serialise typed objects with `creationTimestamp: null`; that must not clear the live value. */
function dropNullSystemFields(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) for (const f of SYSTEM_FIELDS) if (meta[f] === null) delete meta[f];
  return obj;
}

function emptyLike(applied: KubeObject): JsonObject {
  const metadata: JsonObject = {};
  if (applied.metadata?.name !== undefined) metadata.name = applied.metadata.name;
  if (applied.metadata?.namespace !== undefined) metadata.namespace = applied.metadata.namespace;
  const out: JsonObject = {};
  if (applied.apiVersion) out.apiVersion = applied.apiVersion;
  if (applied.kind) out.kind = applied.kind;
  out.metadata = metadata;
  return out;
}

/**
 * Upstream skipNonAppliedManager: an object without managedFields gets its existing fields
 * attributed to an Update manager `before-first-apply`, so the first apply cannot wipe them and
 * changing them is a conflict.
 */
function seedBeforeFirstApply(managed: Managed, liveJson: JsonObject, args: ApplyArgs): void {
  const cmp = compareObjects({}, liveJson, args.schema);
  const set = stripMeta(union(cmp.added, cmp.modified));
  if (set.size === 0) return;
  const m: ManagerSet = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: args.apiVersion, time: formatTime(args.now), set };
  if (args.subresource) m.subresource = args.subresource;
  managed.set(managerId(m), m);
}

/**
 * Remove what the applier owned last time, does not apply now, and nobody else owns
 * (upstream Updater.prune + addBackOwnedItems + addBackDanglingItems).
 */
function prune(merged: JsonObject, lastSet: FieldSet, managed: Managed, root: JSONSchemaProps): JsonObject {
  const owned = ensureFieldsAreMembers(union(...[...managed.values()].map((m) => m.set)));
  const toRemove = difference(difference(ensureFieldsAreMembers(lastSet), owned), STRIPPED_PATHS);
  return removeItems(merged, toRemove, root);
}

/**
 * Conflicts: fields another manager owns whose value the apply adds or changes. Without force
 * they fail the request (unless kubectl is taking over its own client-side apply); with force,
 * or once accepted, the other managers lose them. Everyone loses fields the apply removed.
 */
function settleOwnership(liveJson: JsonObject, result: JsonObject, managed: Managed, applierId: string, args: ApplyArgs): void {
  const cmp = compareObjects(liveJson, result, args.schema);
  const changed = union(cmp.modified, cmp.added);
  const conflicts: Conflict[] = [];
  for (const [id, m] of managed) {
    if (id === applierId) continue;
    const paths = intersection(m.set, changed);
    if (paths.size > 0) conflicts.push({ owner: m, paths });
  }
  if (conflicts.length > 0 && !args.force) {
    const remaining = args.manager === 'kubectl' ? withoutAllowed(conflicts, allowedConflictsFromLastApplied(liveJson, args.schema)) : conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
  }
  for (const [id, m] of managed) {
    const set = id === applierId ? m.set : difference(m.set, union(changed, cmp.removed));
    if (set.size === 0) managed.delete(id);
    else m.set = set;
  }
}

function withoutAllowed(conflicts: Conflict[], allowed: FieldSet | undefined): Conflict[] {
  if (!allowed) return conflicts;
  return conflicts.map((c) => ({ owner: c.owner, paths: difference(c.paths, allowed) })).filter((c) => c.paths.size > 0);
}

/**
 * The 409 upstream returns: `Apply failed with 1 conflict: conflict with "m" using v1: .data.a`,
 * or for several `Apply failed with N conflicts: conflicts with "m" using v1:\n- .a\n- .b`.
 */
export function conflictError(conflicts: Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => (printManager(a.owner) < printManager(b.owner) ? -1 : 1));
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const c of sorted) {
    const who = printManager(c.owner);
    lines.push(`conflicts with ${who}:`);
    for (const p of sortedPaths(c.paths)) {
      causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${who}`, field: formatPath(p) });
      lines.push(`- ${formatPath(p)}`);
    }
  }
  const n = causes.length;
  const detail = n === 1 ? `${causes[0].message}: ${causes[0].field}` : lines.join('\n');
  return new StatusError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${detail}`, { causes });
}
