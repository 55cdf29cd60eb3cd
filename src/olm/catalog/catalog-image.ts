import type { RegistryClient } from '../../oci/index.ts';
import { isDocumentFile } from './documents.ts';
import { readLayers, resolveImage } from '../../oci/index.ts';

/** The image label naming the FBC root inside a catalog image (olm.md §5.1). */
export const CONFIGS_LABEL = 'operators.operatorframework.io.index.configs.v1';
export const DEFAULT_CONFIGS_DIR = '/configs';
/** Limit on the FBC files kept from a catalog image (the base OS and opm binary are streamed past, not kept). */
export const MAX_CATALOG_BYTES = 256 << 20;

/** One file of a file-based catalog, path relative to the FBC root. */
export interface CatalogFile {
  path: string;
  content: string;
}

/**
 * Reads the file-based catalog out of a catalog image: the layers are applied in order (whiteouts honoured),
 * and the `.json`/`.yaml`/`.yml` files and `.indexignore` under the root named by the image label
 * `operators.operatorframework.io.index.configs.v1` (default `/configs`) are returned, relative to that root.
 * @example
 * const files = await readCatalogImage(client, 'acp/catalog', 'v4.1', signal);
 * const content = parseFileBasedCatalog(files);
 */
export async function readCatalogImage(client: RegistryClient, repository: string, ref: string, signal?: AbortSignal, maxBytes = MAX_CATALOG_BYTES): Promise<CatalogFile[]> {
  const image = await resolveImage(client, repository, ref, signal);
  const root = (image.labels[CONFIGS_LABEL] || DEFAULT_CONFIGS_DIR).replace(/^\/+|\/+$/g, '');
  const prefix = root ? `${root}/` : '';
  const keep = (path: string) => path.startsWith(prefix) && (isDocumentFile(path) || path.endsWith('/.indexignore'));
  const files = await readLayers(client, repository, image.layers, { keep, maxBytes, specialFiles: 'skip', what: `catalog image ${client.registry}/${repository}:${ref}`, signal });
  return files.map((f) => ({ path: f.path.slice(prefix.length), content: f.data.toString('utf8') }));
}
