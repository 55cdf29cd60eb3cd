/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the format kubectl apply /
 * edit / patch and helm 3 send for built-in kinds. Semantics follow upstream
 * k8s.io/apimachinery/pkg/util/strategicpatch `StrategicMergeMapPatch` (MergeParallelList and
 * IgnoreUnmatchedNulls on, as the apiserver calls it), driven by the schema extensions
 * `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` instead of Go struct tags.
 */
import type { JSONSchemaProps } from '../resource.ts';
import { badPatch, goFormat, goJsonKind, hasKey, isObject, jsonEqual, setKey, unprocessablePatch } from './json-values.ts';
import type { JsonMap } from './json-values.ts';
import { fieldSchema, patchMetaOf } from './smp-meta.ts';
import { noMergeKey, orderList, validateSetElementOrder } from './smp-order.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

type Schema = JSONSchemaProps | undefined;

/**
 * Apply a strategic merge patch to a decoded object. Pure: inputs are not modified, and no
 * directive (`$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`) is left
 * in the result.
 *
 * - maps merge recursively, `null` deletes a key;
 * - lists whose schema says `x-kubernetes-patch-strategy: merge` merge by
 *   `x-kubernetes-patch-merge-key` (lists of maps) or as sets (lists of scalars);
 *   every other list — including any list where `schema` is unknown — is replaced;
 * - `$patch: replace|delete` in a map, `{"<key>": v, "$patch": "delete"}` and
 *   `{"$patch": "replace"}` in merged lists, `$setElementOrder/<f>`, `$retainKeys`,
 *   `$deleteFromPrimitiveList/<f>`.
 *
 * @example
 * applyStrategicMergePatch(deployment, {
 *   spec: { template: { spec: {
 *     '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
 *     containers: [{ name: 'app', image: 'app:2' }] } } },
 * }, patchMetaFor('Deployment'));
 * // → only app's image changes; sidecar and every other field stay
 * @throws StatusError 400 for a malformed patch or directive, 422 for lists of lists.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (!isObject(patch)) {
    throw badPatch(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const original = isObject(doc) ? structuredClone(doc) : {};
  return mergeMap(original, structuredClone(patch), schema);
}

/** Merge `patch` into `original`; both are owned (cloned) by this module and may be changed. */
function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema): JsonMap {
  if (hasKey(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive !== 'replace' && directive !== 'merge') {
      throw badPatch(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
    }
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, schema);
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);
  const deletions: Array<[string, unknown]> = [];
  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE)) {
      deletions.push([directiveField(key, DELETE_PRIMITIVE, 'invalid patch format of primitive list'), patch[key]]);
    } else {
      mergeField(original, key, patch[key], schema);
    }
  }
  // After the additions, so `[a]` plus a deletion of `a` in one patch ends without `a`.
  for (const [key, values] of deletions) deleteFromPrimitiveList(original, key, values);
  return original;
}

function directiveField(key: string, prefix: string, error: string): string {
  const field = key.slice(prefix.length);
  if (!field) throw badPatch(error);
  return field;
}

function mergeField(original: JsonMap, key: string, patchValue: unknown, parentSchema: Schema): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  const current = hasKey(original, key) ? original[key] : undefined;
  setKey(original, key, mergeValue(current, patchValue, fieldSchema(parentSchema, key)));
}

function mergeValue(current: unknown, patchValue: unknown, schema: Schema): unknown {
  if (isObject(patchValue)) {
    const replace = patchMetaOf(schema).strategy === 'replace';
    return mergeMap(isObject(current) && !replace ? current : {}, patchValue, schema);
  }
  if (Array.isArray(patchValue)) return mergeListField(Array.isArray(current) ? current : [], patchValue, schema);
  return patchValue;
}

/** A list field: merged when its schema says `merge`, otherwise replaced by the patch list. */
function mergeListField(current: unknown[], patchList: unknown[], schema: Schema): unknown[] {
  const meta = patchMetaOf(schema);
  if (meta.strategy !== 'merge') return replaceList(patchList, schema?.items);
  return mergeList(current, patchList, meta.mergeKey, schema?.items);
}

/** A replaced list still must not carry directives: drop directive items, clean the others. */
function replaceList(patchList: unknown[], itemSchema: Schema): unknown[] {
  return patchList
    .filter((item) => !(isObject(item) && hasKey(item, DIRECTIVE)))
    .map((item) => (isObject(item) ? mergeMap({}, item, itemSchema) : item));
}

