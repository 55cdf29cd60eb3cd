/**
 * blang/semver v4, the library OLM v0 uses for `skipRange` and `olm.package.required.versionRange`
 * (shared/reference/olm.md §4.4). Only what blang supports: comparators `< <= > >= = == != !` (none means `=`),
 * space = AND, `||` = OR, and `x` wildcards (`1.x`, `1.2.x`, `>1.x`). No tilde, no caret, no `*`, no leading `v`.
 *
 * @example
 * inRange('1.0.2', '>=1.0.0 <1.0.3'); // true
 * inRange('2.1.0', '<2.0.0 || >=3.0.0'); // false
 */

import { fail, ok, quote, type Result } from './errors.ts';

/** A parsed semantic version (semver 2.0.0). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers: numbers for numeric identifiers, strings otherwise. */
  pre: (string | number)[];
  /** Build metadata (ignored by comparison). */
  build: string[];
}

export type Operator = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** One comparator of a range, e.g. `>=1.0.0`. */
export interface Comparator {
  op: Operator;
  version: SemVer;
}

/** A parsed range: OR of ANDs of comparators. */
export interface VersionRange {
  source: string;
  anyOf: Comparator[][];
}

const NUMERIC = /^[0-9]+$/;
const ALNUM = /^[0-9A-Za-z-]+$/;

function parseNumber(s: string, what: string): Result<number> {
  if (!NUMERIC.test(s)) return fail('InvalidVersion', `Invalid character(s) found in ${what} number ${quote(s)}`);
  if (s.length > 1 && s.startsWith('0')) return fail('InvalidVersion', `${what[0].toUpperCase()}${what.slice(1)} number must not contain leading zeroes ${quote(s)}`);
  return ok(Number(s));
}

/** Parse a strict semantic version (`1.2.3-rc.1+build`), as blang `semver.Parse`. */
export function parseVersion(s: string): Result<SemVer> {
  if (s.length === 0) return fail('InvalidVersion', 'Version string empty');
  const plus = s.indexOf('+');
  const core = plus >= 0 ? s.slice(0, plus) : s;
  const build = plus >= 0 ? s.slice(plus + 1).split('.') : [];
  const dash = core.indexOf('-');
  const numbers = (dash >= 0 ? core.slice(0, dash) : core).split('.');
  if (numbers.length !== 3) return fail('InvalidVersion', 'No Major.Minor.Patch elements found');
  const parts: number[] = [];
  for (const [i, what] of (['major', 'minor', 'patch'] as const).entries()) {
    const n = parseNumber(numbers[i], what);
    if (!n.ok) return n;
    parts.push(n.value);
  }
  const pre: (string | number)[] = [];
  if (dash >= 0) {
    for (const id of core.slice(dash + 1).split('.')) {
      if (id === '') return fail('InvalidVersion', 'Prerelease is empty');
      if (NUMERIC.test(id)) {
        if (id.length > 1 && id.startsWith('0')) return fail('InvalidVersion', `Numeric PreRelease version must not contain leading zeroes ${quote(id)}`);
        pre.push(Number(id));
      } else if (ALNUM.test(id)) {
        pre.push(id);
      } else {
        return fail('InvalidVersion', `Invalid character(s) found in prerelease ${quote(id)}`);
      }
    }
  }
  for (const id of build) {
    if (id === '') return fail('InvalidVersion', 'Build meta data is empty');
    if (!ALNUM.test(id)) return fail('InvalidVersion', `Invalid character(s) found in build meta data ${quote(id)}`);
  }
  return ok({ major: parts[0], minor: parts[1], patch: parts[2], pre, build });
}

function comparePre(a: (string | number)[], b: (string | number)[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Semver 2.0.0 precedence: -1, 0 or 1 (build metadata ignored). */
export function compareVersions(a: SemVer, b: SemVer): -1 | 0 | 1 {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  const p = comparePre(a.pre, b.pre);
  return p === 0 ? 0 : p < 0 ? -1 : 1;
}

/** blang `splitAndTrim`: split on spaces, except after `>`, `<`, `=` (so `>= 1.0.0` is one part). */
function splitAndTrim(s: string): string[] {
  const result: string[] = [];
  let last = 0;
  let lastChar = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ' ' && !'<>='.includes(lastChar === '' ? '#' : lastChar)) {
      // blang's `last < i-1` drops one-character parts; kept for fidelity.
      if (last < i - 1) result.push(s.slice(last, i));
      last = i + 1;
    } else if (s[i] !== ' ') {
      lastChar = s[i];
    }
  }
  if (last < s.length - 1) result.push(s.slice(last));
  return result.map((p) => p.replaceAll(' ', ''));
}

