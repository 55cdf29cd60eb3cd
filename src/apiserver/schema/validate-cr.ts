/**
 * Validation of a custom resource against its (structural) OpenAPI v3 schema, with kube-openapi's
 * message texts and apiextensions' mapping of them onto field errors
 * (apiextensions-apiserver pkg/apiserver/validation, kube-openapi pkg/validation/{validate,errors}).
 */
import { fieldError, formatValue } from '../../kube/errors.ts';
import type { FieldError } from '../../kube/errors.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { violatesFormat } from './formats.ts';
import { validateListTypes } from './listtype.ts';
import { child, goFloat, isObject, jsonEqual } from './util.ts';

/** Where a node is: kube-openapi's path name (`spec.items[0]`) and the base field path errors hang off. */
export interface Where {
  /** Path used inside messages (`<name> in body ...`). */
  name: string;
  /** Field path the errors are reported against ('' means the upstream nil path). */
  base: string;
}

/**
 * Validate `obj` against `schema` and report every problem at once, with the field paths and
 * messages kubectl prints, e.g. `spec.size: Invalid value: "string": spec.size in body must be of
 * type integer: "string"`. Includes `x-kubernetes-list-type` set/map uniqueness.
 *
 * @example
 * validateCustomResource({ metadata: {}, spec: { size: 11 } }, widgetSchema);
 * // [{ type: 'FieldValueInvalid', field: 'spec.size', message: 'Invalid value: 11: spec.size in body should be less than or equal to 10' }]
 */
export function validateCustomResource(obj: unknown, schema: JSONSchemaProps): FieldError[] {
  return [...validateValue(obj, schema, { name: '', base: '' }), ...validateListTypes(obj, schema, '')];
}

/**
 * Validate one value against a schema node, reporting errors under `basePath` (used for
 * `default` values in CRD validation: `...properties[size].default`).
 */
export function validateValue(value: unknown, schema: JSONSchemaProps, where: Where): FieldError[] {
  const errs: FieldError[] = [];
  if (value === null || value === undefined) {
    if (!schema.nullable && expectedTypes(schema).length > 0) errs.push(typeError(where, expectedTypes(schema), 'null'));
    return errs;
  }
  checkType(value, schema, where, errs);
  checkComposition(value, schema, where, errs);
  if (typeof value === 'string') checkString(value, schema, where, errs);
  if (typeof value === 'number') checkNumber(value, schema, where, errs);
  if (Array.isArray(value)) checkArray(value, schema, where, errs);
  checkEnum(value, schema, where, errs);
  if (isObject(value)) checkObject(value, schema, where, errs);
  return errs;
}

function fieldOf(where: Where): string {
  const name = where.name.startsWith('.') ? where.name.slice(1) : where.name;
  if (!name) return where.base || '<nil>';
  return child(where.base, name);
}

function inBody(where: Where, rest: string): string {
  return where.name ? `${where.name} in body ${rest}` : `in body ${rest}`;
}

function sub(where: Where, suffix: string): Where {
  return { name: where.name ? `${where.name}${suffix}` : suffix.replace(/^\./, ''), base: where.base };
}

function expectedTypes(schema: JSONSchemaProps): string[] {
  if (schema['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return schema.type ? [schema.type] : [];
}

/** kube-openapi's name for the JSON type of a value. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeError(where: Where, types: string[], actual: string): FieldError {
  return {
    type: 'FieldValueTypeInvalid',
    field: fieldOf(where),
    message: `Invalid value: ${formatValue(actual)}: ${inBody(where, `must be of type ${types.join(',')}: ${JSON.stringify(actual)}`)}`,
  };
}

function checkType(value: unknown, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  const types = expectedTypes(schema);
  const actual = jsonType(value);
  if (types.length === 0 || types.includes(actual) || (actual === 'integer' && types.includes('number'))) return;
  errs.push(typeError(where, types, actual));
}

function checkString(value: string, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) errs.push(fieldError.tooLong(fieldOf(where), value, schema.maxLength));
  if (schema.minLength !== undefined && length < schema.minLength) {
    errs.push(fieldError.invalid(fieldOf(where), value, inBody(where, `should be at least ${schema.minLength} chars long`)));
  }
  if (schema.pattern !== undefined && !compilePattern(schema.pattern).test(value)) {
    errs.push(fieldError.invalid(fieldOf(where), value, inBody(where, `should match '${schema.pattern}'`)));
  }
  if (schema.format && violatesFormat(schema.format, value)) {
    errs.push({
      type: 'FieldValueTypeInvalid',
      field: fieldOf(where),
      message: `Invalid value: ${formatValue(value)}: ${inBody(where, `must be of type ${schema.format}: ${JSON.stringify(value)}`)}`,
    });
  }
}

const patternCache = new Map<string, RegExp>();

/** Go RE2 patterns are mostly valid JS; try unicode mode first, fall back to legacy mode. */
function compilePattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = new RegExp(pattern);
    }
    patternCache.set(pattern, re);
  }
  return re;
}

