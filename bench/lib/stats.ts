/** Order statistics and rates. */

/** The smallest value with at least p % of `sorted` (ascending) at or below it; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Median of the finite values (the lower one of the middle two for an even count); NaN when none. */
export function median(values: number[]): number {
  return percentile(values.filter(Number.isFinite).sort((a, b) => a - b), 50);
}

/** MB/s with MB = 10^6 bytes. */
export const mbps = (bytes: number, millis: number) => bytes / 1e6 / (millis / 1000);
