/**
 * CatalogSource content and status for one cluster: file-based catalog images (`spec.image`) pulled and polled,
 * `status.connectionState` kept like upstream. Shared by the packageserver and the catalog operator. See README.md.
 */
export { createCatalogSourceContent, pollOf, PLAIN_HTTP_ANNOTATION, CATALOG_CONTENT_LABEL, REGISTRY_SERVER_ERROR, INVALID_INTERVAL_ERROR, type CatalogSourceContent, type CatalogSourceContentOptions, type CatalogSourceRef, type CatalogSourceStatus } from './content.ts';
export { parseGoDuration, formatGoDuration, DEFAULT_POLL_MS } from './duration.ts';
