/**
 * The package format shared by violet, the portal and the platform: reading (streaming, validated),
 * writing, and verification by side files. See docs/package-format.md.
 */
export * from './format.ts';
export { readPackageManifest, walkPackage, packageError } from './reader.ts';
export { checkPackage } from './check.ts';
export type { PackageEntry, EntryVisitor } from './reader.ts';
export { buildPackage } from './writer.ts';
export type { BuildPackageInput } from './writer.ts';
export { layoutImages, reachableBlobs, blobPath, REF_NAME } from './layout.ts';
export { verifyPackage, loadKeyring, formatVerifySummary, parseChecksumFile } from './verify.ts';
export { packagesAt } from './discover.ts';
export type { VerifyResult, VerifyOutcome } from './verify.ts';
export { TarGzWriter, tarBuffer } from './tar-writer.ts';
export { addFilesImage, addHelmChartArtifact, copyLayoutImage, HELM_CHART_MEDIA_TYPE, HELM_CONFIG_MEDIA_TYPE } from './image-build.ts';
export { readBlobTable, openIndexedBlob } from './blob-table.ts';
export type { IndexedPackage } from './blob-table.ts';
export type { BlobTable, BlobTableEntry } from './archive-writer.ts';
