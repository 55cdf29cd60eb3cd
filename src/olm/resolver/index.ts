/**
 * OLM v0 resolver as pure functions over `Catalog[]` (shared/reference/olm.md §4). See README.md.
 */

export { channelHead, entryEdges, sortChannel, sortNodes, type GraphNode } from './channel.ts';
export { findSubscriptionOptions, replacesCurrent, sortByChannel, subscriptionCandidates, type SubscriptionOptions } from './candidates.ts';
export { catalogEntries, dependencyPredicates, EXISTING, existingEntries, type Predicate } from './entries.ts';
export type { ResolverError, ResolverErrorCode, Result } from './errors.ts';
export { isManual, resolveNamespace } from './resolve.ts';
export { compareVersions, inRange, parseRange, parseVersion, rangeIncludes, type Comparator, type SemVer, type VersionRange } from './semver.ts';
export type {
  BlockedExplanation,
  Candidate,
  CatalogKey,
  Entry,
  GeneratedSubscription,
  InstalledCSV,
  ResolutionFailure,
  ResolvedStep,
  ResolveInput,
  ResolveResult,
  SubscriptionInput,
  SubscriptionResolution,
} from './types.ts';
