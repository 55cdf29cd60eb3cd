/**
 * Catalog content for OLM: bundle images (registry+v1) and catalog images (FBC) read from a registry,
 * catalogs built from violet's ArtifactVersions or parsed from FBC, and the PackageManifests served from
 * them. Everything produces the shared model of `../model.ts`. See README.md.
 */
export { unpackBundleImage, bundleFromFiles, dependencyProperties, MAX_BUNDLE_BYTES, type UnpackedBundle } from './bundle-image.ts';
export { readCatalogImage, CONFIGS_LABEL, DEFAULT_CONFIGS_DIR, MAX_CATALOG_BYTES, type CatalogFile } from './catalog-image.ts';
export { bundleFromArtifactVersion, catalogFromArtifactVersions, artifactVersionExclusion, type BundleContent, type CatalogOptions } from './artifact-versions.ts';
export { parseFileBasedCatalog, type Deprecation, type FileBasedCatalog } from './fbc.ts';
export { packageManifests, buildPackageManifest, PACKAGE_MANIFEST_API_VERSION, SOURCE_TYPE_LABEL, type PackageManifestOptions, type CatalogWithDeprecations } from './package-manifest.ts';
export { csvDescription, csvMetadata, csvImages, csvOf, type CsvView } from './csv.ts';
export { channelHead, compareSemver } from './graph.ts';
export { parseDocuments, isDocumentFile, type ParsedDocument } from './documents.ts';
export { CatalogError, formatProblem, type CatalogProblem } from './errors.ts';
