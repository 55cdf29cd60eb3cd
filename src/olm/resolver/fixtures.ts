/**
 * Test fixtures: terse builders for catalogs, Subscriptions and installed CSVs. Bundle names follow
 * `<package>.v<version>`, so the version is derived from the name.
 */

import type { Bundle, BundleProperty, Catalog, ChannelEntry } from '../model.ts';
import type { InstalledCSV, SubscriptionInput } from './types.ts';

/** A package in a fixture catalog: channels → entries, and per-CSV extra properties. */
export interface PackageFixture {
  name: string;
  defaultChannel: string;
  channels: Record<string, ChannelEntry[]>;
  properties?: Record<string, BundleProperty[]>;
  deprecated?: string[];
}

/** Version of a fixture CSV name (`etcd.v0.9.2` → `0.9.2`). */
export function versionOf(csv: string): string {
  return csv.slice(csv.lastIndexOf('.v') + 2);
}

export function gvk(group: string, version: string, kind: string): BundleProperty {
  return { type: 'olm.gvk', value: { group, version, kind } };
}

export function gvkRequired(group: string, version: string, kind: string): BundleProperty {
  return { type: 'olm.gvk.required', value: { group, version, kind } };
}

export function packageRequired(packageName: string, versionRange: string): BundleProperty {
  return { type: 'olm.package.required', value: { packageName, versionRange } };
}

/** A catalog with the given packages; every entry gets one bundle. */
export function catalog(source: string, sourceNamespace: string, packages: PackageFixture[]): Catalog {
  const bundles = new Map<string, Bundle>();
  for (const p of packages) {
    for (const entries of Object.values(p.channels)) {
      for (const e of entries) {
        if (bundles.has(e.name)) continue;
        const version = versionOf(e.name);
        bundles.set(e.name, {
          name: e.name,
          package: p.name,
          version,
          image: `registry.example/${p.name}-bundle:${version}`,
          skips: [],
          properties: [{ type: 'olm.package', value: { packageName: p.name, version } }, ...(p.properties?.[e.name] ?? [])],
          relatedImages: [],
          deprecated: p.deprecated?.includes(e.name) || undefined,
        });
      }
    }
  }
  return {
    source,
    sourceNamespace,
    packages: packages.map((p) => ({ name: p.name, defaultChannel: p.defaultChannel })),
    channels: packages.flatMap((p) => Object.entries(p.channels).map(([name, entries]) => ({ name, package: p.name, entries }))),
    bundles: [...bundles.values()],
  };
}

/** A linear replaces chain `pkg.v<versions[0]>` ← … ← `pkg.v<versions[n-1]>` (oldest first). */
export function chain(pkg: string, versions: string[]): ChannelEntry[] {
  return versions.map((v, i) => ({ name: `${pkg}.v${v}`, ...(i > 0 ? { replaces: `${pkg}.v${versions[i - 1]}` } : {}) }));
}

/** A Subscription; `spec` overrides the defaults (channel `stable`, catalog `ops/cpaas-system`). */
export function subscription(name: string, spec: Partial<SubscriptionInput['spec']> = {}, status?: SubscriptionInput['status']): SubscriptionInput {
  return { name, spec: { name, channel: 'stable', source: 'ops', sourceNamespace: 'cpaas-system', ...spec }, status };
}

/** An installed CSV of package `pkg`. */
export function installed(csv: string, pkg: string, extra: BundleProperty[] = []): InstalledCSV {
  const version = versionOf(csv);
  return { name: csv, version, properties: [{ type: 'olm.package', value: { packageName: pkg, version } }, ...extra] };
}
