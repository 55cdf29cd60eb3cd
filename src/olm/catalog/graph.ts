import type { Channel } from '../model.ts';

/**
 * Compares two semantic versions (a leading `v` is tolerated; build metadata is ignored; pre-releases order
 * before their release, per semver §11). Strings that are not semver sort before every valid version,
 * among themselves lexicographically.
 * @example ['1.10.0', '1.2.0', '1.2.0-rc.1'].sort(compareSemver) // ['1.2.0-rc.1', '1.2.0', '1.10.0']
 */
export function compareSemver(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i] < pb.core[i] ? -1 : 1;
  if (!pa.pre.length || !pb.pre.length) return pa.pre.length === pb.pre.length ? 0 : pa.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function parseSemver(v: string): { core: bigint[]; pre: string[] } | undefined {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return { core: [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/**
 * The channel head: the unique entry that no other entry of the channel replaces or skips
 * (operator-registry `Channel.Head`, olm.md §4.2). A local helper for PackageManifests; resolution uses
 * the resolver's own ordering.
 * @throws Error "no channel head found in graph" / "multiple channel heads found in graph: a, b"
 */
export function channelHead(channel: Channel): string {
  const replaced = new Set<string>();
  for (const e of channel.entries) {
    if (e.replaces) replaced.add(e.replaces);
    for (const s of e.skips ?? []) replaced.add(s);
  }
  const heads = channel.entries.map((e) => e.name).filter((name) => !replaced.has(name));
  if (heads.length === 0) throw new Error(`package "${channel.package}", channel "${channel.name}": no channel head found in graph`);
  if (heads.length > 1) throw new Error(`package "${channel.package}", channel "${channel.name}": multiple channel heads found in graph: ${[...heads].sort().join(', ')}`);
  return heads[0];
}
