/**
 * Errors as data for the resolver: a closed set of codes, each with the upstream message text.
 * Messages are kept byte-for-byte where OLM v0 / operator-registry / blang/semver define them, because users
 * grep for them (shared/reference/olm.md §8).
 */

/** Every failure the resolver can report. */
export type ResolverErrorCode =
  /** blang/semver could not parse a version. */
  | 'InvalidVersion'
  /** blang/semver could not parse a range. */
  | 'InvalidRange'
  /** operator-registry `Channel.Head`: zero heads. */
  | 'NoChannelHead'
  /** operator-registry `Channel.Head`: more than one head. */
  | 'MultipleChannelHeads'
  /** operator-registry `validateReplacesChain`: a cycle. */
  | 'ReplacesCycle'
  /** operator-registry `validateReplacesChain`: entries unreachable from the head. */
  | 'StrandedBundles'
  /** OLM resolver `sortChannel`: no entry is left unreplaced. */
  | 'NoChannelHeads'
  /** OLM resolver `sortChannel`: a cycle while following `replaces`. */
  | 'ReplacementCycle'
  /** OLM resolver `sortChannel`: more than one chain. */
  | 'MultipleReplacementChains'
  /** A dependency property could not be turned into a predicate. */
  | 'InvalidDependency'
  /** `getSubscriptionVariables`: a filter matched nothing ("no operators found …"). */
  | 'NoOperatorsFound'
  /** The search found no assignment ("constraints not satisfiable: …"). */
  | 'ConstraintsNotSatisfiable'
  /** The search gave up (budget exhausted). */
  | 'ResolutionBudgetExceeded';

/** One resolver failure. */
export interface ResolverError {
  code: ResolverErrorCode;
  message: string;
}

/** The result of a fallible pure function: a value or one error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ResolverError };

/** Build a successful {@link Result}. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Build a failed {@link Result}. */
export function fail<T>(code: ResolverErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Go's `%q` for plain strings (what upstream messages use around names). */
export function quote(s: string): string {
  return JSON.stringify(s);
}
