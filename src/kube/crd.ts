import type { KubeObject } from './types.ts';

/** One served version of a CRD. */
export interface CrdVersion {
  name: string;
  /** Default true. */
  storage?: boolean;
  /** The `openAPIV3Schema`. */
  schema: Record<string, unknown>;
  /** `additionalPrinterColumns`. */
  columns?: Record<string, unknown>[];
  /** Serve the status subresource (default true). */
  status?: boolean;
}

/** A product CRD, as data: names derived from `kind`/`plural`, one or more versions. */
export interface CrdDefinition {
  group: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  versions: CrdVersion[];
  /** Extra top-level spec fields (e.g. `conversion`). */
  extra?: Record<string, unknown>;
}

/**
 * The `apiextensions.k8s.io/v1` CustomResourceDefinition of `def`; every product component declares its kinds
 * through this one builder.
 * @example customResourceDefinition({ group: 'app.alauda.io', kind: 'Artifact', plural: 'artifacts', scope: 'Namespaced', versions: [{ name: 'v1alpha1', schema }] })
 */
export function customResourceDefinition(def: CrdDefinition): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}` },
    spec: {
      group: def.group,
      scope: def.scope,
      ...def.extra,
      names: { plural: def.plural, singular: def.kind.toLowerCase(), kind: def.kind, listKind: `${def.kind}List`, ...(def.shortNames ? { shortNames: def.shortNames } : {}) },
      versions: def.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage ?? true,
        ...(v.status === false ? {} : { subresources: { status: {} } }),
        ...(v.columns?.length ? { additionalPrinterColumns: v.columns } : {}),
        schema: { openAPIV3Schema: v.schema },
      })),
    },
  };
}
