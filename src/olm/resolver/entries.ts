/**
 * Flattening catalogs into resolver entries and the predicates over them (upstream `cache.Entry`,
 * `cache/predicates.go`). Predicate texts are the upstream `String()` forms: they end up in
 * "bundle X requires an operator …" messages.
 */

import type { BundleProperty, Catalog } from '../model.ts';
import { entryEdges } from './channel.ts';
import { fail, ok, type Result } from './errors.ts';
import { parseRange, parseVersion, rangeIncludes } from './semver.ts';
import type { CatalogKey, Entry, InstalledCSV } from './types.ts';

/** Name of the virtual catalog holding installed CSVs. */
export const EXISTING = '@existing';

/** Solver identifier of an entry (`<source>/<namespace>/<channel>/<csv>`). */
export function entryId(catalog: CatalogKey, channel: string, name: string): string {
  return `${catalog.source}/${catalog.sourceNamespace}/${channel}/${name}`;
}

/** A property value, accepting both decoded objects and JSON strings. */
export function propertyValue(p: BundleProperty): Record<string, unknown> | undefined {
  let v = p.value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function packageProperty(props: readonly BundleProperty[]): { packageName: string; version: string } | undefined {
  for (const p of props) {
    if (p.type !== 'olm.package') continue;
    const v = propertyValue(p);
    if (v) return { packageName: str(v.packageName), version: str(v.version) };
  }
  return undefined;
}

/** Every bundle of every channel of one catalog, in catalog order. Entries without a bundle are ignored. */
export function catalogEntries(catalog: Catalog): Entry[] {
  const key: CatalogKey = { source: catalog.source, sourceNamespace: catalog.sourceNamespace };
  const defaults = new Map(catalog.packages.map((p) => [p.name, p.defaultChannel]));
  const bundles = new Map(catalog.bundles.map((b) => [`${b.package}/${b.name}`, b]));
  const out: Entry[] = [];
  for (const ch of catalog.channels) {
    for (const e of ch.entries) {
      const bundle = bundles.get(`${ch.package}/${e.name}`);
      if (bundle === undefined) continue;
      const edges = entryEdges(e, bundle);
      out.push({
        id: entryId(key, ch.name, e.name),
        name: e.name,
        package: ch.package,
        channel: ch.name,
        defaultChannel: defaults.get(ch.package) === ch.name,
        catalog: key,
        version: bundle.version || packageProperty(bundle.properties)?.version || '',
        ...edges,
        properties: bundle.properties,
        bundle,
        existing: false,
        deprecated: bundle.deprecated === true || bundle.properties.some((p) => p.type === 'olm.deprecated'),
      });
    }
  }
  return out;
}

/** Installed CSVs as entries of the virtual `@existing/<namespace>` catalog (channel `''`). */
export function existingEntries(namespace: string, csvs: readonly InstalledCSV[]): Entry[] {
  const key: CatalogKey = { source: EXISTING, sourceNamespace: namespace };
  return csvs.map((csv) => ({
    id: entryId(key, '', csv.name),
    name: csv.name,
    package: packageProperty(csv.properties)?.packageName ?? '',
    channel: '',
    defaultChannel: false,
    catalog: key,
    version: csv.version,
    replaces: csv.replaces,
    skips: [],
    properties: csv.properties,
    existing: true,
    deprecated: false,
  }));
}

/** A filter over entries with its upstream description. */
export interface Predicate {
  test(e: Entry): boolean;
  text: string;
}

function gvkKey(v: Record<string, unknown>): string {
  return `${str(v.group)}/${str(v.version)}/${str(v.kind)}`;
}

/** `olm.gvk` values an entry provides, as `group/version/kind` keys. */
export function providedGVKs(e: Entry): string[] {
  return e.properties.filter((p) => p.type === 'olm.gvk').flatMap((p) => {
    const v = propertyValue(p);
    return v ? [gvkKey(v)] : [];
  });
}

/** Upstream `ProvidingAPIPredicate`. */
export function providingAPI(group: string, version: string, kind: string): Predicate {
  const key = `${group}/${version}/${kind}`;
  return { test: (e) => providedGVKs(e).includes(key), text: `providing an API with group: ${group}, version: ${version}, kind: ${kind}` };
}

/** Upstream `PkgPredicate`: the olm.package property, else the entry's package. */
export function inPackage(name: string): Predicate {
  return { test: (e) => packageProperty(e.properties)?.packageName === name || e.package === name, text: `with package: ${name}` };
}

/** Upstream `newPackageRequiredPredicate` (package AND version in range); errors on a bad range like blang. */
export function packageRequired(name: string, versionRange: string): Result<Predicate> {
  const range = parseRange(versionRange);
  if (!range.ok) return range;
  const pkg = inPackage(name);
  const inRangeTest = (e: Entry): boolean => {
    for (const v of [packageProperty(e.properties)?.version, e.version]) {
      const parsed = v ? parseVersion(v) : undefined;
      if (parsed?.ok && rangeIncludes(range.value, parsed.value)) return true;
    }
    return false;
  };
  return ok({ test: (e) => pkg.test(e) && inRangeTest(e), text: `${pkg.text} and with version in range: ${versionRange}` });
}

function labelRequired(label: string): Predicate {
  return {
    test: (e) => e.properties.some((p) => p.type === 'olm.label' && propertyValue(p)?.label === label),
    text: `with label: ${label}`,
  };
}

function combine(kind: 'and' | 'or' | 'and not', preds: Predicate[]): Predicate {
  const test =
    kind === 'and' ? (e: Entry) => preds.every((p) => p.test(e))
    : kind === 'or' ? (e: Entry) => preds.some((p) => p.test(e))
    : (e: Entry) => !preds.some((p) => p.test(e));
  return { test, text: preds.map((p) => p.text).join(` ${kind} `) };
}

/** One `olm.constraint` value (operator-framework/api `constraints.Constraint`). CEL is not supported. */
function constraintPredicate(v: Record<string, unknown>): Result<Predicate> {
  const sub = (key: string): Result<Predicate[]> => {
    const list = (v[key] as { constraints?: unknown[] } | undefined)?.constraints ?? [];
    const out: Predicate[] = [];
    for (const c of list) {
      const p = constraintPredicate((c ?? {}) as Record<string, unknown>);
      if (!p.ok) return p;
      out.push(p.value);
    }
    return ok(out);
  };
  const gvk = v.gvk as Record<string, unknown> | undefined;
  if (gvk) return ok(providingAPI(str(gvk.group), str(gvk.version), str(gvk.kind)));
  const pkg = v.package as Record<string, unknown> | undefined;
  if (pkg) return packageRequired(str(pkg.packageName), str(pkg.versionRange));
  for (const [key, kind] of [['all', 'and'], ['any', 'or'], ['not', 'and not']] as const) {
    if (v[key] === undefined) continue;
    const preds = sub(key);
    return preds.ok ? ok(combine(kind, preds.value)) : preds;
  }
  if (v.cel !== undefined) return fail('InvalidDependency', 'convert olm.constraint to resolver predicate: cel constraints are not supported');
  return fail('InvalidDependency', 'convert olm.constraint to resolver predicate: constraint is empty');
}

/** The dependency predicates of an entry's properties; unknown property types are ignored (upstream). */
export function dependencyPredicates(props: readonly BundleProperty[]): Result<Predicate[]> {
  const out: Predicate[] = [];
  for (const p of props) {
    const v = propertyValue(p);
    let pred: Result<Predicate> | undefined;
    if (p.type === 'olm.gvk.required' && v) pred = ok(providingAPI(str(v.group), str(v.version), str(v.kind)));
    else if (p.type === 'olm.package.required' && v) pred = packageRequired(str(v.packageName), str(v.versionRange));
    else if (p.type === 'olm.label.required' && v) pred = ok(labelRequired(str(v.label)));
    else if (p.type === 'olm.constraint') pred = v ? constraintPredicate(v) : fail('InvalidDependency', 'parse olm.constraint: invalid value');
    if (pred === undefined) continue;
    if (!pred.ok) return pred;
    out.push(pred.value);
  }
  return ok(out);
}