function mergeList(original: unknown[], patch: unknown[], mergeKey: string, itemSchema: Schema): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind(original, patch) === 'scalar') {
    const merged = [...original, ...patch].filter((v, i, all) => all.findIndex((w) => jsonEqual(v, w)) === i);
    return orderList(merged, patch, original, '');
  }
  if (!mergeKey) throw badPatch('cannot merge lists without merge key for type map');
  const { base, items } = applySpecialElements(original, patch as JsonMap[], mergeKey, itemSchema);
  const merged = [...base];
  for (const item of items) {
    if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const i = merged.findIndex((o) => isObject(o) && hasKey(o, mergeKey) && jsonEqual(o[mergeKey], item[mergeKey]));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonMap, item, itemSchema);
    else merged.push(mergeMap({}, item, itemSchema));
  }
  return orderList(merged, items, base, mergeKey);
}

function elementKind(...lists: unknown[][]): 'map' | 'scalar' {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (Array.isArray(item)) throw unprocessablePatch('lists of lists are not supported');
      const k = isObject(item) ? 'map' : goJsonKind(item);
      if (kind !== undefined && kind !== k) throw badPatch(`list element types are not identical: ${goFormat(lists)}`);
      kind = k;
    }
  }
  return kind === 'map' ? 'map' : 'scalar';
}

/**
 * Items carrying `$patch`: `delete` removes live items with the same merge key, `replace` makes
 * the plain patch items the whole list, `merge` is accepted as the default (upstream rejects it).
 */
function applySpecialElements(original: unknown[], patch: JsonMap[], mergeKey: string, itemSchema: Schema): { base: unknown[]; items: JsonMap[] } {
  let base = original;
  const items: JsonMap[] = [];
  let replace = false;
  for (const item of patch) {
    if (!hasKey(item, DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasKey(item, mergeKey)) throw noMergeKey(item, mergeKey);
      base = base.filter((o) => !(isObject(o) && hasKey(o, mergeKey) && jsonEqual(o[mergeKey], item[mergeKey])));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      delete item[DIRECTIVE];
      if (Object.keys(item).length > 0) items.push(item);
    } else {
      throw badPatch(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  if (replace) return { base: items.map((item) => mergeMap({}, item, itemSchema)), items: [] };
  return { base, items };
}

/** `$retainKeys: [...]`: drop live keys not listed; every non-null patch key must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badPatch('invalid patch format of retainKeys');
  const keep = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_PRIMITIVE) || key.startsWith(SET_ORDER)) continue;
    if (!keep.has(key)) throw badPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/**
 * `$setElementOrder/<field>`: merge `<field>` (if patched) and then order the result by the
 * directive; consumes both keys from `patch` (upstream `mergePatchIntoOriginal`).
 */
function mergeOrderedLists(original: JsonMap, patch: JsonMap, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    const field = directiveField(key, SET_ORDER, 'invalid patch format of setElementOrder list');
    if (!Array.isArray(order)) throw badPatch('invalid patch format of setElementOrder list');
    const current = listAt(original, field, true);
    const patchList = listAt(patch, field, false);
    const sub = fieldSchema(schema, field);
    const mergeKey = patchMetaOf(sub).mergeKey;
    validateSetElementOrder(patchList ?? [], order, mergeKey);
    if (current === undefined && patchList === undefined) continue;
    const merged = patchList === undefined ? (current ?? []) : mergeListField(current ?? [], patchList, sub);
    setKey(original, field, orderList(merged, order, current ?? [], mergeKey));
    delete patch[field];
  }
}

function listAt(obj: JsonMap, field: string, nullIsAbsent: boolean): unknown[] | undefined {
  if (!hasKey(obj, field)) return undefined;
  const value = obj[field];
  if (value === null && nullIsAbsent) return undefined;
  if (!Array.isArray(value)) throw badPatch(`expected a []interface {}, but received ${goFormat(value)} for field ${JSON.stringify(field)}`);
  return value;
}

/** `$deleteFromPrimitiveList/<field>: [...]` removes those values from a live list of scalars. */
function deleteFromPrimitiveList(original: JsonMap, field: string, values: unknown): void {
  if (!Array.isArray(values)) throw badPatch('invalid patch format of primitive list');
  const current = hasKey(original, field) ? original[field] : undefined;
  if (!Array.isArray(current)) return;
  setKey(original, field, current.filter((v) => !values.some((d) => jsonEqual(d, v))));
}
