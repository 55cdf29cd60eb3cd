/**
 * Channel ordering (shared/reference/olm.md §4.2), two upstream flavours:
 * - {@link sortChannel}: the OLM resolver's `sortChannel` (head first, skipped entries dropped), used for
 *   candidate order;
 * - {@link channelHead}: operator-registry's `Channel.Head` plus `validateReplacesChain`, used by catalogs
 *   and PackageManifest `currentCSV`.
 */

import type { Bundle, Channel, ChannelEntry } from '../model.ts';
import { fail, ok, quote, type Result } from './errors.ts';

/** The upgrade edges of one entry in one channel. */
export interface GraphNode {
  name: string;
  replaces?: string;
  skips?: string[];
}

/**
 * Edges of a channel entry. FBC puts `replaces`/`skips`/`skipRange` on the channel entry; when an entry
 * carries none of them, the bundle's own fields are used (catalogs built from bundles rather than FBC).
 */
export function entryEdges(entry: ChannelEntry, bundle?: Bundle): { replaces?: string; skips: string[]; skipRange?: string } {
  const hasOwn = entry.replaces !== undefined || entry.skips !== undefined || entry.skipRange !== undefined;
  if (hasOwn || bundle === undefined) return { replaces: entry.replaces || undefined, skips: entry.skips ?? [], skipRange: entry.skipRange || undefined };
  return { replaces: bundle.replaces || undefined, skips: bundle.skips ?? [], skipRange: bundle.skipRange || undefined };
}

/**
 * The OLM resolver's `sortChannel` over arbitrary nodes of one channel: `replacedBy` from replaces and skips,
 * heads = nodes never replaced or skipped, follow `replaces` from each head, drop skipped nodes, and require
 * exactly one chain. Returns the nodes head first.
 */
export function sortNodes<T extends GraphNode>(nodes: readonly T[], packageName: string, channelName: string): Result<T[]> {
  if (nodes.length === 0) return ok([]);
  const lookup = new Map<string, T>();
  for (const n of nodes) lookup.set(n.name, n);
  const replacedBy = new Set<T>();
  const replaces = new Map<T, T>();
  const skipped = new Set<string>();
  for (const n of nodes) {
    const r = n.replaces ? lookup.get(n.replaces) : undefined;
    if (r !== undefined) {
      replacedBy.add(r);
      replaces.set(n, r);
    }
    for (const s of n.skips ?? []) {
      const target = lookup.get(s);
      if (target === undefined) continue;
      replacedBy.add(target);
      skipped.add(s);
    }
  }
  const heads = nodes.filter((n) => !replacedBy.has(n));
  if (heads.length === 0) {
    return fail('NoChannelHeads', `no channel heads (entries not replaced by another entry) found in channel ${quote(channelName)} of package ${quote(packageName)}`);
  }
  const chains: T[][] = [];
  for (const head of heads) {
    const chain: T[] = [];
    const visited = new Set<T>();
    let current = head;
    for (;;) {
      visited.add(current);
      if (!skipped.has(current.name)) chain.push(current);
      const next = replaces.get(current);
      if (next === undefined) break;
      if (visited.has(next)) {
        return fail('ReplacementCycle', `a cycle exists in the chain of replacement beginning with ${quote(head.name)} in channel ${quote(channelName)} of package ${quote(packageName)}`);
      }
      current = next;
    }
    chains.push(chain);
  }
  if (chains.length > 1) {
    const names = chains.map((c) => (c.length === 0 ? '[]' : c.length === 1 ? c[0].name : `${c[0].name}...${c[c.length - 1].name}`));
    return fail(
      'MultipleReplacementChains',
      `a unique replacement chain within a channel is required to determine the relative order between channel entries, but ${names.length} replacement chains were found in channel ${quote(channelName)} of package ${quote(packageName)}: ${names.join(', ')}`,
    );
  }
  return ok(chains[0]);
}

