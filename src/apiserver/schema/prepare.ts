/**
 * The write-path pipeline for a custom resource body: unknown-field detection, pruning,
 * null cleanup and defaulting (kubeapi.md §8 "Request pipeline for CRs"). Validation follows
 * separately with {@link validateCustomResource}.
 */
import type { KubeObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { applyDefaults, dropNonNullableNulls } from './defaulting.ts';
import { pruneObject } from './prune.ts';
import { cloneJson } from './util.ts';

/** The `fieldValidation` query parameter. */
export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

/** Result of {@link prepareCustomResource}. */
export interface PreparedCustomResource {
  /** Pruned and defaulted copy of the input (the input is not modified). */
  object: KubeObject;
  /**
   * Paths of unknown fields found before pruning (`spec.foo`), empty in `Ignore` mode. The
   * caller turns them into 400 `strict decoding error: unknown field "spec.foo"` (Strict) or
   * `Warning: unknown field "spec.foo"` headers (Warn).
   */
  unknownFields: string[];
}

/**
 * Prune unknown fields, drop non-nullable nulls without defaults, then apply defaults.
 *
 * @example
 * const { object, unknownFields } = prepareCustomResource(body, version.schema.openAPIV3Schema, 'Strict');
 * if (unknownFields.length) throw StatusError.badRequest(`... strict decoding error: unknown field "${unknownFields[0]}"`);
 */
export function prepareCustomResource(obj: KubeObject, schema: JSONSchemaProps, mode: FieldValidationMode): PreparedCustomResource {
  const object = cloneJson(obj);
  const pruned = pruneObject(object, schema);
  dropNonNullableNulls(object, schema);
  applyDefaults(object, schema);
  return { object, unknownFields: mode === 'Ignore' ? [] : pruned };
}
