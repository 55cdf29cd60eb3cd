/**
 * Small helpers over decoded JSON values shared by the three patch formats, plus the error
 * constructors whose codes and texts follow the upstream apiserver patch handler
 * (k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
 */
import { StatusError } from '../../kube/errors.ts';

/** A decoded JSON object. */
export type JsonMap = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Own-property lookup: `"constructor"` or `"__proto__"` in a patch never reach the prototype. */
export function hasKey(obj: JsonMap, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** Assign without triggering the `__proto__` setter (JSON may carry that key as data). */
export function setKey(obj: JsonMap, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Structural JSON equality: key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => hasKey(b, k) && jsonEqual(a[k], b[k]));
}

/** Go's `%v` rendering of a decoded JSON value, used in upstream error texts (`map[a:1 b:x]`). */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isObject(value)) {
    const entries = Object.keys(value).sort().map((k) => `${k}:${goFormat(value[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** Go type name of a decoded JSON value, as in `json: cannot unmarshal <type> into ...`. */
export function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** 400 BadRequest carrying the upstream message: malformed patch documents and directives. */
export function badPatch(message: string): StatusError {
  return StatusError.badRequest(message);
}

/**
 * The 422 upstream answers when a patch is well-formed but cannot be applied (failed JSON-patch
 * `test`, missing path, list of lists): `NewGenericServerResponse(422, ...)`, whose wire message is
 * the fixed text below with empty details. The specific reason is kept as `cause` for logs only.
 */
export function unprocessablePatch(detail: string): StatusError {
  const err = new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  Object.defineProperty(err, 'cause', { value: new Error(detail), enumerable: false, configurable: true });
  return err;
}
