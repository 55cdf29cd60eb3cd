/**
 * The resolver's input, `Catalog[]`, kept current from the cluster: every CatalogSource of the global catalog
 * namespace whose content is the ArtifactVersions `violet push` registered for it (`cpaas.io/library=<source>`).
 * A small adapter over two informers; it never writes.
 */
import type { Informer, KubeClient, KubeObject } from '../../kube/index.ts';
import { createInformer } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { catalogFromArtifactVersions } from '../catalog/index.ts';
import type { BundleContent } from '../catalog/index.ts';
import type { Catalog } from '../model.ts';

/** `app.alauda.io/v1alpha1` ArtifactVersions (written by `violet push`, src/violet/push/register.ts). */
export const ARTIFACT_VERSIONS = { group: 'app.alauda.io', version: 'v1alpha1', plural: 'artifactversions', namespaced: true } as const;

/** A CatalogSource by name and namespace (the resolver's `CatalogKey`). */
export interface CatalogRef {
  source: string;
  sourceNamespace: string;
}

/** Called with the catalogs whose content may have changed. */
export type CatalogsListener = (changed: CatalogRef[]) => void;

/** What {@link createArtifactVersionCatalogs} returns. */
export interface ArtifactVersionCatalogs {
  /** Starts both informers; resolves after their first list. */
  start(): Promise<void>;
  /** The current catalogs (cached until a CatalogSource or ArtifactVersion changes). */
  catalogs(): Catalog[];
  /** Registers a listener for content changes (pass to `createCatalogOperator({ onCatalogsChanged })`). */
  onChange(listener: CatalogsListener): void;
}

/** Options of {@link createArtifactVersionCatalogs}. */
export interface ArtifactVersionCatalogsOptions {
  /** Default `cpaas-system`: ArtifactVersions and ArtifactVersion-backed CatalogSources live here. */
  globalCatalogNamespace?: string;
  /** Unpacked bundle content by CSV name (CSV, dependency properties); optional. */
  bundles?: ReadonlyMap<string, BundleContent>;
}

/**
 * Keeps `Catalog[]` current from the CatalogSource and ArtifactVersion informers.
 * @example
 * const avCatalogs = createArtifactVersionCatalogs(kube, signal);
 * await avCatalogs.start();
 * const op = createCatalogOperator({ kube, signal, globalCatalogNamespace: 'cpaas-system', catalogs: avCatalogs.catalogs, onCatalogsChanged: avCatalogs.onChange });
 */
export function createArtifactVersionCatalogs(kube: KubeClient, signal: AbortSignal, opts: ArtifactVersionCatalogsOptions = {}): ArtifactVersionCatalogs {
  const namespace = opts.globalCatalogNamespace ?? 'cpaas-system';
  const sources: Informer = createInformer(kube, OLM_RESOURCES.CatalogSource, { namespace });
  const versions: Informer = createInformer(kube, ARTIFACT_VERSIONS, { namespace });
  const listeners: CatalogsListener[] = [];
  let cache: Catalog[] | undefined;
  const changed = (refs: CatalogRef[]) => {
    cache = undefined;
    for (const l of listeners) l(refs);
  };
  sources.on((_ev, cs) => changed([{ source: cs.metadata.name!, sourceNamespace: namespace }]));
  versions.on((_ev, av, old) => changed(librariesOf(namespace, av, old)));
  return {
    async start() {
      void sources.start(signal);
      void versions.start(signal);
      await Promise.all([sources.synced, versions.synced]);
    },
    catalogs() {
      cache ??= buildCatalogs(sources.list(), versions.list(), opts.bundles);
      return cache;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** The catalogs an ArtifactVersion event touches (its library before and after). */
function librariesOf(namespace: string, av: KubeObject, old?: KubeObject): CatalogRef[] {
  const names = new Set([av.metadata.labels?.['cpaas.io/library'], old?.metadata.labels?.['cpaas.io/library']]);
  return [...names].filter((n): n is string => !!n).map((source) => ({ source, sourceNamespace: namespace }));
}

/** One catalog per CatalogSource, from the ArtifactVersions of its library. */
function buildCatalogs(sources: KubeObject[], avs: KubeObject[], bundles?: ReadonlyMap<string, BundleContent>): Catalog[] {
  return sources.map((cs) => {
    const spec = (cs.spec ?? {}) as { displayName?: string; publisher?: string };
    return catalogFromArtifactVersions(cs.metadata.name!, cs.metadata.namespace!, avs, bundles, { displayName: spec.displayName, publisher: spec.publisher });
  });
}
