/** How the registry and push benchmarks lay out a generated image set over layer sizes. */

/** Layer sizes in MiB, repeated until the total is reached (the last layer takes the remainder). */
export const LAYER_SEQUENCE = [1, 2, 5, 10, 20, 50, 100, 200];
export const SINGLE_IMAGES = 3;
export const MULTI_PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
];

const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);

/** Fills `totalMiB` with LAYER_SEQUENCE sizes, repeated; the last layer takes what is left. */
export function fillLayers(totalMiB: number): number[] {
  const sizes: number[] = [];
  let left = totalMiB;
  for (let i = 0; left > 0 && i < 10_000; i++) {
    const mb = Math.min(LAYER_SEQUENCE[i % LAYER_SEQUENCE.length], left);
    sizes.push(mb);
    left -= mb;
  }
  return sizes;
}

/**
 * Layer sizes (MiB) adding up to `totalMiB - reservedMiB`: `multi` (per platform of a MULTI_PLATFORMS index)
 * is the longest prefix of LAYER_SEQUENCE whose copies take at most a tenth of `totalMiB` (at least 1 MiB),
 * the rest is spread over SINGLE_IMAGES single-platform images (largest layers first, each to the lightest image).
 */
export function splitLayers(totalMiB: number, reservedMiB = 0): { singles: number[][]; multi: number[] } {
  const multi: number[] = [LAYER_SEQUENCE[0]];
  for (const mb of LAYER_SEQUENCE.slice(1)) {
    if (MULTI_PLATFORMS.length * (sum(multi) + mb) > totalMiB / 10) break;
    multi.push(mb);
  }
  const rest = fillLayers(Math.max(1, totalMiB - reservedMiB - MULTI_PLATFORMS.length * sum(multi))).sort((a, b) => b - a);
  const singles = Array.from({ length: Math.min(SINGLE_IMAGES, rest.length) }, () => [] as number[]);
  for (const mb of rest) {
    const lightest = singles.reduce((best, img) => (sum(img) < sum(best) ? img : best));
    lightest.push(mb);
  }
  return { singles, multi };
}
