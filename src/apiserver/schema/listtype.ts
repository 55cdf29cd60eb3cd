/**
 * `x-kubernetes-list-type` set/map uniqueness (apiextensions-apiserver pkg/apiserver/schema/listtype).
 * Runs after schema validation, over the whole object, reporting `Duplicate value` per repeated item.
 */
import { fieldError, formatValue } from '../../kube/errors.ts';
import type { FieldError } from '../../kube/errors.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { child, index, isObject, jsonEqual } from './util.ts';

/** Go `%#v` for the values a duplicate can carry: scalars as usual, maps as `map[string]interface {}{...}`. */
function goValue(v: unknown): string {
  if (isObject(v)) {
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goValue(v[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return formatValue(v);
}

function duplicate(field: string, value: unknown): FieldError {
  return isObject(value) ? { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` } : fieldError.duplicate(field, value);
}

function keyOf(item: unknown, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(item)) return out;
  for (const k of keys) if (k in item) out[k] = item[k];
  return out;
}

function checkList(list: unknown[], schema: JSONSchemaProps, path: string): FieldError[] {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return [];
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const identity = (item: unknown): unknown => (listType === 'map' ? keyOf(item, keys) : item);
  const errs: FieldError[] = [];
  list.forEach((item, i) => {
    const id = identity(item);
    if (list.slice(0, i).some((prev) => jsonEqual(identity(prev), id))) errs.push(duplicate(index(path, i), id));
  });
  return errs;
}

/** Report duplicates in every set/map list under `value`, with data paths like `spec.tags[1]`. */
export function validateListTypes(value: unknown, schema: JSONSchemaProps | undefined, path: string): FieldError[] {
  if (!schema) return [];
  if (Array.isArray(value)) {
    const errs = checkList(value, schema, path);
    value.forEach((item, i) => errs.push(...validateListTypes(item, schema.items, index(path, i))));
    return errs;
  }
  if (!isObject(value)) return [];
  const errs: FieldError[] = [];
  const extra = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [k, v] of Object.entries(value)) {
    errs.push(...validateListTypes(v, schema.properties?.[k] ?? extra, child(path, k)));
  }
  return errs;
}
