import { StatusError } from '../kube/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { JSONSchemaProps, ResourceDef } from './resource.ts';

/**
 * Built-in kinds are decoded into Go structs upstream: unknown top-level/metadata fields are
 * reported per fieldValidation and dropped, and a value of the wrong JSON type is a 400 decode error.
 * Only fields the vendored schema knows are type-checked; deeper unknown fields are left alone
 * because the vendored schemas may lag the newest upstream fields.
 */

const OBJECT_META = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields', 'clusterName']);
const ROOT = new Set(['apiVersion', 'kind', 'metadata']);

/** Drops unknown root and metadata fields of a built-in object; returns their paths. */
export function dropUnknownBuiltinFields(def: ResourceDef, obj: KubeObject): string[] {
  const props = def.schema?.properties;
  if (!def.builtin || !props || def.schema?.['x-kubernetes-preserve-unknown-fields']) return [];
  const unknown: string[] = [];
  for (const key of Object.keys(obj)) {
    if (!ROOT.has(key) && !(key in props)) {
      unknown.push(key);
      delete obj[key];
    }
  }
  for (const key of Object.keys(obj.metadata ?? {})) {
    if (!OBJECT_META.has(key)) {
      unknown.push(`metadata.${key}`);
      delete obj.metadata[key];
    }
  }
  return unknown;
}

/** Throws 400 when a known field of a built-in has the wrong JSON type (Go's unmarshal error). */
export function checkBuiltinTypes(def: ResourceDef, obj: KubeObject): void {
  if (!def.builtin || !def.schema) return;
  const problem = firstTypeMismatch(obj, def.schema, def.kind);
  if (problem) throw StatusError.badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${problem.got} into Go struct field ${problem.path} of type ${problem.want}`);
}

function firstTypeMismatch(value: unknown, schema: JSONSchemaProps, path: string): { path: string; got: string; want: string } | undefined {
  if (value === null || value === undefined) return undefined;
  if (schema['x-kubernetes-int-or-string'] || schema['x-kubernetes-preserve-unknown-fields'] && !schema.type) return undefined;
  const got = jsonType(value);
  const want = schema.type;
  if (want && !typeMatches(want, got, value)) return { path, got, want: goType(want) };
  if (got === 'object' && schema.properties) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = schema.properties[k];
      const found = sub ? firstTypeMismatch(v, sub, `${path}.${k}`) : undefined;
      if (found) return found;
    }
  } else if (got === 'object' && typeof schema.additionalProperties === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) {
      const found = firstTypeMismatch(v, schema.additionalProperties, path);
      if (found) return found;
    }
  } else if (got === 'array' && schema.items) {
    for (const v of value as unknown[]) {
      const found = firstTypeMismatch(v, schema.items, path);
      if (found) return found;
    }
  }
  return undefined;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeMatches(want: string, got: string, value: unknown): boolean {
  if (want === 'integer') return got === 'number' && Number.isInteger(value);
  return want === got;
}

function goType(t: string): string {
  return { string: 'string', integer: 'int', number: 'float64', boolean: 'bool', object: 'map', array: 'slice' }[t] ?? t;
}