function channelNodes(channel: Channel, bundles?: readonly Bundle[]): GraphNode[] {
  const byName = new Map<string, Bundle>();
  for (const b of bundles ?? []) if (b.package === channel.package) byName.set(b.name, b);
  return channel.entries.map((e) => ({ name: e.name, ...entryEdges(e, byName.get(e.name)) }));
}

/**
 * Order a channel's entry names head first, exactly like OLM v0's resolver `sortChannel`.
 * `bundles` (optional) supplies edges for entries that carry none themselves.
 *
 * @example
 * sortChannel({ name: 'stable', package: 'p', entries: [{ name: 'p.v1' }, { name: 'p.v2', replaces: 'p.v1' }] });
 * // { ok: true, value: ['p.v2', 'p.v1'] }
 */
export function sortChannel(channel: Channel, bundles?: readonly Bundle[]): Result<string[]> {
  const sorted = sortNodes(channelNodes(channel, bundles), channel.package, channel.name);
  return sorted.ok ? ok(sorted.value.map((n) => n.name)) : sorted;
}

/** operator-registry `Channel.Head`: the unique entry that is neither replaced nor skipped. */
function findHead(nodes: readonly GraphNode[]): Result<GraphNode> {
  const incoming = new Set<string>();
  for (const n of nodes) {
    if (n.replaces) incoming.add(n.replaces);
    for (const s of n.skips ?? []) incoming.add(s);
  }
  const heads = nodes.filter((n) => !incoming.has(n.name));
  if (heads.length === 0) return fail('NoChannelHead', 'no channel head found in graph');
  if (heads.length > 1) {
    const names = heads.map((h) => h.name).sort();
    return fail('MultipleChannelHeads', `multiple channel heads found in graph: ${names.join(', ')}`);
  }
  return ok(heads[0]);
}

/** operator-registry `validateReplacesChain`, after the head is known. */
function validateChain(nodes: readonly GraphNode[], head: GraphNode): Result<void> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const skipped = new Set(nodes.flatMap((n) => n.skips ?? []));
  const chainFrom = new Map<string, string[]>();
  const fromHead = new Set<string>([head.name]);
  let cur: GraphNode | undefined = head;
  while (cur !== undefined) {
    const replaces = cur.replaces ?? '';
    if (!chainFrom.has(cur.name)) chainFrom.set(cur.name, [cur.name]);
    for (const chain of chainFrom.values()) chain.push(replaces);
    if (fromHead.has(replaces)) {
      return fail('ReplacesCycle', `detected cycle in replaces chain of upgrade graph: ${(chainFrom.get(replaces) ?? []).join(' -> ')}`);
    }
    fromHead.add(replaces);
    cur = byName.get(replaces);
  }
  const stranded = nodes.map((n) => n.name).filter((n) => !fromHead.has(n) && !skipped.has(n)).sort();
  if (stranded.length > 0) return fail('StrandedBundles', `channel contains one or more stranded bundles: ${stranded.join(', ')}`);
  return ok(undefined);
}

/**
 * The channel head as operator-registry computes it (PackageManifest `currentCSV`), validating the graph the way
 * `opm validate` does: zero or several heads, a `replaces` cycle, or stranded entries are errors.
 * Pass `{ validate: false }` for `Channel.Head` alone (no cycle/stranded checks).
 *
 * @example
 * channelHead({ name: 'stable', package: 'p', entries: [{ name: 'a' }, { name: 'b' }] });
 * // { ok: false, error: { code: 'MultipleChannelHeads', message: 'multiple channel heads found in graph: a, b' } }
 */
export function channelHead(channel: Channel, options: { bundles?: readonly Bundle[]; validate?: boolean } = {}): Result<string> {
  const nodes = channelNodes(channel, options.bundles);
  const head = findHead(nodes);
  if (!head.ok) return head;
  if (options.validate !== false) {
    const valid = validateChain(nodes, head.value);
    if (!valid.ok) return valid;
  }
  return ok(head.value.name);
}
