/**
 * Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting): `default` is
 * applied where a field is absent — recursively, inside array items and map values — and a
 * `null` on a non-nullable field with a default is replaced by the default. Runs on writes and on
 * reads from storage.
 */
import type { JSONSchemaProps } from '../resource.ts';
import { cloneJson, isObject } from './util.ts';
import type { JsonMap } from './util.ts';

function isNonNullableNull(v: unknown, s: JSONSchemaProps | undefined): s is JSONSchemaProps {
  return v === null && !!s && !s.nullable && s.default !== undefined;
}

function defaultMap(x: JsonMap, s: JSONSchemaProps): void {
  const props = s.properties ?? {};
  for (const [k, prop] of Object.entries(props)) {
    if (prop.default === undefined) continue;
    if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = cloneJson(prop.default) as never;
  }
  const extra = isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
  for (const k of Object.keys(x)) {
    const prop = props[k];
    if (prop) {
      defaultValue(x[k], prop);
    } else if (extra) {
      if (isNonNullableNull(x[k], extra)) x[k] = cloneJson(extra.default) as never;
      defaultValue(x[k], extra);
    }
  }
}

function defaultValue(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isObject(x)) {
    defaultMap(x, s);
    return;
  }
  if (!Array.isArray(x) || !s.items) return;
  const items = s.items;
  x.forEach((v, i) => {
    if (isNonNullableNull(v, items)) x[i] = cloneJson(items.default);
    defaultValue(x[i], items);
  });
}

/**
 * Apply schema defaults to `obj` in place and return it.
 *
 * @example
 * applyDefaults({ metadata: {}, spec: {} }, { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } } });
 * // → { metadata: {}, spec: { size: 1 } }
 */
export function applyDefaults<T>(obj: T, schema: JSONSchemaProps): T {
  defaultValue(obj, schema);
  return obj;
}

/**
 * Drop `null` values of non-nullable fields that have no default (upstream
 * PruneNonNullableNullsWithoutDefaults); run after {@link applyDefaults} on writes.
 */
export function dropNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v) => dropNonNullableNulls(v, s.items));
    return;
  }
  if (!isObject(x)) return;
  const extra = isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
  for (const k of Object.keys(x)) {
    const prop = s.properties?.[k] ?? extra;
    if (!prop) continue;
    if (x[k] === null && !prop.nullable && prop.default === undefined) delete x[k];
    else dropNonNullableNulls(x[k], prop);
  }
}
