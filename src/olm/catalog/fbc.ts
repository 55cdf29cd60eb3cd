import type { Bundle, BundleProperty, Catalog, Channel, ChannelEntry, Package } from '../model.ts';
import { isDocumentFile, parseDocuments } from './documents.ts';
import { CatalogError, type CatalogProblem } from './errors.ts';
import { ignoredBy } from './indexignore.ts';

/** An `olm.deprecations` blob (informational: Subscription conditions and PackageManifest fields). */
export interface Deprecation {
  package: string;
  entries: { reference: { schema: 'olm.package' | 'olm.channel' | 'olm.bundle'; name?: string }; message: string }[];
}

/** What a file-based catalog holds, in the shared model, plus its deprecations. */
export type FileBasedCatalog = Pick<Catalog, 'packages' | 'channels' | 'bundles'> & { deprecations: Deprecation[] };

interface Blob {
  file: string;
  label: string;
  value: Record<string, unknown>;
}

/**
 * Parses and validates a file-based catalog (olm.md §5.1): `olm.package`, `olm.channel`, `olm.bundle` and
 * `olm.deprecations` blobs in JSON streams or YAML documents; other schemas are ignored, `.indexignore` honoured.
 * Every problem is reported at once in a {@link CatalogError}, each naming its file and blob.
 * @example
 * const { packages, channels, bundles } = parseFileBasedCatalog([{ path: 'etcd/catalog.yaml', content }]);
 */
export function parseFileBasedCatalog(files: { path: string; content: string }[]): FileBasedCatalog {
  const problems: CatalogProblem[] = [];
  const blobs = readBlobs(files, problems);
  const seen = new Map<string, Blob>();
  for (const b of blobs) {
    const key = `${b.value.schema}|${b.value.package ?? ''}|${b.value.name ?? ''}`;
    const first = seen.get(key);
    if (first) problems.push({ file: b.file, blob: b.label, message: `duplicates the blob in ${first.file} ((schema, package, name) must be unique)` });
    else seen.set(key, b);
  }
  const bySchema = (s: string) => [...seen.values()].filter((b) => b.value.schema === s);
  const packages = bySchema('olm.package').flatMap((b) => toPackage(b, problems));
  const channels = bySchema('olm.channel').flatMap((b) => toChannel(b, problems));
  const bundles = bySchema('olm.bundle').flatMap((b) => toBundle(b, problems));
  const deprecations = bySchema('olm.deprecations').flatMap((b) => toDeprecation(b, problems));
  crossCheck({ packages, channels, bundles, deprecations }, seen, problems);
  if (problems.length) throw new CatalogError('invalid file-based catalog', problems);
  for (const b of bundles) {
    const entry = channels.filter((c) => c.package === b.package).flatMap((c) => c.entries).find((e) => e.name === b.name);
    b.replaces = entry?.replaces;
    b.skips = entry?.skips ?? [];
    b.skipRange = entry?.skipRange;
  }
  return { packages, channels, bundles, deprecations };
}

function readBlobs(files: { path: string; content: string }[], problems: CatalogProblem[]): Blob[] {
  const blobs: Blob[] = [];
  const ignores = files.filter((f) => f.path === '.indexignore' || f.path.endsWith('/.indexignore'));
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!isDocumentFile(f.path) || ignoredBy(ignores, f.path)) continue;
    let docs;
    try {
      docs = parseDocuments(f.content, f.path);
    } catch (err) {
      problems.push(...((err as CatalogError).problems ?? [{ file: f.path, message: String(err) }]));
      continue;
    }
    for (const d of docs) {
      const v = d.value as Record<string, unknown>;
      const at = `blob ${d.index} (line ${d.line})`;
      if (!v || typeof v !== 'object' || Array.isArray(v)) problems.push({ file: f.path, blob: at, message: 'is not an object' });
      else if (typeof v.schema !== 'string' || !v.schema) problems.push({ file: f.path, blob: at, message: 'has no schema' });
      else blobs.push({ file: f.path, label: typeof v.name === 'string' ? `${v.schema} "${v.name}"` : `${v.schema} ${at}`, value: v });
    }
  }
  return blobs;
}

