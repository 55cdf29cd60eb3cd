/**
 * On-disk layout of the registry (see README "Storage layout"). Blobs and manifests are content-addressed
 * under `blobs/`; repositories only hold small link files that say which content they may serve, so a
 * blob pushed to two repositories is stored once. Every metadata write is atomic (temp + fsync + rename).
 */
import { mkdir, rename, utimes } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { listDir, readIfExists, removeFile, statIfExists, syncDir, writeFileAtomic } from './fsutil.ts';
import type { Digest } from './names.ts';
import { isValidName, isValidTag, tryParseDigest } from './names.ts';

/** What a repository records about one of its manifests. */
export interface ManifestMeta {
  mediaType: string;
  size: number;
}

/** A referrers-API descriptor (dist-spec "Listing Referrers"). */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Deepest repository nesting the catalog walk follows (bounds the walk on a hostile tree). */
const MAX_DEPTH = 32;

/** Paths and metadata operations over one registry root. Inputs are validated values (see names.ts). */
export class Store {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Where a blob's bytes live: `blobs/<alg>/<first two hex>/<hex>`. */
  blobPath(d: Digest): string {
    return join(this.root, 'blobs', d.algorithm, d.hex.slice(0, 2), d.hex);
  }

  /** The blob's stats when it is stored (in any repository). */
  statBlob(d: Digest): Promise<Stats | undefined> {
    return statIfExists(this.blobPath(d));
  }

  /** Moves a verified, fsynced temp file into place as blob `d`; atomic, and idempotent for equal content. */
  async commitBlob(tempPath: string, d: Digest): Promise<void> {
    const target = this.blobPath(d);
    await mkdir(join(target, '..'), { recursive: true });
    await rename(tempPath, target);
    await syncDir(join(target, '..'));
  }

  /** Writes manifest bytes as a blob unless present (they are content-addressed, so present = equal). */
  async writeContent(d: Digest, bytes: Buffer): Promise<void> {
    if (await this.statBlob(d)) return this.touchBlob(d);
    await writeFileAtomic(this.blobPath(d), bytes);
  }

  /** Refreshes a blob's mtime so the GC grace period protects it (a mount or re-push just used it). */
  async touchBlob(d: Digest): Promise<void> {
    const now = new Date();
    await utimes(this.blobPath(d), now, now).catch(() => undefined);
  }

  private repoDir(name: string): string {
    return join(this.root, 'repositories', ...name.split('/'));
  }

  private layerLink(name: string, d: Digest): string {
    return join(this.repoDir(name), '_layers', d.algorithm, d.hex);
  }

  private revisionLink(name: string, d: Digest): string {
    return join(this.repoDir(name), '_manifests', 'revisions', d.algorithm, d.hex);
  }

  private tagLink(name: string, tag: string): string {
    return join(this.repoDir(name), '_manifests', 'tags', tag);
  }

  private referrersDir(name: string, subject: Digest): string {
    return join(this.repoDir(name), '_referrers', subject.algorithm, subject.hex);
  }

  /** Records that repository `name` may serve blob `d`. */
  async linkBlob(name: string, d: Digest): Promise<void> {
    if (await statIfExists(this.layerLink(name, d))) return;
    await writeFileAtomic(this.layerLink(name, d), d.value);
  }

  /** Removes the repository's link to a blob; true when it had one. The bytes go at the next GC. */
  unlinkBlob(name: string, d: Digest): Promise<boolean> {
    return removeFile(this.layerLink(name, d));
  }

  /** Size of blob `d` when repository `name` links it (as a blob or a manifest) and the bytes exist. */
  async repoBlobSize(name: string, d: Digest): Promise<number | undefined> {
    const linked = (await statIfExists(this.layerLink(name, d))) ?? (await statIfExists(this.revisionLink(name, d)));
    if (!linked) return undefined;
    return (await this.statBlob(d))?.size;
  }

  /** Blob digests repository `name` links. */
  async listBlobLinks(name: string): Promise<Digest[]> {
    return this.listDigests(join(this.repoDir(name), '_layers'));
  }

  /** The manifest's recorded media type and size, when the repository has it and its bytes exist. */
  async getManifestMeta(name: string, d: Digest): Promise<ManifestMeta | undefined> {
    const raw = await readIfExists(this.revisionLink(name, d));
    if (!raw || !(await this.statBlob(d))) return undefined;
    return JSON.parse(raw.toString('utf8')) as ManifestMeta;
  }

  /** Stores manifest bytes and links them into the repository. */
  async putManifest(name: string, d: Digest, bytes: Buffer, mediaType: string): Promise<void> {
    await this.writeContent(d, bytes);
    await writeFileAtomic(this.revisionLink(name, d), JSON.stringify({ mediaType, size: bytes.length } satisfies ManifestMeta));
  }

