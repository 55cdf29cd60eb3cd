/**
 * Mark-and-sweep garbage collection. Mark: every manifest revision of every repository, and everything
 * those documents reference (config, layers, child manifests of indexes), is live. Sweep: unreferenced
 * blobs older than the grace period are deleted, under the exclusive commit lock, after re-checking the
 * digests that writes referenced while the mark ran (see README "GC semantics").
 */
import { readFile, rm } from 'node:fs/promises';
import { allReferences } from './manifest-json.ts';
import type { Digest } from './names.ts';
import type { SharedLock } from './lock.ts';
import type { Store } from './store.ts';
import { statIfExists } from './fsutil.ts';
import type { GcOptions, GcResult } from './types.ts';
import type { Uploads } from './uploads.ts';

const HOUR = 3600_000;

/** One collector per registry; runs are serialised. */
export class Collector {
  private readonly store: Store;
  private readonly uploads: Uploads;
  private readonly commitLock: SharedLock;
  private tracking: Set<string> | undefined;
  private running: Promise<GcResult> | undefined;

  constructor(store: Store, uploads: Uploads, commitLock: SharedLock) {
    this.store = store;
    this.uploads = uploads;
    this.commitLock = commitLock;
  }

  /** Called by writes (manifest PUT, blob commit, mount): while a run is marking, these digests stay. */
  noteReferenced(digests: Iterable<string>): void {
    if (!this.tracking) return;
    for (const d of digests) this.tracking.add(d);
  }

  /** Runs a collection (waits for a running one first). */
  async collect(options: GcOptions = {}): Promise<GcResult> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(options);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async run(options: GcOptions): Promise<GcResult> {
    const graceMs = options.blobGraceMs ?? HOUR;
    const dryRun = options.dryRun ?? false;
    this.tracking = new Set();
    try {
      const live = await this.mark();
      const candidates = await this.candidates(live, graceMs);
      const swept = await this.commitLock.withExclusive(() => this.sweep(candidates, graceMs, dryRun));
      const uploadsRemoved = await this.uploads.removeStale(options.uploadMaxAgeMs ?? 24 * HOUR, dryRun);
      return { ...swept, uploadsRemoved };
    } finally {
      this.tracking = undefined;
    }
  }

  /** Digests of every manifest and everything manifests reference, across all repositories. */
  private async mark(): Promise<Set<string>> {
    const live = new Set<string>();
    for (const name of await this.store.listRepositories()) {
      for (const d of await this.store.listManifests(name)) {
        live.add(d.value);
        for (const ref of await this.referencesOf(d)) live.add(ref);
      }
    }
    return live;
  }

  private async referencesOf(d: Digest): Promise<string[]> {
    try {
      const doc = JSON.parse((await readFile(this.store.blobPath(d))).toString('utf8')) as unknown;
      return typeof doc === 'object' && doc !== null ? allReferences(doc as Record<string, unknown>) : [];
    } catch {
      return []; // missing or unreadable manifest content: nothing more to keep
    }
  }

  private async candidates(live: Set<string>, graceMs: number): Promise<Digest[]> {
    const out: Digest[] = [];
    for (const d of await this.store.listBlobs()) {
      if (live.has(d.value)) continue;
      const st = await this.store.statBlob(d);
      if (st && Date.now() - st.mtimeMs > graceMs) out.push(d);
    }
    return out;
  }

  /** Runs under the exclusive lock: no blob commit or manifest write is between its check and its write. */
  private async sweep(candidates: Digest[], graceMs: number, dryRun: boolean): Promise<{ blobsRemoved: number; bytesFreed: number }> {
    let blobsRemoved = 0;
    let bytesFreed = 0;
    const removed = new Set<string>();
    for (const d of candidates) {
      if (this.tracking?.has(d.value)) continue;
      const st = await statIfExists(this.store.blobPath(d));
      if (!st || Date.now() - st.mtimeMs <= graceMs) continue; // re-pushed (rename refreshes mtime) or mounted meanwhile
      blobsRemoved++;
      bytesFreed += st.size;
      removed.add(d.value);
      if (!dryRun) await rm(this.store.blobPath(d), { force: true });
    }
    if (!dryRun && removed.size > 0) await this.pruneLinks(removed);
    return { blobsRemoved, bytesFreed };
  }

  /** Drops repository blob links that point at removed blobs. */
  private async pruneLinks(removed: Set<string>): Promise<void> {
    for (const name of await this.store.listRepositories('_layers')) {
      for (const d of await this.store.listBlobLinks(name)) {
        if (removed.has(d.value)) await this.store.unlinkBlob(name, d);
      }
    }
  }
}