function required(b: Blob, problems: CatalogProblem[], ...keys: string[]): boolean {
  const missing = keys.filter((k) => typeof b.value[k] !== 'string' || !b.value[k]);
  for (const k of missing) problems.push({ file: b.file, blob: b.label, message: `${k} is required` });
  return !missing.length;
}

function toPackage(b: Blob, problems: CatalogProblem[]): Package[] {
  if (!required(b, problems, 'name', 'defaultChannel')) return [];
  const v = b.value as { name: string; defaultChannel: string; description?: string; icon?: { base64data?: string; mediatype?: string } };
  const pkg: Package = { name: v.name, defaultChannel: v.defaultChannel };
  if (v.description) pkg.description = v.description;
  if (v.icon?.base64data) pkg.icon = { base64data: v.icon.base64data, mediatype: v.icon.mediatype ?? '' };
  const sourceType = propertiesOf(b, problems).find((p) => p.type === 'cpaas.io/source-type')?.value;
  if (typeof sourceType === 'string') pkg.sourceType = sourceType;
  return [pkg];
}

function toChannel(b: Blob, problems: CatalogProblem[]): Channel[] {
  if (!required(b, problems, 'package', 'name')) return [];
  const v = b.value as { package: string; name: string; entries?: unknown };
  if (!Array.isArray(v.entries)) {
    problems.push({ file: b.file, blob: b.label, message: 'entries must be a list' });
    return [];
  }
  const entries: ChannelEntry[] = [];
  v.entries.forEach((e: { name?: unknown; replaces?: unknown; skips?: unknown; skipRange?: unknown }, i) => {
    if (typeof e?.name !== 'string' || !e.name) return void problems.push({ file: b.file, blob: b.label, message: `entries[${i}].name is required` });
    if (e.skips !== undefined && (!Array.isArray(e.skips) || e.skips.some((s) => typeof s !== 'string'))) problems.push({ file: b.file, blob: b.label, message: `entries[${i}].skips must be a list of bundle names` });
    if (entries.some((x) => x.name === e.name)) problems.push({ file: b.file, blob: b.label, message: `bundle "${e.name}" appears twice in the channel` });
    const entry: ChannelEntry = { name: e.name };
    if (typeof e.replaces === 'string' && e.replaces) entry.replaces = e.replaces;
    if (Array.isArray(e.skips) && e.skips.length) entry.skips = e.skips.map(String);
    if (typeof e.skipRange === 'string' && e.skipRange) entry.skipRange = e.skipRange;
    entries.push(entry);
  });
  return [{ name: v.name, package: v.package, entries }];
}

function toBundle(b: Blob, problems: CatalogProblem[]): Bundle[] {
  if (!required(b, problems, 'package', 'name', 'image')) return [];
  const v = b.value as { package: string; name: string; image: string; relatedImages?: { image?: string }[] };
  const properties = propertiesOf(b, problems);
  const pkgProps = properties.filter((p) => p.type === 'olm.package');
  const pkgValue = pkgProps[0]?.value as { packageName?: string; version?: string } | undefined;
  if (pkgProps.length !== 1) problems.push({ file: b.file, blob: b.label, message: `must have exactly one olm.package property, found ${pkgProps.length}` });
  else if (pkgValue?.packageName !== v.package) problems.push({ file: b.file, blob: b.label, message: `olm.package property names package "${pkgValue?.packageName}", but the bundle belongs to "${v.package}"` });
  else if (typeof pkgValue.version !== 'string' || !pkgValue.version) problems.push({ file: b.file, blob: b.label, message: 'olm.package property has no version' });
  const images = Array.isArray(v.relatedImages) ? v.relatedImages.map((r) => r?.image).filter((i): i is string => typeof i === 'string' && i !== v.image) : [];
  const bundle: Bundle = { name: v.name, package: v.package, version: String(pkgValue?.version ?? '').replace(/^v/, ''), image: v.image, skips: [], properties, relatedImages: [...new Set(images)] };
  const csv = bundleObjectCsv(properties);
  if (csv) bundle.csv = csv;
  if (properties.some((p) => p.type === 'olm.deprecated')) bundle.deprecated = true;
  return [bundle];
}

