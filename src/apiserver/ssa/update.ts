/**
 * Managed-fields bookkeeping for non-apply writes (create, update, patch): the writer's `Update`
 * entry gains what it changed, other managers lose it.
 */
import type { JsonObject, KubeObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { difference, emptyFieldSet, union } from './fieldpath.ts';
import { capUpdateManagers, decodeManaged, encodeManaged, formatTime, isResetManagedFields, managerId } from './managers.ts';
import type { Managed, ManagerSet } from './managers.ts';
import { isObject } from './schema.ts';
import { compareObjects, stripMeta, withoutManagedFields } from './typed.ts';

/** Arguments of {@link recordUpdate}. */
export interface UpdateArgs {
  /** The stored object, `undefined` for a create. */
  before: KubeObject | undefined;
  /** The object about to be stored, as the request left it (its managedFields included). */
  after: KubeObject;
  manager: string;
  schema?: JSONSchemaProps;
  apiVersion: string;
  subresource?: string;
  now: string;
}

/** Upstream FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name used when a request has no `fieldManager`: the User-Agent up to the first `/`,
 * non-printable characters dropped, at most 128 bytes (upstream prefixFromUserAgent).
 *
 * @example
 * defaultFieldManager('kubectl/v1.33.0 (linux/amd64) kubernetes/abc'); // 'kubectl'
 */
export function defaultFieldManager(userAgent: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of userAgent.split('/')[0]) {
    if (/\p{C}/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * Record a create/update/patch by `manager`. Managed fields come from the request when it sets
 * them (helm csaupgrade JSON patch; `[]` or `[{}]` resets them), otherwise from `before`.
 * An existing object without managed fields stays untracked, as upstream.
 *
 * @example
 * const stored = recordUpdate({ before: undefined, after: obj, manager: 'kubectl-create', apiVersion: 'v1', now });
 */
export function recordUpdate(args: UpdateArgs): KubeObject {
  const managed = startingManaged(args);
  const afterJson = withoutManagedFields(args.after);
  const isCreate = !args.before?.metadata?.uid;
  if (managed.size === 0 && !isCreate) return withManagedFields(afterJson, managed);

  const beforeJson = args.before ? withoutManagedFields(args.before) : {};
  const cmp = compareObjects(beforeJson, afterJson, args.schema);
  const touched = union(cmp.modified, cmp.added, cmp.removed);
  for (const [id, m] of managed) {
    m.set = difference(m.set, touched);
    if (m.set.size === 0) managed.delete(id);
  }
  const changed = stripMeta(union(cmp.modified, cmp.added));
  if (changed.size > 0) {
    const self: ManagerSet = { manager: args.manager, operation: 'Update', apiVersion: args.apiVersion, time: formatTime(args.now), set: changed };
    if (args.subresource) self.subresource = args.subresource;
    const id = managerId(self);
    self.set = union(managed.get(id)?.set ?? emptyFieldSet, changed);
    managed.set(id, self);
  }
  capUpdateManagers(managed);
  return withManagedFields(afterJson, managed);
}

/** Upstream decodeLiveOrNew. */
function startingManaged(args: UpdateArgs): Managed {
  const live = args.before?.metadata?.managedFields;
  if (args.subresource) return decodeManaged(live);
  const sent = args.after.metadata?.managedFields;
  if (isResetManagedFields(sent)) return new Map();
  const fromRequest = decodeManaged(sent);
  return fromRequest.size > 0 ? fromRequest : decodeManaged(live);
}

/** The object with `metadata.managedFields` set from `managed` (removed when there are none). */
export function withManagedFields(obj: JsonObject, managed: Managed): KubeObject {
  const entries = encodeManaged(managed);
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  delete metadata.managedFields;
  if (entries.length > 0) (metadata as Record<string, unknown>).managedFields = entries;
  return { ...obj, metadata } as KubeObject;
}
