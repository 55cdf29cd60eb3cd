import type { KubeObject } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';
import { fieldsOf, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectableFields, validateFieldSelector } from './query/index.ts';

/** Builds the label+field selector predicate for a list or watch request; undefined when none. */
export function buildFilter(def: ResourceDef, q: URLSearchParams): ((obj: KubeObject) => boolean) | undefined {
  const labelText = q.get('labelSelector');
  const fieldText = q.get('fieldSelector');
  const labels = labelText ? parseLabelSelector(labelText) : undefined;
  const fields = fieldText ? parseFieldSelector(fieldText) : undefined;
  if (fields) validateFieldSelector(fields, selectableFields(def.kind, def.selectableFields));
  if (!labels && !fields) return undefined;
  return (obj) => {
    if (labels && !matchesLabels(labels, obj.metadata.labels ?? {})) return false;
    if (fields && !matchesFields(fields, fieldsOf(obj, def.kind, def.selectableFields))) return false;
    return true;
  };
}
