/**
 * Candidate selection for one Subscription (upstream `getSubscriptionVariables`, shared/reference/olm.md §4.3).
 */

import type { Catalog } from '../model.ts';
import { sortNodes } from './channel.ts';
import { fail, ok, type Result } from './errors.ts';
import { catalogEntries, existingEntries } from './entries.ts';
import { inRange } from './semver.ts';
import type { Candidate, Entry, InstalledCSV, SubscriptionInput } from './types.ts';

/** Candidates plus the installed CSV the Subscription currently has (kept as the last option by the solver). */
export interface SubscriptionOptions {
  candidates: Candidate[];
  current?: Entry;
}

/**
 * Upstream `sortChannel` applied per channel after the stable "default channel first, then channel name" sort.
 * `entries` may mix channels of one package.
 */
export function sortByChannel(entries: readonly Entry[]): Result<Entry[]> {
  const sorted = [...entries].sort((a, b) => {
    if (a.defaultChannel !== b.defaultChannel) return a.defaultChannel ? -1 : 1;
    return a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0;
  });
  const out: Entry[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i].channel === sorted[start].channel) continue;
    const group = sorted.slice(start, i);
    const chain = sortNodes(group, group[0].package, group[0].channel);
    if (!chain.ok) return chain;
    out.push(...chain.value);
    start = i;
  }
  return ok(out);
}

/** Whether `e` is an upgrade edge from `current`: replaces it, skips it, or its skipRange includes its version. */
export function replacesCurrent(e: Entry, current: Entry): boolean {
  if (e.replaces === current.name || e.skips.includes(current.name)) return true;
  return e.skipRange !== undefined && inRange(current.version, e.skipRange);
}

/**
 * Candidates of a Subscription from the entries of its catalog (`undefined` = catalog not visible/absent),
 * given the installed CSV matching `status.installedCSV`, if any.
 */
export function findSubscriptionOptions(sub: SubscriptionInput, catalog: readonly Entry[] | undefined, current: Entry | undefined): Result<SubscriptionOptions> {
  const spec = sub.spec;
  const channel = spec.channel ?? '';
  const startingCSV = spec.startingCSV ?? '';
  const all = catalog ?? [];
  const inPkg = all.filter((e) => e.package === spec.name);
  const inCh = inPkg.filter((e) => channel === '' || e.channel === channel);
  // startingCSV only applies while nothing is installed (olm.md §4.3).
  const matching = current === undefined && startingCSV !== '' ? inCh.filter((e) => e.name === startingCSV) : inCh;
  const found = (m: string): Result<SubscriptionOptions> => fail('NoOperatorsFound', m);
  if (all.length === 0) return found(`no operators found from catalog ${spec.source} in namespace ${spec.sourceNamespace} referenced by subscription ${sub.name}`);
  if (inPkg.length === 0) return found(`no operators found in package ${spec.name} in the catalog referenced by subscription ${sub.name}`);
  if (inCh.length === 0) return found(`no operators found in channel ${channel} of package ${spec.name} in the catalog referenced by subscription ${sub.name}`);
  if (matching.length === 0) {
    return found(`no operators found with name ${startingCSV} in channel ${channel} of package ${spec.name} in the catalog referenced by subscription ${sub.name}`);
  }
  const sorted = sortByChannel(matching);
  if (!sorted.ok) return sorted;
  const upgrades = current === undefined ? sorted.value : sorted.value.filter((e) => replacesCurrent(e, current));
  return ok({
    candidates: upgrades.map((entry) => ({ entry, replaces: current ? current.name : entry.replaces })),
    current,
  });
}

/**
 * Ordered candidates for a Subscription, closest to the channel head first (default channel first when
 * `spec.channel` is empty), or the exact upstream "no operators found …" message.
 * With an installed CSV (`status.installedCSV` found among `installed`) only entries that replace, skip or
 * skip-range it are candidates, and each gets `replaces` = the installed CSV; an empty list means "stay".
 *
 * @example
 * const r = subscriptionCandidates(sub, catalogs, []);
 * if (r.ok) console.log(r.value.map((c) => c.entry.name)); // ['etcd.v0.9.4', 'etcd.v0.9.2']
 */
export function subscriptionCandidates(sub: SubscriptionInput, catalogs: readonly Catalog[], installed: readonly InstalledCSV[]): Result<Candidate[]> {
  const catalog = catalogs.find((c) => c.source === sub.spec.source && c.sourceNamespace === sub.spec.sourceNamespace);
  const installedCSV = sub.status?.installedCSV;
  const current = installedCSV ? existingEntries('', installed).find((e) => e.name === installedCSV) : undefined;
  const options = findSubscriptionOptions(sub, catalog ? catalogEntries(catalog) : undefined, current);
  return options.ok ? ok(options.value.candidates) : options;
}