function toDeprecation(b: Blob, problems: CatalogProblem[]): Deprecation[] {
  if (!required(b, problems, 'package')) return [];
  const v = b.value as { package: string; entries?: Deprecation['entries'] };
  if (!Array.isArray(v.entries)) {
    problems.push({ file: b.file, blob: b.label, message: 'entries must be a list' });
    return [];
  }
  v.entries.forEach((e, i) => {
    const schema = e?.reference?.schema;
    if (schema !== 'olm.package' && schema !== 'olm.channel' && schema !== 'olm.bundle') problems.push({ file: b.file, blob: b.label, message: `entries[${i}].reference.schema must be olm.package, olm.channel or olm.bundle` });
    else if (schema === 'olm.package' && e.reference.name) problems.push({ file: b.file, blob: b.label, message: `entries[${i}]: an olm.package reference must not have a name` });
    else if (schema !== 'olm.package' && !e.reference.name) problems.push({ file: b.file, blob: b.label, message: `entries[${i}]: an ${schema} reference needs a name` });
  });
  return [{ package: v.package, entries: v.entries }];
}

function propertiesOf(b: Blob, problems: CatalogProblem[]): BundleProperty[] {
  const list = b.value.properties;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((p) => typeof p?.type !== 'string')) {
    problems.push({ file: b.file, blob: b.label, message: 'properties must be a list of {type, value}' });
    return [];
  }
  return list.map((p: BundleProperty) => ({ type: p.type, value: p.value }));
}

/** The CSV inside a deprecated `olm.bundle.object` property (base64 JSON in `value.data`), if any. */
function bundleObjectCsv(properties: BundleProperty[]): Record<string, unknown> | undefined {
  for (const p of properties.filter((x) => x.type === 'olm.bundle.object')) {
    try {
      const obj = JSON.parse(Buffer.from(String((p.value as { data?: string })?.data ?? ''), 'base64').toString('utf8')) as Record<string, unknown>;
      if (obj.kind === 'ClusterServiceVersion') return obj;
    } catch {
      // Not a CSV: other manifests are carried the same way.
    }
  }
  return undefined;
}

function crossCheck(c: FileBasedCatalog, blobs: Map<string, Blob>, problems: CatalogProblem[]): void {
  const blobOf = (schema: string, pkg: string, name: string) => blobs.get(`${schema}|${pkg}|${name}`);
  const where = (b: Blob | undefined) => ({ file: b?.file, blob: b?.label });
  // Every olm.package blob counts, valid or not: an invalid one is already reported on its own.
  const pkgNames = new Set([...blobs.values()].filter((b) => b.value.schema === 'olm.package').map((b) => String(b.value.name)));
  const unknownPkg = (schema: string, pkg: string, name: string) => {
    if (!pkgNames.has(pkg)) problems.push({ ...where(blobOf(schema, pkg, name)), message: `package "${pkg}" has no olm.package blob` });
  };
  for (const p of c.packages) {
    if (!c.channels.some((ch) => ch.package === p.name && ch.name === p.defaultChannel)) problems.push({ ...where(blobOf('olm.package', '', p.name)), message: `default channel "${p.defaultChannel}" does not exist in package "${p.name}"` });
  }
  const bundleNames = new Set(c.bundles.map((b) => `${b.package}|${b.name}`));
  for (const ch of c.channels) {
    unknownPkg('olm.channel', ch.package, ch.name);
    for (const e of ch.entries) if (!bundleNames.has(`${ch.package}|${e.name}`)) problems.push({ ...where(blobOf('olm.channel', ch.package, ch.name)), message: `entry "${e.name}" has no olm.bundle blob in package "${ch.package}"` });
  }
  for (const b of c.bundles) {
    unknownPkg('olm.bundle', b.package, b.name);
    if (!c.channels.some((ch) => ch.package === b.package && ch.entries.some((e) => e.name === b.name))) problems.push({ ...where(blobOf('olm.bundle', b.package, b.name)), message: `package "${b.package}", bundle "${b.name}" not found in any channel entries` });
  }
  const perPackage = Map.groupBy(c.deprecations, (d) => d.package);
  for (const [pkg, list] of perPackage) {
    unknownPkg('olm.deprecations', pkg, '');
    if (list.length > 1) problems.push({ ...where(blobOf('olm.deprecations', pkg, '')), message: `package "${pkg}" has ${list.length} olm.deprecations blobs; at most one is allowed` });
  }
}
