import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { createInformer } from '../../kube/index.ts';
import type { Informer } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import { parseReference } from '../../oci/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { catalogFromArtifactVersions, packageManifests, unpackBundleImage } from '../catalog/index.ts';
import type { BundleContent } from '../catalog/index.ts';
import type { CatalogSourceContent } from '../catalogsource/index.ts';

export const GLOBAL_CATALOG_NAMESPACE = 'cpaas-system';
const ARTIFACT_VERSIONS = { group: 'app.alauda.io', version: 'v1alpha1', plural: 'artifactversions', namespaced: true };

/**
 * The catalogs of one cluster, kept current by watch: CatalogSources (any namespace) whose content is the
 * ArtifactVersions `violet push` registered for them. Bundle images are unpacked in the background for the
 * CSV descriptions; versions and channels are known from the ArtifactVersions at once.
 */
export class ClusterCatalogs {
  private readonly catalogSources: Informer;
  private readonly artifactVersions: Informer;
  private readonly registry: RegistryClient | undefined;
  private readonly bundles = new Map<string, BundleContent>();
  private readonly unpacking = new Set<string>();
  private cache: { generation: number; manifests: KubeObject[] } | undefined;
  private generation = 0;
  private readonly signal: AbortSignal;
  private readonly images: CatalogSourceContent | undefined;
  private readonly listeners = new Set<() => void>();

  /** `images`: the cluster's CatalogSource content (src/olm/catalogsource); CatalogSources with a pulled image serve that catalog. */
  constructor(kube: KubeClient, registry: RegistryClient | undefined, signal: AbortSignal, images?: CatalogSourceContent) {
    this.catalogSources = createInformer(kube, OLM_RESOURCES.CatalogSource, {});
    this.artifactVersions = createInformer(kube, ARTIFACT_VERSIONS, { namespace: GLOBAL_CATALOG_NAMESPACE });
    this.registry = registry;
    this.signal = signal;
    this.images = images;
    images?.onChange(() => this.bump());
    this.catalogSources.on(() => this.bump());
    this.artifactVersions.on((_ev, av) => {
      this.bump();
      this.unpack(av);
    });
  }

  async start(): Promise<void> {
    void this.catalogSources.start(this.signal);
    void this.artifactVersions.start(this.signal);
    await Promise.all([this.catalogSources.synced, this.artifactVersions.synced]);
  }

  /** Calls `listener` after every change of the catalogs (live watches); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bump(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }

  /** PackageManifests of every catalog (namespace as stored). */
  all(): KubeObject[] {
    if (this.cache?.generation === this.generation) return this.cache.manifests;
    const generation = this.generation;
    const manifests: KubeObject[] = [];
    const avs = this.artifactVersions.list();
    for (const catsrc of this.catalogSources.list()) {
      const spec = (catsrc.spec ?? {}) as { displayName?: string; publisher?: string };
      const catalog = this.images?.catalog(catsrc.metadata.namespace!, catsrc.metadata.name!) ?? catalogFromArtifactVersions(catsrc.metadata.name!, catsrc.metadata.namespace!, catsrc.metadata.namespace === GLOBAL_CATALOG_NAMESPACE ? avs : [], this.bundles, { displayName: spec.displayName, publisher: spec.publisher });
      manifests.push(...packageManifests(catalog, catsrc));
    }
    this.cache = { generation, manifests };
    return manifests;
  }

  /**
   * `list -n X`: catalogs in X plus the global catalog namespace, namespace rewritten to X; undefined = all.
   * X's own catalogs come first, so `get -n X <package>` prefers them over a global catalog with the same package.
   */
  list(namespace?: string): KubeObject[] {
    const all = this.all();
    if (namespace === undefined) return all;
    const local = all.filter((m) => m.metadata.namespace === namespace);
    const global = namespace === GLOBAL_CATALOG_NAMESPACE ? [] : all.filter((m) => m.metadata.namespace === GLOBAL_CATALOG_NAMESPACE);
    return [...local, ...global].map((m) => ({ ...m, metadata: { ...m.metadata, namespace } }));
  }

  private unpack(av: KubeObject): void {
    const image = av.metadata.annotations?.['cpaas.io/artifact-image'];
    const csvName = av.metadata.annotations?.['cpaas.io/csv-name'];
    if (!image || !csvName || !this.registry || this.bundles.has(csvName) || this.unpacking.has(csvName)) return;
    const ref = parseReference(image);
    if (!ref.digest || ref.registry !== this.registry.registry) return;
    this.unpacking.add(csvName);
    void unpackBundleImage(this.registry, ref.repository, ref.digest, this.signal)
      .then((b) => {
        this.bundles.set(csvName, { csv: b.csv as Record<string, unknown>, properties: b.properties });
        this.bump();
      })
      .catch(() => undefined)
      .finally(() => this.unpacking.delete(csvName));
  }
}