function checkNumber(value: number, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  const field = fieldOf(where);
  if (schema.multipleOf !== undefined && schema.multipleOf !== 0) {
    const q = value / schema.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) errs.push(fieldError.invalid(field, value, inBody(where, `should be a multiple of ${goFloat(schema.multipleOf)}`)));
  }
  if (schema.maximum !== undefined) {
    const bad = schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum;
    const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
    if (bad) errs.push(fieldError.invalid(field, value, inBody(where, `should be ${rel} ${goFloat(schema.maximum)}`)));
  }
  if (schema.minimum !== undefined) {
    const bad = schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum;
    const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
    if (bad) errs.push(fieldError.invalid(field, value, inBody(where, `should be ${rel} ${goFloat(schema.minimum)}`)));
  }
}

function checkArray(value: unknown[], schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) errs.push(fieldError.tooMany(fieldOf(where), value.length, schema.maxItems));
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errs.push(fieldError.invalid(fieldOf(where), value.length, inBody(where, `should have at least ${schema.minItems} items`)));
  }
  if (!schema.items) return;
  value.forEach((item, i) => errs.push(...validateValue(item, schema.items as JSONSchemaProps, sub(where, `[${i}]`))));
}

function checkEnum(value: unknown, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  if (!schema.enum || schema.enum.length === 0 || schema.enum.some((e) => jsonEqual(e, value))) return;
  // apiextensions renders non-string allowed values as JSON before quoting them.
  const supported = schema.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  errs.push(fieldError.notSupported(fieldOf(where), value, supported));
}

function checkObject(value: Record<string, unknown>, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  const size = Object.keys(value).length;
  if (schema.maxProperties !== undefined && size > schema.maxProperties) errs.push(fieldError.tooMany(fieldOf(where), size, schema.maxProperties));
  if (schema.minProperties !== undefined && size < schema.minProperties) {
    errs.push(fieldError.invalid(fieldOf(where), size, inBody(where, `should have at least ${schema.minProperties} properties`)));
  }
  for (const k of schema.required ?? []) {
    if (!(k in value)) errs.push(fieldError.required(fieldOf(sub(where, `.${k}`))));
  }
  const props = schema.properties ?? {};
  for (const [k, propSchema] of Object.entries(props)) {
    if (k in value) errs.push(...validateValue(value[k], propSchema, sub(where, `.${k}`)));
  }
  const extra = schema.additionalProperties;
  if (isObject(extra)) {
    for (const [k, v] of Object.entries(value)) {
      if (!(k in props)) errs.push(...validateValue(v, extra as JSONSchemaProps, sub(where, `.${k}`)));
    }
  }
  if (schema['x-kubernetes-embedded-resource']) checkEmbedded(value, where, errs);
}

function checkEmbedded(value: Record<string, unknown>, where: Where, errs: FieldError[]): void {
  for (const k of ['apiVersion', 'kind']) {
    if (typeof value[k] !== 'string' || value[k] === '') errs.push(fieldError.required(fieldOf(sub(where, `.${k}`)), 'must not be empty'));
  }
}

/** Composite errors carry no field name upstream: they land on the base path (`<nil>` for a CR). */
function compositeError(where: Where, text: string): FieldError {
  return fieldError.invalid(where.base || '<nil>', '', `${JSON.stringify(where.name)} ${text}`);
}

function fewestErrors(results: FieldError[][]): FieldError[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

function checkComposition(value: unknown, schema: JSONSchemaProps, where: Where, errs: FieldError[]): void {
  if (schema.allOf?.length) {
    const results = schema.allOf.map((s) => validateValue(value, s, where));
    const valid = results.filter((r) => r.length === 0).length;
    results.forEach((r) => errs.push(...r));
    if (valid !== results.length) errs.push(compositeError(where, `must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`));
  }
  if (schema.anyOf?.length) {
    const results = schema.anyOf.map((s) => validateValue(value, s, where));
    if (!results.some((r) => r.length === 0)) {
      errs.push(compositeError(where, 'must validate at least one schema (anyOf)'), ...fewestErrors(results));
    }
  }
  if (schema.oneOf?.length) {
    const results = schema.oneOf.map((s) => validateValue(value, s, where));
    const valid = results.filter((r) => r.length === 0).length;
    if (valid === 0) errs.push(compositeError(where, 'must validate one and only one schema (oneOf). Found none valid'), ...fewestErrors(results));
    if (valid > 1) errs.push(compositeError(where, `must validate one and only one schema (oneOf). Found ${valid} valid alternatives`));
  }
  if (schema.not && validateValue(value, schema.not, where).length === 0) {
    errs.push(compositeError(where, 'must not validate the schema (not)'));
  }
}
