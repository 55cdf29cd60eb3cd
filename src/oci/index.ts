/**
 * The OCI client library of Marketplace: reference parsing, a distribution-spec registry client (auth, retries,
 * HEAD-before-push, mounts, monolithic and chunked uploads), OCI layouts (directories and tars), image walks and
 * copies between them. See README.md.
 */
export { parseReference, formatReference, assertRepository, DEFAULT_REGISTRY, DEFAULT_TAG, type ImageReference } from './reference.ts';
export { OciError, type OciErrorCode } from './errors.ts';
export { parseWwwAuthenticate, repositoryScope, type AuthChallenge, type Credentials } from './auth.ts';
export { createRegistryClient, type RegistryClient, type RegistryClientOptions, type FetchedManifest, type RequestOptions } from './client.ts';
export type { BlobSource, PushBlobOptions, PushResult } from './upload.ts';
export { digestOf, isDigest, verifyingStream, OCI_MEDIA_TYPES, MANIFEST_ACCEPT, isIndexType, isManifestType } from './digest.ts';
export { openLayout, type OciLayout, type LayoutIndex } from './layout.ts';
export { openLayoutArchive, type LayoutArchive } from './archive.ts';
export { walkGraph, walkImage, formatPlatform, platformMatches, type ImageGraph, type ManifestNode, type PlatformFilter, type FetchManifest } from './walk.ts';
export { copyImage, type CopyImageOptions, type CopySummary, type ImageLocation } from './copy.ts';
export { mapPool, type CopyProgress } from './pool.ts';
export { REF_NAME, type Descriptor, type Platform } from './types.ts';
export { readBlob, readLayer, readLayers, resolveImage, type LayerFile, type ReadLayersOptions, type ResolvedImage } from './layers.ts';
export { writevAll, writeChunks, type WriteChunksOptions } from './writev.ts';
export { chunksOf } from './chunks.ts';
export { rawGet } from './raw-get.ts';