function splitComparatorVersion(s: string): Result<[string, string]> {
  const i = s.search(/[0-9]/);
  if (i === -1) return fail('InvalidRange', `Could not get version from string: ${quote(s)}`);
  return ok([s.slice(0, i).trim(), s.slice(i)]);
}

function increment(v: string, index: 0 | 1): string {
  const parts = v.split('.');
  parts[index] = String(Number.parseInt(parts[index], 10) + 1);
  return parts.join('.');
}

/** blang `expandWildcardVersion` for one AND-part; returns the replacement parts. */
function expandWildcard(part: string): Result<string[]> {
  if (!part.includes('x')) return ok([part]);
  const split = splitComparatorVersion(part);
  if (!split.ok) return split;
  const [op, v] = split.value;
  const dots = v.split('.');
  const wildcard = dots[dots.length - 1] === 'x' ? dots.length : 0; // 2 = minor (1.x), 3 = patch (1.2.x)
  let flat = v.replace('.x.x', '.x').replace('.x', '.0');
  if (flat.split('.').length === 2) flat += '.0';
  const out: string[] = [];
  let resultOp = '';
  let bump = false;
  switch (op) {
    case '>': resultOp = '>='; bump = true; break;
    case '>=': resultOp = '>='; break;
    case '<': resultOp = '<'; break;
    case '<=': resultOp = '<'; bump = true; break;
    case '': case '=': case '==': out.push(`>=${flat}`); resultOp = '<'; bump = true; break;
    // blang appends both halves to the same AND-part, so `!=1.x` matches nothing; kept for fidelity.
    case '!=': case '!': out.push(`<${flat}`); resultOp = '>='; bump = true; break;
  }
  let resultVersion = flat;
  if (bump) resultVersion = wildcard === 3 ? increment(flat, 1) : wildcard === 2 ? increment(flat, 0) : '';
  out.push(resultOp + resultVersion);
  return ok(out);
}

const OPERATORS: Record<string, Operator> = { '': '=', '=': '=', '==': '=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '!': '!=', '!=': '!=' };

function parseComparator(part: string): Result<Comparator> {
  const split = splitComparatorVersion(part);
  if (!split.ok) return split;
  const [opStr, vStr] = split.value;
  const op = OPERATORS[opStr];
  if (op === undefined) return fail('InvalidRange', `Could not parse Range ${quote(part)}: Could not parse comparator ${quote(opStr)} in ${quote(part)}`);
  const v = parseVersion(vStr);
  if (!v.ok) return fail('InvalidRange', `Could not parse Range ${quote(part)}: Could not parse version ${quote(vStr)} in ${quote(part)}: ${v.error.message}`);
  return ok({ op, version: v.value });
}

/** Parse a blang/semver range (`>=1.0.0 <2.0.0 || 3.x`). Error texts follow blang `ParseRange`. */
export function parseRange(s: string): Result<VersionRange> {
  const parts = splitAndTrim(s);
  const orParts: string[][] = [];
  let last = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== '||') continue;
    if (i === 0) return fail('InvalidRange', "First element in range is '||'");
    orParts.push(parts.slice(last, i));
    last = i + 1;
  }
  if (last === parts.length) return fail('InvalidRange', "Last element in range is '||'");
  orParts.push(parts.slice(last));
  const anyOf: Comparator[][] = [];
  for (const and of orParts) {
    const comparators: Comparator[] = [];
    for (const raw of and) {
      const expanded = expandWildcard(raw);
      if (!expanded.ok) return expanded;
      for (const part of expanded.value) {
        const c = parseComparator(part);
        if (!c.ok) return c;
        comparators.push(c.value);
      }
    }
    anyOf.push(comparators);
  }
  return ok({ source: s, anyOf });
}

function test(c: Comparator, v: SemVer): boolean {
  const r = compareVersions(v, c.version);
  switch (c.op) {
    case '<': return r < 0;
    case '<=': return r <= 0;
    case '>': return r > 0;
    case '>=': return r >= 0;
    case '=': return r === 0;
    case '!=': return r !== 0;
  }
}

/** Whether a parsed version satisfies a parsed range. */
export function rangeIncludes(range: VersionRange, v: SemVer): boolean {
  return range.anyOf.some((and) => and.every((c) => test(c, v)));
}

/**
 * Whether `version` satisfies `range` (both strings). An unparsable version or range matches nothing, which is
 * how OLM treats a bad `skipRange`: the entry simply offers no skip edge.
 */
export function inRange(version: string, range: string): boolean {
  const v = parseVersion(version);
  const r = parseRange(range);
  return v.ok && r.ok && rangeIncludes(r.value, v.value);
}
