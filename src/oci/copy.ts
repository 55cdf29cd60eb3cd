import type { Readable } from 'node:stream';
import { openLayoutArchive } from './archive.ts';
import type { RegistryClient } from './client.ts';
import { isDigest, MAX_MANIFEST_BYTES } from './digest.ts';
import { OciError, toOciError } from './errors.ts';
import { openLayout } from './layout.ts';
import { mapPool, ProgressTracker, type CopyProgress } from './pool.ts';
import { withRetries } from './transport.ts';
import { REF_NAME, type Descriptor } from './types.ts';
import type { PushResult } from './upload.ts';
import { walkGraph, type FetchManifest, type ManifestNode, type PlatformFilter } from './walk.ts';

/** Where an image is: an OCI layout directory, a layout `.tar` (source only), or a registry repository. */
export type ImageLocation =
  | { layout: string; tag?: string }
  | { archive: string; tag?: string }
  | { client: RegistryClient; repository: string; ref?: string };

export interface CopyImageOptions {
  from: ImageLocation;
  to: ImageLocation;
  /** Default 'all'. A subset rewrites the top index (new digest). */
  platforms?: PlatformFilter;
  signal?: AbortSignal;
  onProgress?: (p: CopyProgress) => void;
  /** Parallel blob transfers (default: the destination client's, else 4). */
  concurrency?: number;
  /** A repository on the destination registry to mount blobs from (automatic for same-registry copies). */
  mountFrom?: string;
}

/** What a copy did. Blobs under a manifest the destination already has count as skipped without a request. */
export interface CopySummary {
  root: Descriptor;
  tag?: string;
  blobs: { total: number; pushed: number; skipped: number; mounted: number };
  manifests: { pushed: number; skipped: number };
  bytesTransferred: number;
  bytesTotal: number;
  durationMs: number;
}

interface Source {
  root: Descriptor;
  tag?: string;
  fetch: FetchManifest;
  /** `unverified`: the target checks the digest itself (an OCI layout). */
  open(desc: Descriptor, signal?: AbortSignal, unverified?: boolean): Promise<Readable>;
}

interface Target {
  /** Verifies blob digests while storing them, so sources need not. */
  verifies?: boolean;
  hasManifest(desc: Descriptor): Promise<boolean>;
  /** The digest `tag` points at now, when the target can tell cheaply (a registry: one HEAD). */
  taggedDigest?(tag: string): Promise<string | undefined>;
  pushBlob(desc: Descriptor, open: () => Promise<Readable>, onProgress: (n: number) => void): Promise<PushResult>;
  putManifest(node: ManifestNode, tag: string | undefined, isRoot: boolean): Promise<void>;
}

/**
 * Copies an image (all platforms by default) between layouts, layout archives and registries: blobs in a bounded
 * parallel pool (HEAD-before-push, mounts, retries), then manifests children-first, the root under its tag.
 * @example
 * const summary = await copyImage({ from: { layout: './pkg/images', tag: 'v1' }, to: { client, repository: 'team/app', ref: 'v1' } });
 * console.log(summary.blobs); // { total: 3, pushed: 3, skipped: 0, mounted: 0 }
 */
