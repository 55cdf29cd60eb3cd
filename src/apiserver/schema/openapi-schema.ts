/**
 * Validation of one CRD version's `schema.openAPIV3Schema` (apiextensions-apiserver
 * validation.go: validateCustomResourceDefinitionValidation and
 * ValidateCustomResourceDefinitionOpenAPISchema), plus the default-value checks of
 * pkg/apiserver/schema/defaulting/validation.go.
 */
import { fieldError } from '../../kube/errors.ts';
import type { FieldError } from '../../kube/errors.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { pruneObject } from './prune.ts';
import { NON_STRUCTURAL_KEYS, validateStructural } from './structural.ts';
import { child, cloneJson, index, isObject, key } from './util.ts';
import type { JsonMap } from './util.ts';
import { validateValue } from './validate-cr.ts';

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const ROOT_FIELDS_WITH_STATUS = new Set([
  'description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties', 'externalDocs', 'example',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
]);
const ROOT_FIELDS_MESSAGE =
  'only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled';

interface Flags {
  isRoot: boolean;
  insideMeta: boolean;
  /** Set when defaults are forbidden here: the reason appended to "must not be set". */
  noDefaults?: string;
}

/**
 * All problems of `schema` (the value of `<versionPath>.schema.openAPIV3Schema`): root rules,
 * structural invariants (or, when those hold, default values), then OpenAPI keyword rules.
 */
export function validateVersionSchema(schema: JsonMap, schemaPath: string, statusEnabled: boolean): FieldError[] {
  const p = child(schemaPath, 'openAPIV3Schema');
  const errs: FieldError[] = statusEnabled ? rootWithStatusErrors(schema, p) : [];
  if (schema.nullable === true) errs.push(fieldError.forbidden(child(p, 'nullable'), 'nullable cannot be true at the root'));
  if (!hasNonStructuralKeys(schema)) {
    const structural = validateStructural(schema, p);
    errs.push(...(structural.length > 0 ? structural : validateDefaults(schema, p, true)));
  }
  errs.push(...openAPISchemaErrors(schema, p, { isRoot: true, insideMeta: false }));
  return errs;
}

