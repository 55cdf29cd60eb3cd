/**
 * Static validation of a CustomResourceDefinition (apiextensions.k8s.io/v1), with upstream field
 * paths and messages (apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go).
 */
import { fieldError } from '../../kube/errors.ts';
import type { FieldError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { validateVersionSchema } from './openapi-schema.ts';
import { child, index, isDNS1035Label, isDNS1123Subdomain, isObject } from './util.ts';
import type { JsonMap } from './util.ts';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function obj(v: unknown): JsonMap {
  return isObject(v) ? v : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Validate a CRD as the API server does on create and update; every problem is reported.
 *
 * @example
 * const errs = validateCRD(crd);
 * if (errs.length) throw StatusError.invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, crd.metadata.name ?? '', errs);
 */
export function validateCRD(crd: KubeObject): FieldError[] {
  const spec = obj(crd.spec);
  return [...validateMetadata(crd, spec), ...validateSpec(spec), ...validateNames(obj(obj(crd.status).acceptedNames), 'status.acceptedNames')];
}

function validateMetadata(crd: KubeObject, spec: JsonMap): FieldError[] {
  const meta = obj(crd.metadata);
  const name = str(meta.name);
  const errs: FieldError[] = [];
  if (!name && !str(meta.generateName)) errs.push(fieldError.required('metadata.name', 'name or generateName is required'));
  if (name) {
    const msgs = isDNS1123Subdomain(name);
    if (name !== `${str(obj(spec.names).plural)}.${str(spec.group)}`) msgs.push('must be spec.names.plural+"."+spec.group');
    for (const m of msgs) errs.push(fieldError.invalid('metadata.name', name, m));
  }
  if (meta.namespace) errs.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  return errs;
}

function validateGroupAndScope(spec: JsonMap): FieldError[] {
  const group = str(spec.group);
  const errs: FieldError[] = [];
  const groupErrs = isDNS1123Subdomain(group);
  if (!group) errs.push(fieldError.required('spec.group'));
  else if (groupErrs.length) errs.push(fieldError.invalid('spec.group', group, groupErrs.join(',')));
  else if (group.split('.').length < 2) errs.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  const scope = str(spec.scope);
  if (!scope) errs.push(fieldError.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldError.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  return errs;
}

function validateSpec(spec: JsonMap): FieldError[] {
  const errs = validateGroupAndScope(spec);
  const versions = arr(spec.versions).map(obj);
  versions.forEach((v, i) => {
    const schema = obj(v.schema).openAPIV3Schema;
    if (!isObject(schema)) errs.push(fieldError.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  if (spec.preserveUnknownFields === true) {
    errs.push(fieldError.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  versions.forEach((v, i) => errs.push(...validateVersion(v, index('spec.versions', i))));
  errs.push(...validateVersionSet(versions));
  const names = obj(spec.names);
  for (const n of ['plural', 'singular', 'kind', 'listKind']) if (!str(names[n])) errs.push(fieldError.required(`spec.names.${n}`));
  errs.push(...validateNames(names, 'spec.names'));
  errs.push(...validateConversion(spec.conversion));
  return errs;
}

/** Go's %#v of the versions slice is unreadable; we keep its shape and the names. */
function versionsValue(versions: JsonMap[]): string {
  const items = versions.map((v) => `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(str(v.name))}, Served:${!!v.served}, Storage:${!!v.storage}, ...}`);
  return versions.length ? `[]apiextensions.CustomResourceDefinitionVersion{${items.join(', ')}}` : '[]apiextensions.CustomResourceDefinitionVersion(nil)';
}

function versionsError(versions: JsonMap[], detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: 'spec.versions', message: `Invalid value: ${versionsValue(versions)}: ${detail}` };
}

function validateVersionSet(versions: JsonMap[]): FieldError[] {
  const errs: FieldError[] = [];
  const names = versions.map((v) => str(v.name));
  if (new Set(names).size !== names.length) errs.push(versionsError(versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage === true).length !== 1) errs.push(versionsError(versions, 'must have exactly one version marked as storage version'));
  // Not an upstream rule: a CRD nothing serves is useless here, so it is refused.
  if (versions.length > 0 && !versions.some((v) => v.served === true)) errs.push(versionsError(versions, 'must have at least one served version'));
  return errs;
}

function validateVersion(v: JsonMap, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const nameErrs = isDNS1035Label(str(v.name));
  if (nameErrs.length) errs.push(fieldError.invalid(child(p, 'name'), str(v.name), nameErrs.join(',')));
  if (!v.deprecated && v.deprecationWarning !== undefined) {
    errs.push(fieldError.invalid(child(p, 'deprecationWarning'), v.deprecationWarning, 'can only be set for deprecated versions'));
  }
  const subresources = obj(v.subresources);
  const schema = obj(v.schema).openAPIV3Schema;
  if (isObject(schema)) errs.push(...validateVersionSchema(schema, child(p, 'schema'), isObject(subresources.status)));
  errs.push(...validateSubresources(subresources, child(p, 'subresources')));
  arr(v.additionalPrinterColumns).forEach((c, i) => errs.push(...validateColumn(obj(c), index(child(p, 'additionalPrinterColumns'), i))));
  return errs;
}

function validateSimpleJSONPath(s: string, p: string): FieldError[] {
  if (s.length === 0) return [fieldError.invalid(p, s, 'must not be empty')];
  if (s[0] !== '.') return [fieldError.invalid(p, s, 'must be a simple json path starting with .')];
  return [];
}

function validateScalePath(value: unknown, p: string, prefixes: string[], detail: string, required: boolean): FieldError[] {
  const s = str(value);
  if (!s) return required ? [fieldError.required(p)] : [];
  const errs = validateSimpleJSONPath(s, p);
  if (errs.length) return errs;
  return prefixes.some((x) => s.startsWith(x)) ? [] : [fieldError.invalid(p, s, detail)];
}

function validateSubresources(sub: JsonMap, p: string): FieldError[] {
  if (!isObject(sub.scale)) return [];
  const scale = sub.scale;
  return [
    ...validateScalePath(scale.specReplicasPath, child(p, 'scale.specReplicasPath'), ['.spec.'], 'should be a json path under .spec', true),
    ...validateScalePath(scale.statusReplicasPath, child(p, 'scale.statusReplicasPath'), ['.status.'], 'should be a json path under .status', true),
    ...validateScalePath(scale.labelSelectorPath, child(p, 'scale.labelSelectorPath'), ['.spec.', '.status.'], 'should be a json path under either .spec or .status', false),
  ];
}

function validateColumn(col: JsonMap, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(col.name)) errs.push(fieldError.required(child(p, 'name')));
  const typeDetail = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!str(col.type)) errs.push(fieldError.required(child(p, 'type'), typeDetail));
  else if (!PRINTER_COLUMN_TYPES.includes(str(col.type))) errs.push(fieldError.invalid(child(p, 'type'), col.type, typeDetail));
  if (str(col.format) && !PRINTER_COLUMN_FORMATS.includes(str(col.format))) {
    errs.push(fieldError.invalid(child(p, 'format'), col.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  }
  // Upstream names this field by its Go name.
  if (!str(col.jsonPath)) errs.push(fieldError.required(child(p, 'JSONPath')));
  else errs.push(...validateSimpleJSONPath(str(col.jsonPath), child(p, 'JSONPath')));
  return errs;
}

function label1035(value: unknown, p: string, mixedCase = false): FieldError[] {
  const s = str(value);
  if (!s) return [];
  const errs = isDNS1035Label(mixedCase ? s.toLowerCase() : s);
  if (!errs.length) return [];
  return [fieldError.invalid(p, s, `${mixedCase ? 'may have mixed case, but should otherwise match: ' : ''}${errs.join(',')}`)];
}

/** Names in spec.names and status.acceptedNames (ValidateCustomResourceDefinitionNames). */
function validateNames(names: JsonMap, p: string): FieldError[] {
  const errs = [
    ...label1035(names.plural, child(p, 'plural')),
    ...label1035(names.singular, child(p, 'singular')),
    ...label1035(names.kind, child(p, 'kind'), true),
    ...label1035(names.listKind, child(p, 'listKind'), true),
  ];
  arr(names.shortNames).forEach((s, i) => errs.push(...label1035(s, index(child(p, 'shortNames'), i))));
  if (str(names.kind) && names.kind === names.listKind) errs.push(fieldError.invalid(child(p, 'listKind'), names.listKind, 'kind and listKind may not be the same'));
  arr(names.categories).forEach((c, i) => errs.push(...label1035(c, index(child(p, 'categories'), i))));
  return errs;
}

/** Conversion, reported under upstream's internal field names (webhookClientConfig). */
function validateConversion(conversion: unknown): FieldError[] {
  if (!isObject(conversion)) return [];
  const strategy = str(conversion.strategy);
  if (!strategy) return [fieldError.required('spec.conversion.strategy')];
  if (strategy !== 'None' && strategy !== 'Webhook') return [fieldError.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook'])];
  const webhook = obj(conversion.webhook);
  if (strategy === 'None') {
    return isObject(webhook.clientConfig) ? [fieldError.forbidden('spec.conversion.webhookClientConfig', 'should not be set when strategy is not set to Webhook')] : [];
  }
  const errs: FieldError[] = [];
  const cc = webhook.clientConfig;
  if (!isObject(cc)) errs.push(fieldError.required('spec.conversion.webhookClientConfig', 'required when strategy is set to Webhook'));
  else if ((cc.url === undefined) === (cc.service === undefined)) errs.push(fieldError.required('spec.conversion.webhookClientConfig', 'exactly one of url or service is required'));
  const reviewVersions = arr(webhook.conversionReviewVersions);
  if (reviewVersions.length === 0) errs.push(fieldError.required('spec.conversion.conversionReviewVersions'));
  else if (!reviewVersions.some((v) => v === 'v1' || v === 'v1beta1')) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.conversion.conversionReviewVersions',
      message: `Invalid value: []string{${reviewVersions.map((v) => JSON.stringify(v)).join(', ')}}: must include at least one of v1, v1beta1`,
    });
  }
  return errs;
}
