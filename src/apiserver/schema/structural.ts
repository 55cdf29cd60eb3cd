/**
 * Structural-schema invariants of a CRD version schema (apiextensions-apiserver
 * pkg/apiserver/schema/validation.go and complete.go). Works on the raw JSON of the schema so
 * that keys our JSONSchemaProps type does not model are still seen.
 */
import { fieldError } from '../../kube/errors.ts';
import type { FieldError } from '../../kube/errors.ts';
import { child, index, isObject, jsonEqual, key, sortErrors } from './util.ts';
import type { JsonMap } from './util.ts';

type Level = 'root' | 'item' | 'field';

const INT_OR_STRING_ANY_OF = [{ type: 'integer' }, { type: 'string' }];

const TYPE_REQUIRED: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

/** Keys that make upstream's NewStructural fail; structural checks are then skipped. */
export const NON_STRUCTURAL_KEYS = ['$ref', 'definitions', 'dependencies', 'patternProperties', 'additionalItems', 'id'];

/** Structural invariants and completeness of a root schema, sorted as upstream sorts them. */
export function validateStructural(schema: JsonMap, path: string): FieldError[] {
  return sortErrors([...invariants(schema, 'root', path), ...completeness(schema, schema, path, path)]);
}

function asSchema(v: unknown): JsonMap | undefined {
  return isObject(v) ? v : undefined;
}

function props(s: JsonMap): Record<string, JsonMap> {
  return isObject(s.properties) ? (s.properties as Record<string, JsonMap>) : {};
}

function invariants(s: JsonMap, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type === 'array' && s.items === undefined) errs.push(fieldError.required(child(p, 'items'), 'must be specified'));
  const items = asSchema(s.items);
  if (items) errs.push(...invariants(items, 'item', child(p, 'items')));
  for (const [k, v] of Object.entries(props(s))) errs.push(...invariants(v, 'field', key(child(p, 'properties'), k)));
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(fieldError.forbidden(child(p, 'additionalProperties'), 'must not be used at the root'));
    const extra = asSchema(s.additionalProperties);
    if (extra) errs.push(...invariants(extra, 'field', child(p, 'additionalProperties')));
  }
  errs.push(...extensionErrors(s, p));
  errs.push(...valueValidation(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), p));
  errs.push(...typeErrors(s, lvl, p));
  errs.push(...resourceMetaErrors(s, lvl, p));
  return errs;
}

