/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`), as applied by the upstream apiserver
 * through evanphx/json-patch `MergePatch`.
 */
import { badPatch, hasKey, isObject, setKey } from './json-values.ts';
import type { JsonMap } from './json-values.ts';

/**
 * Apply a JSON merge patch: objects merge recursively, `null` deletes a key, any other value
 * (arrays included) replaces the target. Pure: inputs are not modified.
 *
 * @example
 * applyMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { b: null, c: '3' } } });
 * // → { metadata: { labels: { a: '1', c: '3' } } }
 * @throws StatusError 400 `Invalid JSON Patch` when the patch is `null` or a scalar (upstream `ErrBadJSONPatch`).
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object') throw badPatch('Invalid JSON Patch');
  return mergeInto(structuredClone(doc), patch);
}

/** Merge `patch` into `target`, which this module owns (a clone) and may change. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return pruneNulls(patch);
  const result: JsonMap = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete result[key];
    } else {
      setKey(result, key, mergeInto(hasKey(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}

/** Copy of a new value with `null` members of objects dropped (arrays keep null elements). */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (!isObject(value)) return value;
  const out: JsonMap = {};
  for (const key of Object.keys(value)) {
    if (value[key] !== null) setKey(out, key, pruneNulls(value[key]));
  }
  return out;
}
