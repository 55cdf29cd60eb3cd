/**
 * Pruning of fields a structural schema does not specify (apiextensions-apiserver
 * pkg/apiserver/schema/pruning), returning what was dropped so the caller can honour
 * `fieldValidation` (Strict → 400, Warn → `Warning` header, Ignore → silent).
 */
import type { JSONSchemaProps } from '../resource.ts';
import { child, index, isObject } from './util.ts';
import type { JsonMap } from './util.ts';

/** The ObjectMeta fields kept when metadata is pruned (root and embedded resources). */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/**
 * Remove, in place, every field of `obj` not specified by `schema`; returns the removed paths
 * (`spec.foo`, `spec.items[0].bar`, `metadata.foo`) in traversal order. The root (and every
 * `x-kubernetes-embedded-resource`) keeps apiVersion, kind and metadata; metadata is pruned to
 * ObjectMeta fields.
 *
 * @example
 * const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a' }, spec: { foo: 1 } };
 * pruneObject(obj, schema); // ['spec.foo']
 */
export function pruneObject(obj: JsonMap, schema: JSONSchemaProps): string[] {
  const pruned: string[] = [];
  pruneMap(obj, schema, '', true, pruned);
  return pruned;
}

function pruneMeta(meta: unknown, path: string, pruned: string[]): void {
  if (!isObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    delete meta[k];
    pruned.push(child(path, k));
  }
}

function pruneMap(obj: JsonMap, schema: JSONSchemaProps, path: string, isResource: boolean, pruned: string[]): void {
  const extra = schema.additionalProperties;
  for (const k of Object.keys(obj)) {
    const p = child(path, k);
    if (isResource && (k === 'apiVersion' || k === 'kind')) continue;
    if (isResource && k === 'metadata') {
      pruneMeta(obj[k], p, pruned);
      continue;
    }
    const prop = schema.properties?.[k];
    if (prop) pruneValue(obj[k], prop, p, pruned);
    else if (isObject(extra)) pruneValue(obj[k], extra as JSONSchemaProps, p, pruned);
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && extra !== true) {
      delete obj[k];
      pruned.push(p);
    }
  }
}

function pruneValue(value: unknown, schema: JSONSchemaProps, path: string, pruned: string[]): void {
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => pruneValue(item, schema.items as JSONSchemaProps, index(path, i), pruned));
    return;
  }
  if (isObject(value)) pruneMap(value, schema, path, !!schema['x-kubernetes-embedded-resource'], pruned);
}
