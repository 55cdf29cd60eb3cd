/**
 * Runs `fn` over `items` with at most `limit` in flight. The first failure stops new work and is thrown once
 * everything in flight has settled (so no transfer keeps running behind the caller's back).
 * @example await mapPool(blobs, 4, (b) => push(b));
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
  return results;
}

/** Progress of a copy. `bytesDone` never decreases. */
export interface CopyProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

/**
 * Sums per-blob maxima, so a retried blob (restarting at 0) never makes the total go backwards.
 * @example const t = new ProgressTracker(total, count, cb); t.update('sha256:…', 1024); t.finish('sha256:…', size);
 */
export class ProgressTracker {
  private readonly best = new Map<string, number>();
  private done = 0;
  private blobsDone = 0;
  private readonly totals: { bytes: number; blobs: number };
  private readonly onProgress?: (p: CopyProgress) => void;

  constructor(bytesTotal: number, blobsTotal: number, onProgress?: (p: CopyProgress) => void) {
    this.totals = { bytes: bytesTotal, blobs: blobsTotal };
    this.onProgress = onProgress;
  }

  update(digest: string, bytes: number): void {
    const prev = this.best.get(digest) ?? 0;
    if (bytes <= prev) return;
    this.best.set(digest, bytes);
    this.done += bytes - prev;
    this.emit();
  }

  finish(digest: string, size: number): void {
    this.update(digest, size);
    this.blobsDone++;
    this.emit();
  }

  private emit(): void {
    this.onProgress?.({ bytesDone: this.done, bytesTotal: this.totals.bytes, blobsDone: this.blobsDone, blobsTotal: this.totals.blobs });
  }
}
