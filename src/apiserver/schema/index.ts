/**
 * Schema support for CustomResourceDefinitions and custom resources: CRD validation and
 * defaulting, ResourceDefs from a CRD, and the custom-resource write pipeline (unknown fields,
 * pruning, defaulting, validation). Pure functions, no I/O.
 */
export { validateCRD } from './crd-validation.ts';
export { defaultCRD, resourceDefsFromCRD } from './crd-resources.ts';
export { prepareCustomResource } from './prepare.ts';
export type { FieldValidationMode, PreparedCustomResource } from './prepare.ts';
export { applyDefaults, dropNonNullableNulls } from './defaulting.ts';
export { pruneObject, OBJECT_META_FIELDS } from './prune.ts';
export { validateCustomResource } from './validate-cr.ts';
export { validateVersionSchema } from './openapi-schema.ts';