  /** Unlinks a manifest revision; true when the repository had it. */
  deleteManifest(name: string, d: Digest): Promise<boolean> {
    return removeFile(this.revisionLink(name, d));
  }

  /** Manifest digests repository `name` has. */
  listManifests(name: string): Promise<Digest[]> {
    return this.listDigests(join(this.repoDir(name), '_manifests', 'revisions'));
  }

  /** The digest a tag points to. */
  async resolveTag(name: string, tag: string): Promise<Digest | undefined> {
    const raw = await readIfExists(this.tagLink(name, tag));
    return raw ? tryParseDigest(raw.toString('utf8').trim()) : undefined;
  }

  /** Points a tag at a digest (last writer wins; the rename is atomic). */
  setTag(name: string, tag: string, d: Digest): Promise<void> {
    return writeFileAtomic(this.tagLink(name, tag), d.value);
  }

  /** Removes a tag; true when it existed. */
  deleteTag(name: string, tag: string): Promise<boolean> {
    return removeFile(this.tagLink(name, tag));
  }

  /** Tags of a repository, ASCII-sorted. */
  async listTags(name: string): Promise<string[]> {
    const tags = (await listDir(join(this.repoDir(name), '_manifests', 'tags'))).filter(isValidTag);
    return tags.sort(asciiCompare);
  }

  /** True when the repository has ever received a blob or manifest. */
  async repoExists(name: string): Promise<boolean> {
    const dir = this.repoDir(name);
    return Boolean((await statIfExists(join(dir, '_manifests'))) ?? (await statIfExists(join(dir, '_layers'))));
  }

  /** Every repository with a `_manifests` (default) or `_layers` directory, ASCII-sorted. */
  async listRepositories(marker: '_manifests' | '_layers' = '_manifests'): Promise<string[]> {
    const found: string[] = [];
    const walk = async (parts: string[]): Promise<void> => {
      if (parts.length > MAX_DEPTH) return;
      const entries = await listDir(join(this.root, 'repositories', ...parts));
      if (parts.length > 0 && entries.includes(marker)) found.push(parts.join('/'));
      for (const entry of entries) {
        if (!entry.startsWith('_') && isValidName([...parts, entry].join('/'))) await walk([...parts, entry]);
      }
    };
    await walk([]);
    return found.sort(asciiCompare);
  }

  /** Records that manifest `d` (described by `desc`) refers to `subject`. */
  addReferrer(name: string, subject: Digest, d: Digest, desc: ReferrerDescriptor): Promise<void> {
    return writeFileAtomic(join(this.referrersDir(name, subject), `${d.algorithm}-${d.hex}`), JSON.stringify(desc));
  }

  /** Forgets that manifest `d` refers to `subject`. */
  async removeReferrer(name: string, subject: Digest, d: Digest): Promise<void> {
    await removeFile(join(this.referrersDir(name, subject), `${d.algorithm}-${d.hex}`));
  }

  /** Descriptors of the repository's manifests whose subject is `subject` (only ones still present). */
  async listReferrers(name: string, subject: Digest): Promise<ReferrerDescriptor[]> {
    const dir = this.referrersDir(name, subject);
    const out: ReferrerDescriptor[] = [];
    for (const entry of (await listDir(dir)).sort()) {
      const raw = await readIfExists(join(dir, entry));
      const desc = raw ? (JSON.parse(raw.toString('utf8')) as ReferrerDescriptor) : undefined;
      const d = desc && tryParseDigest(desc.digest);
      if (d && (await this.getManifestMeta(name, d))) out.push(desc);
    }
    return out;
  }

  /** Every stored blob digest (walks `blobs/`). */
  async listBlobs(): Promise<Digest[]> {
    const out: Digest[] = [];
    for (const algorithm of ['sha256', 'sha512']) {
      for (const prefix of await listDir(join(this.root, 'blobs', algorithm))) {
        out.push(...(await this.listDigests(join(this.root, 'blobs', algorithm, prefix), algorithm)));
      }
    }
    return out;
  }

  private async listDigests(dir: string, onlyAlgorithm?: string): Promise<Digest[]> {
    const algorithms = onlyAlgorithm ? [''] : await listDir(dir);
    const out: Digest[] = [];
    for (const algorithm of algorithms) {
      for (const hex of await listDir(join(dir, algorithm))) {
        const d = tryParseDigest(`${onlyAlgorithm ?? algorithm}:${hex}`);
        if (d) out.push(d);
      }
    }
    return out;
  }
}

/** Go's sort.Strings order (byte-wise), which the spec asks for tags and catalog. */
export function asciiCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
