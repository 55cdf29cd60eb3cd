import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StatusError } from '../kube/errors.ts';
import type { PackageImage } from './format.ts';

/** Reading a local OCI image layout directory: its tagged images and every blob they reference. */

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export function blobPath(layoutDir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!/^sha256$|^sha512$/.test(alg) || !/^[a-f0-9]+$/.test(hex ?? '')) throw StatusError.badRequest(`invalid digest ${digest}`);
  return join(layoutDir, 'blobs', alg, hex);
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** The images a layout's index.json names, with platforms read from their indexes. */
export async function layoutImages(layoutDir: string): Promise<PackageImage[]> {
  const index = await readJson<{ manifests: Descriptor[] }>(join(layoutDir, 'index.json'));
  const images: PackageImage[] = [];
  for (const d of index.manifests) {
    const ref = d.annotations?.[REF_NAME];
    if (!ref) continue;
    images.push({ ref, digest: d.digest, mediaType: d.mediaType, platforms: await platformsOf(layoutDir, d) });
  }
  return images;
}

async function platformsOf(layoutDir: string, d: Descriptor): Promise<string[]> {
  if (!INDEX_TYPES.has(d.mediaType)) return d.platform ? [platformString(d.platform)] : [];
  const child = await readJson<{ manifests: Descriptor[] }>(blobPath(layoutDir, d.digest));
  return child.manifests.filter((m) => m.platform).map((m) => platformString(m.platform!));
}

function platformString(p: { os: string; architecture: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * Every blob reachable from the given roots, leaves first (layers and configs before the manifests
 * that reference them, manifests before indexes), so a streaming push never references a missing blob.
 */
export async function reachableBlobs(layoutDir: string, roots: { digest: string; mediaType: string }[]): Promise<Descriptor[]> {
  const seen = new Set<string>();
  const ordered: Descriptor[] = [];
  const visit = async (d: Descriptor): Promise<void> => {
    if (seen.has(d.digest)) return;
    seen.add(d.digest);
    const doc = await readJson<{ manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[]; mediaType?: string }>(blobPath(layoutDir, d.digest));
    const children = INDEX_TYPES.has(d.mediaType) || doc.manifests ? (doc.manifests ?? []) : [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])];
    for (const child of children) {
      if (child.mediaType && (INDEX_TYPES.has(child.mediaType) || child.mediaType.includes('manifest'))) await visit(child);
      else if (!seen.has(child.digest)) {
        seen.add(child.digest);
        ordered.push(child);
      }
    }
    ordered.push(d);
  };
  for (const root of roots) await visit({ ...root, size: 0 });
  return ordered;
}
