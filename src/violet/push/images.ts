import type { RegistryClient } from '../../oci/index.ts';
import { mapPool } from '../../oci/index.ts';
import type { PackageImage, PackageManifest } from '../../packages/format.ts';
import { packageError } from '../../packages/reader.ts';
import { openIndexedBlob, readBlobTable } from '../../packages/blob-table.ts';
import type { IndexedPackage } from '../../packages/blob-table.ts';
import type { Need, Transfer } from './transfer.ts';
import { bufferOf, sequentialPass, uploadBlob } from './transfer.ts';

/** Where one package image goes in the destination registry. */
export interface ImageTarget {
  image: PackageImage;
  repository: string;
  tag: string;
}

export interface ImagePushSummary {
  images: number;
  imagesSkipped: number;
  blobsPushed: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesPushed: number;
}

export interface ImagePushOptions {
  file: string;
  manifest: PackageManifest;
  client: RegistryClient;
  targets: ImageTarget[];
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * Packages without a blob table: spool big blobs to temp files while the archive stream moves on, so
   * several uploads run at once (default true). Off: each big blob streams straight from the archive into
   * its upload, one at a time.
   */
  readAhead?: boolean;
  /** Move tags that name different content (violet push --force); otherwise that is an error. */
  force?: boolean;
  /** Called once the bytes to upload are known, before any is sent (violet re-execs with tunables there). */
  beforeTransfer?: (bytes: number) => void;
}

type Blob = NonNullable<PackageImage['blobs']>[number];
const isManifest = (b: Blob) => /manifest|index/.test(b.mediaType) && !b.mediaType.includes('layer');

/**
 * Pushes a package's images without unpacking it: first from the head alone (which images and blobs the
 * registry already has), then — only if something is missing — the missing blobs in a bounded pool of
 * uploads (read at their offsets when the package has a blob table, else from one sequential pass over
 * the archive), and finally the manifests, children first, the root under its tag. Shared blobs are
 * uploaded once and mounted into the other repositories.
 */
export async function pushPackageImages(opts: ImagePushOptions): Promise<ImagePushSummary> {
  const { client, signal } = opts;
  const summary: ImagePushSummary = { images: opts.targets.length, imagesSkipped: 0, blobsPushed: 0, blobsMounted: 0, blobsSkipped: 0, bytesPushed: 0 };
  // One HEAD per tag, in parallel: a no-op re-push is just this.
  const tagged = await mapPool(opts.targets, opts.concurrency ?? 4, (t) => client.headManifest(t.repository, t.tag, { signal }));
  if (!opts.force) refuseRetag(opts.targets, tagged.map((m) => m?.digest));
  const pending: ImageTarget[] = [];
  for (const [i, t] of opts.targets.entries()) {
    if (tagged[i]?.digest === t.image.digest || (await retagIfPresent(client, t, signal))) summary.imagesSkipped++;
    else pending.push(t);
  }
  if (pending.length === 0) return summary;
  const needs = await missingBlobs(client, pending, summary, opts.concurrency ?? 4, signal);
  const total = [...needs.values()].reduce((n, x) => n + x.size, 0);
  opts.beforeTransfer?.(total);
  let done = 0;
  const progress = (n: number) => opts.onProgress?.((done = Math.min(total, done + n)), total);
  const manifests = new Map<string, Buffer>();
  const wanted = new Set(pending.flatMap((t) => (t.image.blobs ?? []).filter(isManifest).map((b) => b.digest)));
  const indexed = await readBlobTable(opts.file);
  const transfer: Transfer = { opts, manifests, progress, summary };
  let failed: Map<string, string>;
  if (indexed) failed = await indexedPass(transfer, indexed, needs, wanted);
  else {
    // Pass 1 streams big blobs straight into their uploads; whatever failed is retried from a spool in pass 2.
    failed = await sequentialPass(transfer, needs, wanted, false);
    for (let pass = 0; failed.size > 0 && pass < 2; pass++) {
      const retry = new Map([...needs].filter(([d]) => failed.has(d)));
      failed = await sequentialPass(transfer, retry, new Set(), true);
    }
  }
  if (failed.size) throw new Error(`could not upload ${failed.size} blob(s) (${[...failed.keys()].slice(0, 3).join(", ")}): ${[...failed.values()][0]}`);
  for (const t of pending) await putManifests(client, t, manifests, signal);
  return summary;
}

