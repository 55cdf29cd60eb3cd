import type { RegistryClient } from './client.ts';
import { digestOf, isIndexType, isManifestType, OCI_MEDIA_TYPES } from './digest.ts';
import { OciError } from './errors.ts';
import type { Descriptor, Platform } from './types.ts';

/** A manifest or index of an image graph, with its exact bytes. */
export interface ManifestNode {
  descriptor: Descriptor;
  kind: 'index' | 'manifest';
  bytes: Buffer;
  /** Descriptors it references (manifests for an index; config + layers for a manifest). */
  children: Descriptor[];
}

/** Everything an image consists of. `manifests` lists children before parents, the root last. */
export interface ImageGraph {
  root: Descriptor;
  manifests: ManifestNode[];
  /** Unique non-manifest blobs (configs and layers). */
  blobs: Descriptor[];
}

/** `'all'`, or platforms like `linux/amd64`, `linux/arm64/v8`. */
export type PlatformFilter = 'all' | string[];

export interface WalkOptions {
  platforms?: PlatformFilter;
  signal?: AbortSignal;
}

/** Fetches a manifest's bytes by descriptor (from a registry, a layout or a tar). */
export type FetchManifest = (desc: Descriptor) => Promise<Buffer>;

const MAX_DEPTH = 8;

/**
 * Walks index → manifests → config + layers. With a platform filter the root index is rewritten to list
 * only the chosen platforms (its digest then changes; every other manifest keeps its exact bytes).
 * @example const graph = await walkGraph(root, (d) => layout.readBlob(d.digest));
 */
export async function walkGraph(root: Descriptor, fetch: FetchManifest, opts: WalkOptions = {}): Promise<ImageGraph> {
  const manifests: ManifestNode[] = [];
  const blobs = new Map<string, Descriptor>();
  const seen = new Set<string>();
  const visit = async (desc: Descriptor, depth: number, isRoot: boolean): Promise<Descriptor> => {
    if (opts.signal?.aborted) throw new OciError('ABORTED', 'walk aborted');
    if (depth > MAX_DEPTH) throw new OciError('PROTOCOL', `image ${root.digest} nests indexes deeper than ${MAX_DEPTH}`);
    let bytes = await fetch(desc);
    let node = parseNode(desc, bytes);
    if (isRoot && node.kind === 'index' && opts.platforms && opts.platforms !== 'all') {
      ({ desc, bytes, node } = filterIndex(desc, bytes, opts.platforms));
    }
    if (seen.has(desc.digest)) return desc;
    seen.add(desc.digest);
    if (node.kind === 'index') {
      for (const child of node.children) await visit(child, depth + 1, false);
    } else {
      for (const child of node.children) if (!child.urls?.length) blobs.set(child.digest, child);
    }
    manifests.push({ ...node, descriptor: desc, bytes });
    return desc;
  };
  const finalRoot = await visit(root, 0, true);
  return { root: finalRoot, manifests, blobs: [...blobs.values()] };
}

/**
 * The whole graph of `repository:ref` in a registry.
 * @example const { blobs } = await walkImage(client, 'team/app', 'v1');
 */
export async function walkImage(client: RegistryClient, repository: string, ref: string, opts: WalkOptions = {}): Promise<ImageGraph> {
  const top = await client.getManifest(repository, ref, { signal: opts.signal });
  const cache = new Map([[top.descriptor.digest, top.bytes]]);
  const fetch: FetchManifest = async (d) => cache.get(d.digest) ?? (await client.getManifest(repository, d.digest, { signal: opts.signal })).bytes;
  return walkGraph(top.descriptor, fetch, opts);
}

function parseNode(desc: Descriptor, bytes: Buffer): Omit<ManifestNode, 'descriptor' | 'bytes'> {
  let doc: { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OciError('PROTOCOL', `manifest ${desc.digest} is not valid JSON`);
  }
  const type = doc.mediaType ?? desc.mediaType;
  if (isIndexType(type) || (!isManifestType(type) && Array.isArray(doc.manifests))) return { kind: 'index', children: doc.manifests ?? [] };
  if (isManifestType(type) || doc.config) {
    if (!doc.config) throw new OciError('PROTOCOL', `manifest ${desc.digest} has no config`);
    return { kind: 'manifest', children: [doc.config, ...(doc.layers ?? [])] };
  }
  throw new OciError('PROTOCOL', `${desc.digest} has media type ${type}, which is neither an image manifest nor an index`);
}

function filterIndex(desc: Descriptor, bytes: Buffer, wanted: string[]) {
  const doc = JSON.parse(bytes.toString('utf8')) as { manifests: Descriptor[] };
  const kept = doc.manifests.filter((m) => m.platform && wanted.some((w) => platformMatches(m.platform!, w)));
  if (!kept.length) {
    const have = doc.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).join(', ');
    throw new OciError('NOT_FOUND', `image ${desc.digest} has no manifest for ${wanted.join(', ')} (it has ${have})`);
  }
  if (kept.length === doc.manifests.length) return { desc, bytes, node: { kind: 'index' as const, children: kept } };
  const newBytes = Buffer.from(JSON.stringify({ ...doc, manifests: kept }));
  const newDesc = { ...desc, mediaType: desc.mediaType || OCI_MEDIA_TYPES.index, digest: digestOf(newBytes), size: newBytes.length };
  return { desc: newDesc, bytes: newBytes, node: { kind: 'index' as const, children: kept } };
}

/** `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** True when `p` matches `os/arch[/variant]` (variant optional in the filter). */
export function platformMatches(p: Platform, filter: string): boolean {
  const [os, arch, variant] = filter.split('/');
  return p.os === os && p.architecture === arch && (!variant || p.variant === variant);
}