function extensionErrors(s: JsonMap, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (s['x-kubernetes-int-or-string'] && s['x-kubernetes-preserve-unknown-fields']) {
    errs.push(fieldError.invalid(child(p, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (s['x-kubernetes-int-or-string'] && s['x-kubernetes-embedded-resource']) {
    errs.push(fieldError.invalid(child(p, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  return errs;
}

function typeErrors(s: JsonMap, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof s.type === 'string' ? s.type : '';
  const embedded = !!s['x-kubernetes-embedded-resource'];
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errs.push(type ? fieldError.invalid(child(p, 'type'), type, detail) : fieldError.required(child(p, 'type'), detail));
  } else if (!type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
    errs.push(fieldError.required(child(p, 'type'), TYPE_REQUIRED[lvl]));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(fieldError.forbidden(child(p, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type && type !== 'object') errs.push(fieldError.invalid(child(p, 'type'), type, 'must be object at the root'));
  return errs;
}

function resourceMetaErrors(s: JsonMap, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const checkMetadata = lvl === 'root' || !!s['x-kubernetes-embedded-resource'];
  const ps = props(s);
  for (const name of ['kind', 'apiVersion']) {
    if (ps[name] && checkMetadata && ps[name].type !== 'string') {
      errs.push(fieldError.invalid(child(key(child(p, 'properties'), name), 'type'), ps[name].type ?? '', 'must be string'));
    }
  }
  if (ps.metadata) errs.push(...metadataErrors(ps.metadata, checkMetadata, lvl, key(child(p, 'properties'), 'metadata')));
  if (s['x-kubernetes-embedded-resource'] && !s['x-kubernetes-preserve-unknown-fields'] && Object.keys(ps).length === 0) {
    errs.push(fieldError.required(child(p, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Root metadata may only restrict name and generateName (and say it is an object). */
function metadataErrors(m: JsonMap, checkMetadata: boolean, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && m.type !== 'object') errs.push(fieldError.invalid(child(p, 'type'), m.type ?? '', 'must be object'));
  if (lvl !== 'root') return errs;
  const names = Object.keys(props(m));
  const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
  const other = Object.keys(m).filter((k) => !['type', 'default', 'properties'].includes(k) && !isZero(m[k]));
  if (!onlyNames || other.length > 0) {
    errs.push(fieldError.forbidden(p, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return errs;
}

function isZero(v: unknown): boolean {
  return v === false || v === '' || v === null || (Array.isArray(v) && v.length === 0);
}

function isIntOrStringAnyOf(s: JsonMap): boolean {
  return Array.isArray(s.anyOf) && jsonEqual(s.anyOf, INT_OR_STRING_ANY_OF);
}

function isIntOrStringAllOf(s: JsonMap): boolean {
  const first = Array.isArray(s.allOf) ? asSchema(s.allOf[0]) : undefined;
  return !!first && Array.isArray(first.anyOf) && jsonEqual(first.anyOf, INT_OR_STRING_ANY_OF);
}

function list(v: unknown): JsonMap[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** allOf/anyOf/oneOf/not of a node (upstream validateValueValidation). */
function valueValidation(v: JsonMap, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) list(v.anyOf).forEach((n, i) => errs.push(...nested(n, false, index(child(p, 'anyOf'), i))));
  list(v.allOf).forEach((n, i) => errs.push(...nested(n, skipFirstAllOfAnyOf && i === 0, index(child(p, 'allOf'), i))));
  list(v.oneOf).forEach((n, i) => errs.push(...nested(n, false, index(child(p, 'oneOf'), i))));
  const not = asSchema(v.not);
  if (not) errs.push(...nested(not, false, child(p, 'not')));
  if (typeof v.pattern === 'string') {
    try {
      new RegExp(v.pattern, 'u');
    } catch (err) {
      errs.push(fieldError.invalid(child(p, 'pattern'), v.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
  return errs;
}

const NESTED_FORBIDDEN: [string, string][] = [
  ['type', 'must be empty to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

/** A schema under a logical junctor: only value validations are allowed there. */
function nested(n: JsonMap, skipAnyOf: boolean, p: string): FieldError[] {
  const errs = valueValidation(n, skipAnyOf, false, p);
  const items = asSchema(n.items);
  if (items) errs.push(...nested(items, false, child(p, 'items')));
  for (const [k, v] of Object.entries(props(n))) errs.push(...nested(v, false, key(child(p, 'properties'), k)));
  if (n.additionalProperties !== undefined) errs.push(fieldError.forbidden(child(p, 'additionalProperties'), 'must be undefined to be structural'));
  for (const [k, detail] of NESTED_FORBIDDEN) {
    if (n[k] !== undefined && !isZero(n[k])) errs.push(fieldError.forbidden(child(p, k), detail));
  }
  if (props(n).metadata) errs.push(fieldError.forbidden(key(child(p, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  return errs;
}

/** Every property/items named under a junctor must also exist in the structural part. */
function completeness(v: JsonMap, s: JsonMap | undefined, sPath: string, vPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const junctors: [JsonMap, string][] = [];
  list(v.allOf).forEach((n, i) => junctors.push([n, index(child(vPath, 'allOf'), i)]));
  list(v.anyOf).forEach((n, i) => junctors.push([n, index(child(vPath, 'anyOf'), i)]));
  list(v.oneOf).forEach((n, i) => junctors.push([n, index(child(vPath, 'oneOf'), i)]));
  if (asSchema(v.not)) junctors.push([v.not as JsonMap, child(vPath, 'not')]);
  for (const [n, np] of junctors) errs.push(...nestedCompleteness(n, s, sPath, np));
  if (v === s && s) {
    const items = asSchema(s.items);
    if (items) errs.push(...completeness(items, items, child(sPath, 'items'), child(sPath, 'items')));
    for (const [k, ps] of Object.entries(props(s))) {
      const pp = key(child(sPath, 'properties'), k);
      errs.push(...completeness(ps, ps, pp, pp));
    }
  }
  return errs;
}

function nestedCompleteness(n: JsonMap, s: JsonMap | undefined, sPath: string, vPath: string): FieldError[] {
  if (!s) return [fieldError.required(sPath, `because it is defined in ${vPath}`)];
  const errs = completeness(n, s, sPath, vPath);
  const items = asSchema(n.items);
  if (items) errs.push(...nestedCompleteness(items, asSchema(s.items), child(sPath, 'items'), child(vPath, 'items')));
  for (const [k, np] of Object.entries(props(n))) {
    errs.push(...nestedCompleteness(np, props(s)[k], key(child(sPath, 'properties'), k), key(child(vPath, 'properties'), k)));
  }
  return errs;
}
