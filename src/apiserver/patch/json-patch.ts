/**
 * RFC 6902 JSON Patch (`application/json-patch+json`), with the error mapping of the upstream
 * apiserver: a body that does not decode as a list of operations is 400 BadRequest, an operation
 * that cannot be applied (failed `test`, missing path, unknown op) is 422 Invalid with the generic
 * message, and more than 10000 operations is 413.
 */
import { StatusError } from '../../kube/errors.ts';
import { badPatch, goJsonKind, hasKey, isObject, jsonEqual, setKey, unprocessablePatch } from './json-values.ts';
import type { JsonMap } from './json-values.ts';

/** One RFC 6902 operation as sent on the wire. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** Upstream `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * Apply an RFC 6902 patch to a decoded JSON document. Pure: `doc` and `ops` are not modified.
 * The whole patch applies or nothing does.
 *
 * @example
 * applyJsonPatch({ data: { a: '1' } }, [{ op: 'replace', path: '/data/a', value: '2' }]);
 * // → { data: { a: '2' } }
 * @throws StatusError 400 if `ops` is not an array of objects, 413 if too long, 422 if an operation fails.
 */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  const operations = decodeOperations(ops);
  let root = structuredClone(doc);
  for (const op of operations) root = applyOperation(root, op);
  return root;
}

function decodeOperations(ops: unknown): JsonMap[] {
  if (!Array.isArray(ops)) {
    throw badPatch(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  const bad = ops.find((op) => !isObject(op));
  if (bad !== undefined) {
    throw badPatch(`json: cannot unmarshal ${goJsonKind(bad)} into Go value of type jsonpatch.Operation`);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw StatusError.tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  return ops as JsonMap[];
}

function applyOperation(root: unknown, op: JsonMap): unknown {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add':
      return addAt(root, pointerOf(op, 'path'), valueOf(op, kind), kind);
    case 'remove':
      return removeAt(root, pointerOf(op, 'path'), kind);
    case 'replace':
      return replaceAt(root, pointerOf(op, 'path'), valueOf(op, kind));
    case 'move':
      return moveOp(root, op);
    case 'copy': {
      const value = structuredClone(getAt(root, pointerOf(op, 'from'), kind));
      return addAt(root, pointerOf(op, 'path'), value, kind);
    }
    case 'test':
      testOp(root, op);
      return root;
    default:
      throw unprocessablePatch(`Unexpected kind: ${kind}`);
  }
}

function valueOf(op: JsonMap, kind: string): unknown {
  if (!hasKey(op, 'value')) throw unprocessablePatch(`${kind} operation missing value`);
  return structuredClone(op.value);
}

function moveOp(root: unknown, op: JsonMap): unknown {
  const from = pointerOf(op, 'from');
  const path = pointerOf(op, 'path');
  if (jsonEqual(from, path)) return root;
  if (path.length > from.length && from.every((t, i) => path[i] === t)) {
    throw unprocessablePatch(`move operation does not apply: "from" is a prefix of "path"`);
  }
  const value = getAt(root, from, 'move');
  return addAt(removeAt(root, from, 'move'), path, value, 'move');
}

function testOp(root: unknown, op: JsonMap): void {
  const path = pointerOf(op, 'path');
  if (!hasKey(op, 'value')) throw unprocessablePatch('test operation missing value');
  const found = lookup(root, path);
  // Upstream (evanphx/json-patch v4) lets `{"op":"test","value":null}` pass on a missing path.
  if (!found.ok) {
    if (op.value === null) return;
    throw unprocessablePatch(`testing value ${renderPointer(path)} failed: test failed`);
  }
  if (!jsonEqual(found.value, op.value)) {
    throw unprocessablePatch(`testing value ${renderPointer(path)} failed: test failed`);
  }
}

/** Parse an RFC 6901 pointer into unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessablePatch(`JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw unprocessablePatch(`invalid escape in JSON pointer: ${JSON.stringify(pointer)}`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function pointerOf(op: JsonMap, field: 'path' | 'from'): string[] {
  const raw = op[field];
  if (typeof raw !== 'string') throw unprocessablePatch(`operation missing ${field} field`);
  return parsePointer(raw);
}

function renderPointer(tokens: string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function missing(kind: string, tokens: string[]): StatusError {
  return unprocessablePatch(`${kind} operation does not apply: doc is missing path: "${renderPointer(tokens)}"`);
}

/** Array index token: `0` or no leading zeros; `-` is handled by callers. */
function arrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;
}

function child(container: unknown, token: string): { ok: true; value: unknown } | { ok: false } {
  if (Array.isArray(container)) {
    const i = arrayIndex(token);
    return i !== undefined && i < container.length ? { ok: true, value: container[i] } : { ok: false };
  }
  if (isObject(container) && hasKey(container, token)) return { ok: true, value: container[token] };
  return { ok: false };
}

function lookup(root: unknown, tokens: string[]): { ok: true; value: unknown } | { ok: false } {
  let current: { ok: true; value: unknown } | { ok: false } = { ok: true, value: root };
  for (const token of tokens) {
    if (!current.ok) return current;
    current = child(current.value, token);
  }
  return current;
}

function getAt(root: unknown, tokens: string[], kind: string): unknown {
  const found = lookup(root, tokens);
  if (!found.ok) throw missing(kind, tokens);
  return found.value;
}

/** The container holding the last token, which must exist. */
function parentOf(root: unknown, tokens: string[], kind: string): unknown {
  const found = lookup(root, tokens.slice(0, -1));
  if (!found.ok || (found.value === null || typeof found.value !== 'object')) throw missing(kind, tokens);
  return found.value;
}

function addAt(root: unknown, tokens: string[], value: unknown, kind: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, kind);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last);
    if (i === undefined || i > parent.length) throw missing(kind, tokens);
    parent.splice(i, 0, value);
  } else {
    setKey(parent as JsonMap, last, value);
  }
  return root;
}

function removeAt(root: unknown, tokens: string[], kind: string): unknown {
  if (tokens.length === 0) throw missing(kind, tokens);
  const parent = parentOf(root, tokens, kind);
  const last = tokens[tokens.length - 1];
  if (!child(parent, last).ok) throw missing(kind, tokens);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as JsonMap)[last];
  return root;
}

function replaceAt(root: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, 'replace');
  const last = tokens[tokens.length - 1];
  if (!child(parent, last).ok) throw missing('replace', tokens);
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else setKey(parent as JsonMap, last, value);
  return root;
}
