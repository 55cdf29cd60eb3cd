/**
 * Schema-aware walks over JSON objects: the field set of a value (upstream `ToFieldSet`) and the
 * comparison of two values (upstream `Compare`: added, removed, modified).
 */
import type { JsonObject, JsonValue, KubeObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { difference, makeFieldSet, pathKey } from './fieldpath.ts';
import type { FieldPath, FieldSet, PathElement } from './fieldpath.ts';
import { indexItems, isAtomicMap, isObject, listSemantics, mapChild, rootSchema } from './schema.ts';
import type { TypeRef } from './schema.ts';

/** Paths never tracked in managed fields (upstream stripMetaManager). */
export const STRIPPED_PATHS: FieldSet = makeFieldSet([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
]);

/** Remove the never-tracked paths from a set. */
export function stripMeta(set: FieldSet): FieldSet {
  return difference(set, STRIPPED_PATHS);
}

/** A copy of the object as plain JSON without `metadata.managedFields`. */
export function withoutManagedFields(obj: KubeObject | JsonObject): JsonObject {
  const copy = structuredClone(obj) as JsonObject;
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/**
 * Every field of `obj` as a set: leaves, list items, map keys that are not declared struct fields,
 * and atomic lists/maps as single leaves. Metadata that is never tracked is left out.
 *
 * @example
 * fieldSetFromObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } });
 * // FieldsV1 {"f:data":{".":{},"f:a":{}}} without a schema (deduced: map keys are members)
 */
export function fieldSetFromObject(obj: KubeObject | JsonObject, schema?: JSONSchemaProps): FieldSet {
  const out = new Map<string, FieldPath>();
  collect(withoutManagedFields(obj), rootSchema(schema), [], out);
  return stripMeta(out);
}

function collect(v: JsonValue, t: TypeRef, path: PathElement[], out: Map<string, FieldPath>): void {
  const add = (p: FieldPath): void => void out.set(pathKey(p), p);
  if (isObject(v)) {
    if (isAtomicMap(t)) return add(path);
    for (const [key, child] of Object.entries(v)) {
      const c = mapChild(t, key);
      const p = [...path, `f:${key}`];
      collect(child, c.type, p, out);
      // Every Kubernetes object is a struct at the top, even when its schema is deduced.
      if (!(c.named || path.length === 0) || child === null || (isObject(child) && Object.keys(child).length === 0)) add(p);
    }
    return;
  }
  if (Array.isArray(v)) {
    const sem = listSemantics(t);
    if (sem.type === 'atomic') return add(path);
    const { order, items } = indexItems(sem, t?.items, v);
    for (const pe of order) {
      const p = [...path, pe];
      collect(items.get(pe) as JsonValue, t?.items, p, out);
      add(p);
    }
    return;
  }
  add(path);
}

/** Result of {@link compareObjects}; no path is in more than one set. */
export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/**
 * Compare `lhs` (before) with `rhs` (after). Leaves (scalars, atomic lists/maps, maps/lists empty
 * on both sides) are modified when their values differ; any node present on one side only is
 * added/removed together with everything under it.
 */
export function compareObjects(lhs: JsonObject, rhs: JsonObject, schema?: JSONSchemaProps): Comparison {
  const c = { added: new Map<string, FieldPath>(), removed: new Map<string, FieldPath>(), modified: new Map<string, FieldPath>() };
  compareNode(lhs, rhs, rootSchema(schema), [], c);
  return c;
}

type MutableComparison = { [K in keyof Comparison]: Map<string, FieldPath> };

function compareNode(l: JsonValue | undefined, r: JsonValue | undefined, t: TypeRef, path: PathElement[], c: MutableComparison): void {
  const container = containerKind(l, r, t);
  if (container === 'map') compareMaps(l as JsonObject | undefined, r as JsonObject | undefined, t, path, c);
  else if (container === 'list') compareLists(l as JsonValue[] | undefined, r as JsonValue[] | undefined, t, path, c);
  const p: FieldPath = path;
  if (path.length === 0) return;
  if (l === undefined) c.added.set(pathKey(p), p);
  else if (r === undefined) c.removed.set(pathKey(p), p);
  else if (container === 'leaf' && !deepEqual(l, r)) c.modified.set(pathKey(p), p);
}

/** Whether two values are walked as a granular map, a granular list, or compared as one leaf. */
function containerKind(l: JsonValue | undefined, r: JsonValue | undefined, t: TypeRef): 'map' | 'list' | 'leaf' {
  const both = [l, r].filter((x) => x !== undefined && x !== null);
  if (both.length > 0 && both.every(isObject)) {
    if (isAtomicMap(t) || both.every((x) => Object.keys(x as JsonObject).length === 0)) return 'leaf';
    return l === null || r === null ? 'leaf' : 'map';
  }
  if (both.length > 0 && both.every(Array.isArray)) {
    if (listSemantics(t).type === 'atomic' || both.every((x) => (x as JsonValue[]).length === 0)) return 'leaf';
    return l === null || r === null ? 'leaf' : 'list';
  }
  return 'leaf';
}

function compareMaps(l: JsonObject | undefined, r: JsonObject | undefined, t: TypeRef, path: PathElement[], c: MutableComparison): void {
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const key of keys) compareNode(l?.[key], r?.[key], mapChild(t, key).type, [...path, `f:${key}`], c);
}

function compareLists(l: JsonValue[] | undefined, r: JsonValue[] | undefined, t: TypeRef, path: PathElement[], c: MutableComparison): void {
  const sem = listSemantics(t);
  const li = indexItems(sem, t?.items, l);
  const ri = indexItems(sem, t?.items, r);
  const pes = new Set([...li.order, ...ri.order]);
  for (const pe of pes) compareNode(li.items.get(pe), ri.items.get(pe), t?.items, [...path, pe], c);
}

/** Structural equality of JSON values (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ka = Object.keys(ao);
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}
