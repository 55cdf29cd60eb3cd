/**
 * How the API server describes one served resource (built-in or from a CRD). Discovery, OpenAPI,
 * tables, validation and storage keys are all derived from this one description.
 */

/** OpenAPI v3 schema as used by CRDs (apiextensions.k8s.io/v1 JSONSchemaProps). */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  multipleOf?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  title?: string;
  example?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: unknown[];
  /** Strategic-merge-patch metadata (built-in kinds only). */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  [key: `x-${string}`]: unknown;
}

/** CRD additionalPrinterColumns entry. */
export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** URL segment, e.g. "deployments". */
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: Verb[];
  /** `/status` is a separate subresource: main writes ignore .status, status writes ignore the rest. */
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  /** Structural schema of the whole object (apiVersion/kind/metadata/spec/status). */
  schema?: JSONSchemaProps;
  /** For CRDs; built-in kinds use their own table converters keyed by kind. */
  printerColumns?: PrinterColumn[];
  /** True for kinds compiled into the server (strategic merge patch allowed, protobuf bodies). */
  builtin: boolean;
  /** PUT without metadata.resourceVersion allowed (most built-ins), refused for CRs and CRDs. */
  allowUnconditionalUpdate: boolean;
  /** Stored version when it differs from `version` (CRDs with several served versions). */
  storageVersion?: string;
  /** Field selectors beyond metadata.name/metadata.namespace: field path → JSON path getter. */
  selectableFields?: string[];
  /** Served by another API server through an APIService (requests are proxied). */
  aggregated?: boolean;
}
