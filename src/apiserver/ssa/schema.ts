/**
 * How a JSONSchemaProps tree maps onto structured-merge-diff types: struct fields vs granular maps,
 * atomic/set/associative lists, and the path element of a list item. `undefined` is the
 * "deduced" type used where no schema is known (maps granular, lists atomic).
 */
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import type { PathElement } from './fieldpath.ts';

/** A schema position; `undefined` means deduced from the value. */
export type TypeRef = JSONSchemaProps | undefined;

export type ListSemantics = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

const STRING: JSONSchemaProps = { type: 'string' };
const STRING_MAP: JSONSchemaProps = { type: 'object', additionalProperties: STRING };

/** ObjectMeta as the upstream OpenAPI describes it (CRD schemas only say `type: object`). */
export const OBJECT_META: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: STRING,
    generateName: STRING,
    namespace: STRING,
    selfLink: STRING,
    uid: STRING,
    resourceVersion: STRING,
    generation: { type: 'integer' },
    creationTimestamp: STRING,
    deletionTimestamp: STRING,
    deletionGracePeriodSeconds: { type: 'integer' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      items: { type: 'object', properties: { apiVersion: STRING, kind: STRING, name: STRING, uid: STRING, controller: { type: 'boolean' }, blockOwnerDeletion: { type: 'boolean' } } },
    },
    finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', items: STRING },
    managedFields: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

/**
 * The schema the walkers use for a whole object: the given schema (or a deduced one) with
 * `metadata` always typed as ObjectMeta.
 */
export function rootSchema(schema: JSONSchemaProps | undefined): JSONSchemaProps {
  const base: JSONSchemaProps = schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const meta = base.properties?.metadata;
  const metadata = meta?.properties ? { ...OBJECT_META, properties: { ...OBJECT_META.properties, ...meta.properties } } : OBJECT_META;
  return { ...base, properties: { apiVersion: STRING, kind: STRING, ...base.properties, metadata } };
}

/** The type of `key` inside a map, and whether it is a declared (struct) field. */
export function mapChild(t: TypeRef, key: string): { type: TypeRef; named: boolean } {
  if (!t) return { type: undefined, named: false };
  const prop = t.properties?.[key];
  if (prop) return { type: prop, named: true };
  if (typeof t.additionalProperties === 'object') return { type: t.additionalProperties, named: false };
  return { type: undefined, named: false };
}

export function isAtomicMap(t: TypeRef): boolean {
  return t?.['x-kubernetes-map-type'] === 'atomic';
}

/**
 * List semantics: `x-kubernetes-list-type` first; otherwise built-in patch metadata
 * (`patchStrategy: merge` + merge key → associative, without key → set); otherwise atomic, which is
 * also the CRD default and the deduced default.
 */
export function listSemantics(t: TypeRef): ListSemantics {
  if (!t) return { type: 'atomic' };
  const listType = t['x-kubernetes-list-type'];
  const keys = t['x-kubernetes-list-map-keys'];
  if (listType === 'map' && keys && keys.length > 0) return { type: 'map', keys };
  if (listType === 'set') return { type: 'set' };
  if (listType) return { type: 'atomic' };
  const strategy = t['x-kubernetes-patch-strategy'];
  if (typeof strategy === 'string' && strategy.split(',').includes('merge')) {
    const mergeKey = t['x-kubernetes-patch-merge-key'];
    return mergeKey ? { type: 'map', keys: [mergeKey] } : { type: 'set' };
  }
  return { type: 'atomic' };
}

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The path element of one list item: `k:{...}` (key fields sorted by name, defaults filled in
 * from the item schema), `v:<json>` for set items, `i:<n>` when no key can be formed.
 */
export function itemElement(sem: ListSemantics, itemType: TypeRef, item: JsonValue, index: number): PathElement {
  if (sem.type === 'set' && !isObject(item) && !Array.isArray(item)) return `v:${JSON.stringify(item)}`;
  if (sem.type !== 'map' || !isObject(item)) return `i:${index}`;
  const key: JsonObject = {};
  for (const name of [...sem.keys].sort()) {
    const value = item[name] ?? (itemType?.properties?.[name]?.default as JsonValue | undefined);
    if (value !== undefined) key[name] = value;
  }
  return Object.keys(key).length > 0 ? `k:${JSON.stringify(key)}` : `i:${index}`;
}

/** Index a non-atomic list by path element; the first occurrence of a duplicate wins. */
export function indexItems(sem: ListSemantics, itemType: TypeRef, list: JsonValue[] | undefined): { order: PathElement[]; items: Map<PathElement, JsonValue> } {
  const order: PathElement[] = [];
  const items = new Map<PathElement, JsonValue>();
  (list ?? []).forEach((item, i) => {
    const pe = itemElement(sem, itemType, item, i);
    if (items.has(pe)) return;
    items.set(pe, item);
    order.push(pe);
  });
  return { order, items };
}