/**
 * An indexed package: every blob is read at its own offset, so uploads run in parallel straight from the
 * package file (largest first, so no big blob starts last) and retry by reopening — no spool, no pass over
 * the archive. Returns the blobs that failed, with their error.
 */
async function indexedPass(t: Transfer, pkg: IndexedPackage, needs: Map<string, Need>, wanted: Set<string>): Promise<Map<string, string>> {
  const { opts, manifests } = t;
  const absent = [...needs.keys(), ...wanted].filter((d) => !pkg.blobs.has(d));
  if (absent.length) throw packageError(opts.file, `the blob table has no entry for ${absent.slice(0, 3).join(', ')}`);
  for (const digest of wanted) manifests.set(digest, await bufferOf({ stream: openIndexedBlob(pkg, digest) }));
  const failed = new Map<string, string>();
  const largestFirst = [...needs].sort(([, a], [, b]) => b.size - a.size);
  await mapPool(largestFirst, opts.concurrency ?? 4, async ([digest, need]) => {
    await uploadBlob(t, digest, need, { open: () => openIndexedBlob(pkg, digest) }).catch((err: Error) => void failed.set(digest, err.message));
  });
  return failed;
}

/** Without --force, a tag that already names different content is an error, never silently moved. */
function refuseRetag(targets: ImageTarget[], taggedDigests: (string | undefined)[]): void {
  targets.forEach((t, i) => {
    const existing = taggedDigests[i];
    if (existing && existing !== t.image.digest) {
      throw new Error(`${t.repository}:${t.tag} already exists in the registry as ${existing}, not ${t.image.digest}: a different build under the same version. Re-run with --force to overwrite the tag`);
    }
  });
}

/** True when the image is there by digest (untagged, or under another tag): then only the tag is put. */
async function retagIfPresent(client: RegistryClient, t: ImageTarget, signal?: AbortSignal): Promise<boolean> {
  if (!(await client.headManifest(t.repository, t.image.digest, { signal }))) return false;
  const m = await client.getManifest(t.repository, t.image.digest, { signal });
  await client.putManifest(t.repository, t.tag, m.bytes, m.mediaType, { signal });
  return true;
}

/** Non-manifest blobs each pending repository lacks (HEAD in a bounded pool). */
async function missingBlobs(client: RegistryClient, pending: ImageTarget[], summary: ImagePushSummary, concurrency: number, signal?: AbortSignal): Promise<Map<string, Need>> {
  const checks = pending.flatMap((t) => (t.image.blobs ?? []).filter((b) => !isManifest(b)).map((b) => ({ t, b })));
  const unique = [...new Map(checks.map((c) => [`${c.t.repository}@${c.b.digest}`, c])).values()];
  const needs = new Map<string, Need>();
  await mapPool(unique, concurrency, async ({ t, b }) => {
    if (await client.headBlob(t.repository, b.digest, { signal })) {
      summary.blobsSkipped++;
      return;
    }
    const need = needs.get(b.digest) ?? { size: b.size, mediaType: b.mediaType, repositories: [] };
    need.repositories.push(t.repository);
    needs.set(b.digest, need);
  });
  return needs;
}

async function putManifests(client: RegistryClient, t: ImageTarget, manifests: Map<string, Buffer>, signal?: AbortSignal): Promise<void> {
  const ordered = (t.image.blobs ?? []).filter(isManifest);
  for (const m of ordered) {
    const bytes = manifests.get(m.digest);
    if (!bytes) throw new Error(`the package lacks manifest ${m.digest} of ${t.image.ref}`);
    const isRoot = m.digest === t.image.digest;
    await client.putManifest(t.repository, isRoot ? t.tag : m.digest, bytes, m.mediaType, { signal });
  }
}
