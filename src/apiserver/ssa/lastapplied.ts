/**
 * Interplay with client-side apply's `kubectl.kubernetes.io/last-applied-configuration`
 * (upstream lastAppliedManager / lastAppliedUpdater, both only for field manager `kubectl`).
 */
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { difference } from './fieldpath.ts';
import type { FieldSet } from './fieldpath.ts';
import { isObject } from './schema.ts';
import { compareObjects, fieldSetFromObject } from './typed.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream TotalAnnotationSizeLimitB (256 KiB). */
const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

function lastAppliedOf(obj: JsonObject): string | undefined {
  const meta = obj.metadata;
  const annotations = isObject(meta) ? meta.annotations : undefined;
  const v = isObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Fields `kubectl apply --server-side` may take over from client-side apply without `force`:
 * those in the last-applied configuration whose live value still matches it.
 */
export function allowedConflictsFromLastApplied(live: JsonObject, schema: JSONSchemaProps | undefined): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let last: JsonValue;
  try {
    last = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isObject(last)) return undefined;
  const set = fieldSetFromObject(last, schema);
  return difference(set, compareObjects(last, live, schema).modified);
}

/**
 * After an apply by `kubectl`, rewrite an existing last-applied annotation to the applied
 * configuration (sorted-key JSON with a trailing newline, as Go encodes it); drop it when it
 * would push annotations over the size limit.
 */
export function syncLastApplied(result: JsonObject, applied: JsonObject): void {
  if (!lastAppliedOf(result)) return;
  const config = structuredClone(applied);
  if (isObject(config.metadata) && isObject(config.metadata.annotations)) {
    delete config.metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(config.metadata.annotations).length === 0) delete config.metadata.annotations;
  }
  const annotations = (result.metadata as JsonObject).annotations as JsonObject;
  annotations[LAST_APPLIED_ANNOTATION] = `${goJson(config)}\n`;
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > ANNOTATIONS_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
}

/** encoding/json of a map: keys sorted, `<`, `>`, `&` escaped. */
function goJson(v: JsonValue): string {
  return JSON.stringify(sortKeys(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}
