/**
 * SemVer 2.0.0 parsing and precedence for chart versions (Helm sorts index entries newest first). A leading
 * `v` is accepted, as Helm accepts it; everything else follows semver.org exactly.
 */

/** A parsed version; `prerelease` identifiers keep their text (numeric ones compare numerically). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build: string[];
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD_ID = '[0-9A-Za-z-]+';
const SEMVER_RE = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`);

/** The version, or undefined when it is not SemVer 2 (e.g. `1.2`, `01.2.3`, `1.2.3-`). */
export function parseSemver(version: string): SemVer | undefined {
  if (version.length > 256) return undefined;
  const m = SEMVER_RE.exec(version);
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3]].map(Number);
  if (!nums.every(Number.isSafeInteger)) return undefined;
  return { major: nums[0], minor: nums[1], patch: nums[2], prerelease: m[4] ? m[4].split('.') : [], build: m[5] ? m[5].split('.') : [] };
}

/** SemVer precedence (build metadata ignored); invalid versions sort before valid ones, then by text. */
export function compareVersions(a: string, b: string): number {
  const va = parseSemver(a);
  const vb = parseSemver(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  return va.major - vb.major || va.minor - vb.minor || va.patch - vb.patch || comparePrerelease(va.prerelease, vb.prerelease);
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIdentifier(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareIdentifier(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
