/**
 * OLM v0 for the platform: CRDs, catalog content (ArtifactVersions, FBC images), the resolver, and the
 * packageserver. The catalog and OLM operators (Subscriptions → InstallPlans → CSVs) come next.
 */
export { OLM_CRDS, OLM_RESOURCES } from './crds/index.ts';
export { startPackageServer, GLOBAL_CATALOG_NAMESPACE } from './packageserver/index.ts';
export type { PackageServer } from './packageserver/index.ts';
export { DEFAULT_CATALOG_SOURCES } from './defaults.ts';
export { createCatalogSourceContent, PLAIN_HTTP_ANNOTATION } from './catalogsource/index.ts';
export type { CatalogSourceContent } from './catalogsource/index.ts';
export { compareVersions, inRange, parseVersion } from './resolver/index.ts';