export async function copyImage(opts: CopyImageOptions): Promise<CopySummary> {
  const started = Date.now();
  const { signal } = opts;
  const src = await openSource(opts.from, signal);
  const graph = await walkGraph(src.root, src.fetch, { platforms: opts.platforms ?? 'all', signal });
  const tag = destinationTag(opts.to) ?? src.tag;
  const { target, concurrency } = await openTarget(opts, signal);
  const bytesTotal = graph.blobs.reduce((n, b) => n + b.size, 0);
  const tracker = new ProgressTracker(bytesTotal, graph.blobs.length, opts.onProgress);
  const summary: CopySummary = { root: graph.root, tag, blobs: { total: graph.blobs.length, pushed: 0, skipped: 0, mounted: 0 }, manifests: { pushed: 0, skipped: 0 }, bytesTransferred: 0, bytesTotal, durationMs: 0 };
  if (tag && target.taggedDigest && (await target.taggedDigest(tag)) === graph.root.digest) {
    // Tagged means complete: a registry refuses a manifest whose blobs or children are missing.
    for (const b of graph.blobs) tracker.finish(b.digest, b.size);
    summary.blobs.skipped = graph.blobs.length;
    summary.manifests.skipped = graph.manifests.length;
    summary.durationMs = Date.now() - started;
    return summary;
  }
  const present = await presentManifests(graph.manifests, target);
  const covered = new Set(graph.manifests.filter((m) => present.has(m.descriptor.digest) && m.kind === 'manifest').flatMap((m) => m.children.map((c) => c.digest)));
  await mapPool(graph.blobs, concurrency, async (desc) => {
    const result: PushResult = covered.has(desc.digest) ? 'skipped' : await target.pushBlob(desc, () => src.open(desc, signal, target.verifies), (n) => tracker.update(desc.digest, n));
    tracker.finish(desc.digest, desc.size);
    summary.blobs[result]++;
    if (result === 'pushed') summary.bytesTransferred += desc.size;
  });
  for (const node of graph.manifests) {
    const isRoot = node === graph.manifests[graph.manifests.length - 1];
    if (present.has(node.descriptor.digest) && !(isRoot && tag)) {
      summary.manifests.skipped++;
      continue;
    }
    if (signal?.aborted) throw toOciError(signal.reason, undefined, signal);
    await target.putManifest(node, isRoot ? tag : undefined, isRoot);
    summary.manifests.pushed++;
    summary.bytesTransferred += node.bytes.length;
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/** Manifests the destination already has; a present index makes its child manifests present too. */
async function presentManifests(manifests: ManifestNode[], target: Target): Promise<Set<string>> {
  const present = new Set<string>();
  for (const node of [...manifests].reverse()) {
    if (!present.has(node.descriptor.digest) && !(await target.hasManifest(node.descriptor))) continue;
    present.add(node.descriptor.digest);
    if (node.kind === 'index') for (const c of node.children) present.add(c.digest);
  }
  return present;
}

function destinationTag(to: ImageLocation): string | undefined {
  if ('client' in to) return to.ref && !isDigest(to.ref) ? to.ref : undefined;
  return to.tag;
}

async function openSource(from: ImageLocation, signal?: AbortSignal): Promise<Source> {
  if ('client' in from) {
    const { client, repository } = from;
    const ref = from.ref ?? 'latest';
    const top = await client.getManifest(repository, ref, { signal });
    return {
      root: top.descriptor,
      tag: isDigest(ref) ? undefined : ref,
      fetch: async (d) => (d.digest === top.descriptor.digest ? top.bytes : (await client.getManifest(repository, d.digest, { signal })).bytes),
      open: (d, s, unverified) => client.getBlob(repository, d.digest, { size: d.size, signal: s, unverified }),
    };
  }
  const store = 'layout' in from ? await openLayout(from.layout) : await openLayoutArchive(from.archive, { signal });
  const root = await store.resolve(from.tag);
  return {
    root: { mediaType: root.mediaType, digest: root.digest, size: root.size },
    tag: from.tag ?? root.annotations?.[REF_NAME],
    fetch: (d) => store.readBlob(d.digest, MAX_MANIFEST_BYTES),
    open: async (d, s) => ('path' in store ? store.openBlob(d.digest, s) : store.openBlob(d.digest)),
  };
}

async function openTarget(opts: CopyImageOptions, signal?: AbortSignal): Promise<{ target: Target; concurrency: number }> {
  const to = opts.to;
  if ('archive' in to) throw new OciError('INVALID_REFERENCE', `cannot copy into a layout archive (${to.archive}); copy into a layout directory and tar it`);
  if ('client' in to) {
    const { client, repository } = to;
    const from = opts.from;
    const sameRegistry = 'client' in from && from.client.registry === client.registry && from.repository !== repository;
    const mountFrom = opts.mountFrom ?? (sameRegistry ? from.repository : undefined);
    const target: Target = {
      hasManifest: async (d) => !!(await client.headManifest(repository, d.digest, { signal })),
      taggedDigest: async (t) => (await client.headManifest(repository, t, { signal }))?.digest,
      pushBlob: (d, open, onProgress) => client.pushBlob(repository, d, open, { signal, onProgress, mountFrom }),
      putManifest: async (node, tag) => {
        await client.putManifest(repository, tag ?? node.descriptor.digest, node.bytes, manifestMediaType(node), { signal });
      },
    };
    return { target, concurrency: opts.concurrency ?? client.concurrency };
  }
  const layout = await openLayout(to.layout, { create: true });
  const target: Target = {
    verifies: true,
    hasManifest: (d) => layout.hasBlob(d.digest, d.size),
    pushBlob: (d, open, onProgress) =>
      withRetries(async () => ((await layout.writeBlob(d, await open(), { signal, onProgress })) === 'written' ? 'pushed' : 'skipped'), { retries: 3, baseDelayMs: 250, signal }),
    putManifest: async (node, tag, isRoot) => {
      await layout.writeBlobBytes(node.descriptor, node.bytes);
      if (isRoot) await layout.tag({ ...node.descriptor, mediaType: manifestMediaType(node) }, tag);
    },
  };
  return { target, concurrency: opts.concurrency ?? 4 };
}

function manifestMediaType(node: ManifestNode): string {
  try {
    return (JSON.parse(node.bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? node.descriptor.mediaType;
  } catch {
    return node.descriptor.mediaType;
  }
}
