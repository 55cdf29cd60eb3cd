/**
 * Merging an apply configuration into a live object (upstream `TypedValue.Merge`, rule "keep RHS")
 * and removing a set of fields from an object (upstream `RemoveItems`).
 */
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import { pathKey, prefixKeys } from './fieldpath.ts';
import type { FieldSet, PathElement } from './fieldpath.ts';
import { indexItems, isAtomicMap, isObject, itemElement, listSemantics, mapChild } from './schema.ts';
import type { TypeRef } from './schema.ts';

/**
 * Merge `rhs` (the applied configuration) into `lhs` (live): granular maps merge key by key,
 * associative lists and sets merge item by item (order follows upstream), everything else
 * (scalars, atomic lists/maps) takes the applied value. A `null` leaf in the configuration removes
 * the field unless its schema is nullable.
 */
export function mergeValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, t: TypeRef): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined || lhs === null) return rhs;
  if (isObject(lhs) && (isObject(rhs) || rhs === null) && !isAtomicMap(t)) return mergeMaps(lhs, rhs ?? {}, t);
  if (Array.isArray(lhs) && Array.isArray(rhs) && listSemantics(t).type !== 'atomic') return mergeLists(lhs, rhs, t);
  return rhs;
}

function mergeMaps(lhs: JsonObject, rhs: JsonObject, t: TypeRef): JsonObject {
  const out: JsonObject = {};
  const keys = new Set([...Object.keys(lhs), ...Object.keys(rhs)]);
  for (const key of keys) {
    const child = mapChild(t, key).type;
    const merged = mergeValues(lhs[key], rhs[key], child);
    if (merged === undefined) continue;
    if (merged === null && rhs[key] === null && !child?.nullable) continue;
    out[key] = merged;
  }
  return out;
}

/**
 * Port of upstream `visitListItems` ordering: shared items keep the applied order, live-only
 * items stay where they were relative to them, applied-only items are inserted in applied order.
 */
function mergeLists(lhs: JsonValue[], rhs: JsonValue[], t: TypeRef): JsonValue[] {
  const sem = listSemantics(t);
  const l = indexItems(sem, t?.items, lhs);
  const r = indexItems(sem, t?.items, rhs);
  const shared = r.order.filter((pe) => l.items.has(pe));
  let next: PathElement | undefined = shared.shift();
  const out: JsonValue[] = [];
  const take = (pe: PathElement): void => {
    const v = mergeValues(l.items.get(pe), r.items.get(pe), t?.items);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < l.order.length || ri < r.order.length) {
    if (li < l.order.length && ri < r.order.length) {
      const pe = l.order[li];
      if (pe === r.order[ri]) {
        take(pe);
        li++;
        ri++;
        next = shared.shift();
        continue;
      }
      if (r.items.has(pe) && next !== undefined && next !== pe) {
        li++;
        continue;
      }
    }
    if (li < l.order.length && !r.items.has(l.order[li])) {
      take(l.order[li]);
      li++;
      continue;
    }
    if (ri < r.order.length) {
      const pe = r.order[ri];
      take(pe);
      ri++;
      if (next === pe) next = shared.shift();
    } else {
      li++;
    }
  }
  return out;
}

/**
 * Remove every member of `set` (with everything under it) from `value`. Parents emptied by the
 * removal stay as empty maps/lists.
 */
export function removeItems(value: JsonObject, set: FieldSet, t: TypeRef): JsonObject {
  if (set.size === 0) return value;
  return removeNode(value, t, [], set, prefixKeys(set)) as JsonObject;
}

function removeNode(v: JsonValue, t: TypeRef, path: PathElement[], set: FieldSet, prefixes: Set<string>): JsonValue {
  if (isObject(v) && !isAtomicMap(t)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(v)) {
      const p = [...path, `f:${key}`];
      const k = pathKey(p);
      if (set.has(k)) continue;
      out[key] = prefixes.has(k) ? removeNode(child, mapChild(t, key).type, p, set, prefixes) : child;
    }
    return out;
  }
  if (Array.isArray(v) && listSemantics(t).type !== 'atomic') {
    const sem = listSemantics(t);
    const out: JsonValue[] = [];
    v.forEach((item, i) => {
      const p = [...path, itemElement(sem, t?.items, item, i)];
      const k = pathKey(p);
      if (set.has(k)) return;
      out.push(prefixes.has(k) ? removeNode(item, t?.items, p, set, prefixes) : item);
    });
    return out;
  }
  return v;
}
