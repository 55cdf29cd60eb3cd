/**
 * Server-side apply and field ownership (structured-merge-diff semantics) for the API server.
 * See README.md in this directory.
 */
export type { FieldPath, FieldSet, PathElement } from './fieldpath.ts';
export { formatPath, fromFieldsV1, makeFieldSet, sortedPaths, toFieldsV1 } from './fieldpath.ts';
export { fieldSetFromObject } from './typed.ts';
export type { ApplyArgs } from './apply.ts';
export { BEFORE_FIRST_APPLY, applyServerSide } from './apply.ts';
export type { UpdateArgs } from './update.ts';
export { defaultFieldManager, recordUpdate } from './update.ts';
export { LAST_APPLIED_ANNOTATION } from './lastapplied.ts';
