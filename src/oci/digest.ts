import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OciError } from './errors.ts';

/** Media types the client walks and accepts (OCI and Docker v2). */
export const OCI_MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  layoutHeader: 'application/vnd.oci.layout.header.v1+json',
} as const;

/** The Accept list used for manifest GET/HEAD: every index and manifest type. */
export const MANIFEST_ACCEPT = [OCI_MEDIA_TYPES.index, OCI_MEDIA_TYPES.manifest, OCI_MEDIA_TYPES.dockerList, OCI_MEDIA_TYPES.dockerManifest];

/** Registries must accept 4 MiB manifests; we refuse to buffer more (oras' MaxMetadataBytes). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** True for `sha256:<64 hex>` / `sha512:<128 hex>`. @example isDigest('sha256:' + 'a'.repeat(64)) // true */
export function isDigest(text: string): boolean {
  return DIGEST_RE.test(text);
}

/** Throws INVALID_REFERENCE unless `text` is a digest we can verify. */
export function assertDigest(text: string): void {
  if (!isDigest(text)) throw new OciError('INVALID_REFERENCE', `invalid digest "${text}": expected sha256:<64 hex> or sha512:<128 hex>`);
}

/** Digest of bytes. @example digestOf(Buffer.from('')) // 'sha256:e3b0…' */
export function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True for index/list media types, i.e. documents with `manifests[]`. */
export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_MEDIA_TYPES.index || mediaType === OCI_MEDIA_TYPES.dockerList;
}

/** True for image manifest media types, i.e. documents with `config` + `layers[]`. */
export function isManifestType(mediaType: string | undefined): boolean {
  return mediaType === OCI_MEDIA_TYPES.manifest || mediaType === OCI_MEDIA_TYPES.dockerManifest;
}

/**
 * A pass-through stream that hashes what flows through and fails at the end when the digest or size differ.
 * @example pipeline(res, verifyingStream('sha256:…', 1234), createWriteStream(tmp))
 */
export function verifyingStream(digest: string, size?: number, onBytes?: (n: number) => void): Transform {
  assertDigest(digest);
  const hash: Hash = createHash(digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hash.update(chunk);
      seen += chunk.length;
      if (size !== undefined && seen > size) return cb(sizeError(digest, size, seen));
      onBytes?.(seen);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (size !== undefined && seen !== size) return cb(sizeError(digest, size, seen));
      const got = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
      if (got !== digest) return cb(new OciError('DIGEST_MISMATCH', `content of ${digest} is corrupt: it hashes to ${got}`));
      cb();
    },
  });
  (stream as Transform & { [VERIFIES]?: string })[VERIFIES] = digest;
  return stream;
}

/** Set on a {@link verifyingStream}: the digest it checks, so a consumer need not hash the bytes again. */
export const VERIFIES = Symbol('verifies digest');

/** Whether `stream` is a verifyingStream for `digest` (it fails with DIGEST_MISMATCH before it ends otherwise). */
export function isVerifying(stream: unknown, digest: string): boolean {
  return (stream as { [VERIFIES]?: string } | null)?.[VERIFIES] === digest;
}

function sizeError(digest: string, size: number, seen: number): OciError {
  return new OciError('SIZE_MISMATCH', `content of ${digest} has ${seen > size ? 'more than' : 'only'} ${seen} bytes, descriptor says ${size}`);
}