function rootWithStatusErrors(schema: JsonMap, p: string): FieldError[] {
  for (const [k, v] of Object.entries(schema)) {
    if (v === false || v === '' || v === null || (Array.isArray(v) && v.length === 0)) continue;
    if (k === 'type') {
      if (v !== 'object') return [fieldError.invalid(child(p, 'type'), v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      continue;
    }
    if (!ROOT_FIELDS_WITH_STATUS.has(k)) return [fieldError.invalid(p, 'object', ROOT_FIELDS_MESSAGE)];
  }
  return [];
}

function hasNonStructuralKeys(s: unknown): boolean {
  if (Array.isArray(s)) return s.some(hasNonStructuralKeys);
  if (!isObject(s)) return false;
  if (NON_STRUCTURAL_KEYS.some((k) => k in s) || Array.isArray(s.items)) return true;
  return Object.entries(s).some(([k, v]) => k !== 'default' && k !== 'enum' && k !== 'example' && hasNonStructuralKeys(v));
}

/** Defaults must validate against their node and must survive pruning unchanged. */
function validateDefaults(s: JsonMap, p: string, isRoot: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (s.default !== undefined && !isRoot) {
    const node = s as JSONSchemaProps;
    const found = validateValue(s.default, node, { name: '', base: child(p, 'default') });
    errs.push(...found);
    if (found.length === 0 && isObject(s.default) && pruneObject(cloneJson(s.default), node).length > 0) {
      errs.push(fieldError.invalid(child(p, 'default'), s.default, 'must not have unknown fields'));
    }
  }
  if (isObject(s.items)) errs.push(...validateDefaults(s.items, child(p, 'items'), false));
  if (isObject(s.additionalProperties)) errs.push(...validateDefaults(s.additionalProperties, child(p, 'additionalProperties'), false));
  if (isObject(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) {
      if (isObject(v) && !(isRoot && META_FIELDS.has(k))) errs.push(...validateDefaults(v, key(child(p, 'properties'), k), false));
    }
  }
  return errs;
}

/** Keyword checks of one node (upstream specStandardValidatorV3.validate). */
function keywordErrors(s: JsonMap, p: string, f: Flags): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof s.type === 'string' && s.type !== '' && !OPENAPI_V3_TYPES.includes(s.type)) {
    errs.push(fieldError.notSupported(child(p, 'type'), s.type, OPENAPI_V3_TYPES));
  }
  if (s.default !== undefined && f.noDefaults !== undefined) {
    errs.push(fieldError.forbidden(child(p, 'default'), f.noDefaults ? `must not be set ${f.noDefaults}` : 'must not be set'));
  }
  if (s.id) errs.push(fieldError.forbidden(child(p, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(fieldError.forbidden(child(p, 'additionalItems'), 'additionalItems is not supported'));
  if (isObject(s.patternProperties) && Object.keys(s.patternProperties).length) errs.push(fieldError.forbidden(child(p, 'patternProperties'), 'patternProperties is not supported'));
  if (isObject(s.definitions) && Object.keys(s.definitions).length) errs.push(fieldError.forbidden(child(p, 'definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(fieldError.forbidden(child(p, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(fieldError.forbidden(child(p, '$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(fieldError.forbidden(child(p, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length) errs.push(fieldError.forbidden(child(p, 'items'), 'items must be a schema object and not an array'));
  if (f.insideMeta && s['x-kubernetes-embedded-resource']) {
    errs.push(fieldError.forbidden(child(p, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  if (s.uniqueItems === true) errs.push(fieldError.forbidden(child(p, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  return errs;
}

function childErrors(s: JsonMap, p: string, f: Flags): FieldError[] {
  const errs: FieldError[] = [];
  const inner: Flags = { isRoot: false, insideMeta: f.insideMeta, noDefaults: f.noDefaults };
  const properties = isObject(s.properties) ? s.properties : {};
  if (s.additionalProperties !== undefined) {
    if (Object.keys(properties).length && s.additionalProperties !== true) {
      errs.push(fieldError.forbidden(child(p, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    const extraFlags = f.insideMeta ? { ...inner, noDefaults: 'inside additionalProperties applying to object metadata' } : inner;
    if (isObject(s.additionalProperties)) errs.push(...openAPISchemaErrors(s.additionalProperties, child(p, 'additionalProperties'), extraFlags));
  }
  for (const [k, v] of Object.entries(properties)) {
    if (!isObject(v)) continue;
    let pf = inner;
    if ((f.isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      pf = { ...pf, insideMeta: true, noDefaults: f.isRoot ? `in top-level ${k}` : pf.noDefaults };
    }
    errs.push(...openAPISchemaErrors(v, key(child(p, 'properties'), k), pf));
  }
  if (isObject(s.not)) errs.push(...openAPISchemaErrors(s.not, child(p, 'not'), inner));
  for (const junctor of ['allOf', 'oneOf', 'anyOf']) {
    const list = Array.isArray(s[junctor]) ? (s[junctor] as unknown[]) : [];
    list.forEach((n, i) => isObject(n) && errs.push(...openAPISchemaErrors(n, index(child(p, junctor), i), inner)));
  }
  if (isObject(s.definitions)) {
    for (const [k, v] of Object.entries(s.definitions)) if (isObject(v)) errs.push(...openAPISchemaErrors(v, key(child(p, 'definitions'), k), inner));
  }
  if (isObject(s.items)) errs.push(...openAPISchemaErrors(s.items, child(p, 'items'), inner));
  if (Array.isArray(s.items)) s.items.forEach((n, i) => isObject(n) && errs.push(...openAPISchemaErrors(n, index(child(p, 'items'), i), inner)));
  return errs;
}

function goStrings(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}` : String(v);
}

function mapTypeErrors(s: JsonMap, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const mapType = s['x-kubernetes-map-type'];
  if (mapType === undefined) return errs;
  if (s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    errs.push(s.type ? fieldError.invalid(child(p, 'type'), s.type, detail) : fieldError.required(child(p, 'type'), detail));
  }
  if (mapType !== 'atomic' && mapType !== 'granular') errs.push(fieldError.notSupported(child(p, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  return errs;
}

function setItemErrors(items: JsonMap, p: string): FieldError[] {
  const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
  const itemListType = items['x-kubernetes-list-type'];
  if (items.type === 'array' && itemListType !== undefined && itemListType !== 'atomic') {
    return [fieldError.invalid(child(p, 'items', 'x-kubernetes-list-type'), itemListType, detail)];
  }
  if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
    // Upstream passes the item's list type as the value here (usually nil).
    const value = itemListType === undefined ? '(*string)(nil)' : itemListType;
    return [{ type: 'FieldValueInvalid', field: child(p, 'items', 'x-kubernetes-map-type'), message: `Invalid value: ${value}: ${detail}` }];
  }
  return [];
}

function listMapErrors(s: JsonMap, keys: unknown[], p: string): FieldError[] {
  const errs: FieldError[] = [];
  const items = isObject(s.items) ? s.items : undefined;
  if (keys.length === 0) errs.push(fieldError.required(child(p, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
  if (s.items === undefined) errs.push(fieldError.required(child(p, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
  if (!items) return errs;
  if (items.type !== 'object') {
    errs.push(fieldError.invalid(child(p, 'items', 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return errs;
  }
  const itemProps = isObject(items.properties) ? (items.properties as Record<string, JsonMap>) : {};
  const seen = new Set<unknown>();
  for (const k of keys) {
    const prop = itemProps[String(k)];
    if (!prop) errs.push({ type: 'FieldValueInvalid', field: child(p, 'x-kubernetes-list-map-keys'), message: `Invalid value: ${goStrings(keys)}: entries must all be names of item properties` });
    else if (prop.type === 'array' || prop.type === 'object') {
      errs.push(fieldError.invalid(child(key(child(p, 'items', 'properties'), String(k)), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    }
    if (seen.has(k)) errs.push({ type: 'FieldValueInvalid', field: child(p, 'x-kubernetes-list-map-keys'), message: `Invalid value: ${goStrings(keys)}: must not contain duplicate entries` });
    seen.add(k);
  }
  return errs;
}

/** Map/set lists: items not nullable; map keys required-or-defaulted and not nullable. */
function mapListKeysMapSetErrors(s: JsonMap, listType: unknown, keys: unknown[], p: string): FieldError[] {
  const items = isObject(s.items) ? s.items : undefined;
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const errs: FieldError[] = [];
  if (items.nullable === true) errs.push(fieldError.forbidden(child(p, 'items', 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType !== 'map') return errs;
  const required = Array.isArray(items.required) ? items.required : [];
  const itemProps = isObject(items.properties) ? (items.properties as Record<string, JsonMap>) : {};
  for (const k of keys.map(String)) {
    const prop = itemProps[k];
    if (!prop) continue;
    const base = key(child(p, 'items', 'properties'), k);
    if (!required.includes(k) && prop.default === undefined) {
      errs.push(fieldError.required(child(base, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
    if (prop.nullable === true) errs.push(fieldError.forbidden(child(base, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
  }
  return errs;
}

function listTypeErrors(s: JsonMap, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const listType = s['x-kubernetes-list-type'];
  const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as unknown[]) : [];
  if (listType !== undefined && s.type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    errs.push(s.type ? fieldError.invalid(child(p, 'type'), s.type, detail) : fieldError.required(child(p, 'type'), detail));
  } else if (listType === 'set' && isObject(s.items)) {
    errs.push(...setItemErrors(s.items, p));
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(String(listType))) {
    errs.push(fieldError.notSupported(child(p, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (keys.length > 0 && listType === undefined) errs.push(fieldError.required(child(p, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
  else if (keys.length > 0 && listType !== 'map') errs.push(fieldError.invalid(child(p, 'x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  if (listType === 'map') errs.push(...listMapErrors(s, keys, p));
  errs.push(...mapListKeysMapSetErrors(s, listType, keys, p));
  return errs;
}

function celRuleErrors(s: JsonMap, p: string): FieldError[] {
  const rules = Array.isArray(s['x-kubernetes-validations']) ? (s['x-kubernetes-validations'] as unknown[]) : [];
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    const rule = isObject(r) && typeof r.rule === 'string' ? r.rule.trim() : '';
    if (!rule) errs.push(fieldError.required(child(index(child(p, 'x-kubernetes-validations'), i), 'rule'), 'rule is not specified'));
  });
  return errs;
}

/** Recursive OpenAPI keyword validation of a node and everything below it. */
function openAPISchemaErrors(s: JsonMap, p: string, f: Flags): FieldError[] {
  const errs = [...keywordErrors(s, p, f), ...childErrors(s, p, f)];
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(fieldError.invalid(child(p, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  errs.push(...mapTypeErrors(s, p), ...listTypeErrors(s, p), ...celRuleErrors(s, p));
  return errs;
}
