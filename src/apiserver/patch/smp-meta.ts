/**
 * Schema navigation for strategic merge patch: which sub-schema describes a field, and what the
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` extensions say about it
 * (upstream strategicpatch `LookupPatchMetadata*` + `extractRetainKeysPatchStrategy`).
 */
import { StatusError } from '../../kube/errors.ts';
import type { JSONSchemaProps } from '../resource.ts';

/** Patch metadata of one field. `strategy` other than `merge`/`replace` means "default". */
export interface FieldPatchMeta {
  strategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

const NO_META: FieldPatchMeta = { strategy: '', retainKeys: false, mergeKey: '' };

/** The schema of field `key` of an object schema: a declared property, else the map value schema. */
export function fieldSchema(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties && Object.hasOwn(schema.properties, key)) return schema.properties[key];
  if (typeof schema.additionalProperties === 'object') return schema.additionalProperties;
  return undefined;
}

/**
 * Parse the patch extensions of a field schema. `"merge,retainKeys"` → merge + retainKeys.
 * An unknown schema yields no strategy, i.e. maps merge and lists are replaced.
 */
export function patchMetaOf(schema: JSONSchemaProps | undefined): FieldPatchMeta {
  const raw = schema?.['x-kubernetes-patch-strategy'];
  const mergeKey = schema?.['x-kubernetes-patch-merge-key'] ?? '';
  if (!raw) return mergeKey ? { ...NO_META, mergeKey } : NO_META;
  const parts = raw.split(',');
  if (parts.length === 1) {
    return parts[0] === 'retainKeys' ? { strategy: '', retainKeys: true, mergeKey } : { strategy: parts[0], retainKeys: false, mergeKey };
  }
  if (parts.length === 2 && parts.includes('retainKeys')) {
    return { strategy: parts[0] === 'retainKeys' ? parts[1] : parts[0], retainKeys: true, mergeKey };
  }
  // A schema bug, not a client error: upstream returns a plain error (HTTP 500).
  throw StatusError.internal(`unexpected patch strategy: [${parts.join(' ')}]`);
}
