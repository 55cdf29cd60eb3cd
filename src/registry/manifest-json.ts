/** Pure reading of manifest documents: which descriptors they reference (OCI and Docker schema 2 alike). */
import type { ReferrerDescriptor } from './store.ts';
import { tryParseDigest } from './names.ts';
import { RegistryError } from './errors.ts';

/** A referenced descriptor, reduced to what verification needs. */
export interface Ref {
  digest: string;
  size?: number;
}

/** Layer media types that may live outside the registry (descriptor `urls`): not required to be pushed. */
const FOREIGN = /(foreign|nondistributable)/;

/** Blobs a manifest references: `config`, `layers[]` and the artifact-manifest `blobs[]`. */
export function referencedBlobs(doc: Record<string, unknown>): Ref[] {
  const out: Ref[] = [];
  if (doc.config !== undefined) out.push(descriptor(doc.config, 'config'));
  for (const field of ['layers', 'blobs'] as const) {
    const list = doc[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new RegistryError('MANIFEST_INVALID', `manifest field "${field}" must be an array of descriptors`);
    list.forEach((item, i) => {
      const desc = item as { mediaType?: unknown; urls?: unknown };
      const foreign = Array.isArray(desc?.urls) && desc.urls.length > 0 && typeof desc.mediaType === 'string' && FOREIGN.test(desc.mediaType);
      if (!foreign) out.push(descriptor(item, `${field}[${i}]`));
    });
  }
  return out;
}

/** Child manifests an index / manifest list references (`manifests[]`). */
export function referencedManifests(doc: Record<string, unknown>): Ref[] {
  const list = doc.manifests;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new RegistryError('MANIFEST_INVALID', 'manifest field "manifests" must be an array of descriptors');
  return list.map((item, i) => descriptor(item, `manifests[${i}]`));
}

function descriptor(value: unknown, field: string): Ref {
  const desc = value as { digest?: unknown; size?: unknown } | null;
  const d = tryParseDigest(desc?.digest);
  if (!d) throw new RegistryError('MANIFEST_INVALID', `manifest field "${field}" has no valid digest (expected sha256:<64 hex> or sha512:<128 hex>)`, { detail: { field } });
  if (desc!.size !== undefined && (typeof desc!.size !== 'number' || !Number.isSafeInteger(desc!.size) || desc!.size < 0)) {
    throw new RegistryError('MANIFEST_INVALID', `manifest field "${field}" has an invalid size`, { detail: { field } });
  }
  return { digest: d.value, size: desc!.size as number | undefined };
}

/** The referrers-API descriptor of a manifest with a subject (artifactType falls back to config.mediaType). */
export function referrerDescriptor(doc: Record<string, unknown>, mediaType: string, digest: string, size: number): ReferrerDescriptor {
  const desc: ReferrerDescriptor = { mediaType, digest, size };
  const configType = (doc.config as { mediaType?: unknown } | undefined)?.mediaType;
  const artifactType = typeof doc.artifactType === 'string' && doc.artifactType ? doc.artifactType : Array.isArray(doc.manifests) ? undefined : configType;
  if (typeof artifactType === 'string') desc.artifactType = artifactType;
  if (doc.annotations && typeof doc.annotations === 'object') desc.annotations = doc.annotations as Record<string, string>;
  return desc;
}

/** Every digest a manifest document points at (for GC marking); tolerant of malformed documents. */
export function allReferences(doc: Record<string, unknown>): string[] {
  try {
    return [...referencedBlobs(doc), ...referencedManifests(doc)].map((r) => r.digest);
  } catch {
    return [];
  }
}
