/**
 * Schema fragments shared by the operators.coreos.com CRDs (the Kubernetes core types OLM embeds:
 * ObjectReference, LabelSelector, metav1.Condition, Quantity), and the builder that turns a kind's
 * names and versions into a CustomResourceDefinition object.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { JSONSchemaProps, PrinterColumn } from '../../apiserver/index.ts';

/** The API group of every OLM v0 CRD. */
export const OLM_GROUP = 'operators.coreos.com';

/** A string field. */
export const str: JSONSchemaProps = { type: 'string' };
/** A boolean field. */
export const bool: JSONSchemaProps = { type: 'boolean' };
/** An integer field. */
export const int: JSONSchemaProps = { type: 'integer' };
/** A `metav1.Time` field. */
export const time: JSONSchemaProps = { type: 'string', format: 'date-time' };
/** `[]string`. */
export const strings: JSONSchemaProps = { type: 'array', items: { type: 'string' } };
/** `map[string]string`. */
export const stringMap: JSONSchemaProps = { type: 'object', additionalProperties: { type: 'string' } };

/** A free-form part kept as-is (Go `json.RawMessage`, or a deep core type we do not re-model). */
export function preserved(type: 'object' | 'array' = 'object'): JSONSchemaProps {
  if (type === 'array') return { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

/** An object with the given properties, and optionally required ones. */
export function object(properties: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps {
  return required?.length ? { type: 'object', required, properties } : { type: 'object', properties };
}

/** `[]T` for an object item. */
export function arrayOf(items: JSONSchemaProps): JSONSchemaProps {
  return { type: 'array', items };
}

/** A string restricted to `values`. */
export function oneOf(...values: string[]): JSONSchemaProps {
  return { type: 'string', enum: values };
}

/** `corev1.ObjectReference`. */
export const objectReference: JSONSchemaProps = object({
  apiVersion: str,
  fieldPath: str,
  kind: str,
  name: str,
  namespace: str,
  resourceVersion: str,
  uid: str,
});

/** `metav1.LabelSelector`. */
export const labelSelector: JSONSchemaProps = {
  type: 'object',
  properties: {
    matchExpressions: arrayOf(object({ key: str, operator: str, values: strings }, ['key', 'operator'])),
    matchLabels: stringMap,
  },
  'x-kubernetes-map-type': 'atomic',
};

/** `resource.Quantity` (int-or-string with the Quantity pattern, as controller-gen writes it). */
export const quantity: JSONSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  'x-kubernetes-int-or-string': true,
};

/** `metav1.Condition`, with the field limits controller-gen emits for it. */
export const metaCondition: JSONSchemaProps = object(
  {
    lastTransitionTime: time,
    message: { type: 'string', maxLength: 32768 },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    reason: { type: 'string', maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
    status: oneOf('True', 'False', 'Unknown'),
    type: {
      type: 'string',
      maxLength: 316,
      pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    },
  },
  ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
);

/** `[]metav1.Condition` (atomic list, as most OLM types declare it). */
export const metaConditions: JSONSchemaProps = arrayOf(metaCondition);

/** Root schema of a kind: apiVersion, kind, metadata, spec and (optionally) status. */
export function rootSchema(parts: { spec: JSONSchemaProps; status?: JSONSchemaProps; required?: string[] }): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = { apiVersion: str, kind: str, metadata: { type: 'object' }, spec: parts.spec };
  if (parts.status) properties.status = parts.status;
  return object(properties, parts.required ?? ['metadata']);
}

/** One served version of an OLM CRD. */
export interface OlmVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: JSONSchemaProps;
  /** Upstream's additionalPrinterColumns, verbatim; absent means kubectl prints NAME and AGE. */
  columns?: PrinterColumn[];
}

/** What distinguishes one OLM CRD from another. */
export interface OlmCRDSpec {
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  versions: OlmVersion[];
}

/**
 * Build an `apiextensions.k8s.io/v1` CRD in group operators.coreos.com with category `olm`
 * (so `kubectl get olm` lists every OLM object, as upstream) and a status subresource on every version.
 *
 * @example
 * const crd = olmCRD({ kind: 'OLMConfig', plural: 'olmconfigs', scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema }] });
 * crd.metadata.name; // 'olmconfigs.operators.coreos.com'
 */
export function olmCRD(s: OlmCRDSpec): KubeObject {
  const names: Record<string, unknown> = { categories: ['olm'], kind: s.kind, listKind: `${s.kind}List`, plural: s.plural, singular: s.kind.toLowerCase() };
  if (s.shortNames?.length) names.shortNames = s.shortNames;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${s.plural}.${OLM_GROUP}` },
    spec: {
      group: OLM_GROUP,
      names,
      scope: s.scope,
      versions: s.versions.map((v) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        ...(v.columns ? { additionalPrinterColumns: v.columns } : {}),
        schema: { openAPIV3Schema: v.schema },
        subresources: { status: {} },
      })),
    },
  };
}
