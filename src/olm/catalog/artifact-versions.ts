import type { KubeObject } from '../../kube/index.ts';
import type { Bundle, BundleProperty, Catalog, Channel, ChannelEntry, Package } from '../model.ts';
import { compareSemver } from './graph.ts';
import { csvMetadata } from './csv.ts';

/** What is known about a bundle beyond its ArtifactVersion: the unpacked CSV and metadata/ properties. */
export interface BundleContent {
  csv?: Record<string, unknown>;
  /** From `metadata/dependencies.yaml` / `properties.yaml` (see {@link UnpackedBundle.properties}). */
  properties?: BundleProperty[];
}

interface CsvShape {
  metadata?: { name?: string };
  spec?: {
    version?: string;
    customresourcedefinitions?: { owned?: CrdDescription[]; required?: CrdDescription[] };
    apiservicedefinitions?: { owned?: ApiServiceDescription[]; required?: ApiServiceDescription[] };
  };
}
interface CrdDescription {
  name: string;
  version: string;
  kind: string;
}
interface ApiServiceDescription {
  group: string;
  version: string;
  kind: string;
}

/**
 * Why an ArtifactVersion is not part of the CatalogSource `source`, or undefined when it is: it must be
 * labelled `cpaas.io/library=<source>`, have `spec.present: true`, and name its package (`cpaas.io/artifact`).
 */
export function artifactVersionExclusion(av: KubeObject, source: string): string | undefined {
  const labels = av.metadata.labels ?? {};
  if (labels['cpaas.io/library'] !== source) return `cpaas.io/library is "${labels['cpaas.io/library'] ?? ''}", not "${source}"`;
  if ((av.spec as { present?: boolean } | undefined)?.present !== true) return 'spec.present is not true';
  if (!labels['cpaas.io/artifact']) return 'has no cpaas.io/artifact label';
  if (labels['cpaas.io/type'] && labels['cpaas.io/type'] !== 'bundle') return `cpaas.io/type is "${labels['cpaas.io/type']}", not "bundle"`;
  return undefined;
}

/**
 * The catalog Bundle an ArtifactVersion (written by `violet push`, src/violet/push/register.ts) stands for.
 * Properties: `olm.package`, `olm.gvk`/`olm.gvk.required` from the CSV's owned/required CRDs and APIServices,
 * `extraProperties` (metadata/dependencies.yaml → `olm.package.required`, …) and `olm.csv.metadata`.
 * @example const bundle = bundleFromArtifactVersion(av, unpacked.csv, unpacked.properties);
 */
export function bundleFromArtifactVersion(av: KubeObject, csv?: object, extraProperties: BundleProperty[] = []): Bundle {
  const labels = av.metadata.labels ?? {};
  const ann = av.metadata.annotations ?? {};
  const c = csv as CsvShape | undefined;
  const packageName = labels['cpaas.io/artifact'];
  const version = (c?.spec?.version ?? labels['cpaas.io/bundle-version'] ?? '').replace(/^v/, '');
  const properties: BundleProperty[] = [
    { type: 'olm.package', value: { packageName, version } },
    ...gvkProperties(c),
    ...extraProperties,
    { type: 'olm.csv.metadata', value: csv ? csvMetadata(csv as Record<string, unknown>) : { displayName: ann['cpaas.io/display-name'], provider: ann['cpaas.io/provider'] ? { name: ann['cpaas.io/provider'] } : undefined } },
  ];
  return {
    name: ann['cpaas.io/csv-name'] ?? c?.metadata?.name ?? av.metadata.name!,
    package: packageName,
    version,
    image: ann['cpaas.io/artifact-image'] ?? '',
    replaces: ann['cpaas.io/replaces'] || undefined,
    skips: splitList(ann['cpaas.io/skips']),
    skipRange: ann['cpaas.io/skip-range'] || undefined,
    properties,
    relatedImages: parseImages(ann['cpaas.io/related-images']),
    csv: csv as Record<string, unknown> | undefined,
  };
}

/** Options of {@link catalogFromArtifactVersions}: the CatalogSource's informational fields. */
export interface CatalogOptions {
  displayName?: string;
  publisher?: string;
}

/**
 * The catalog of CatalogSource `source` in `namespace` from the ArtifactVersions of its library. Each package's
 * default channel comes from its highest version (`cpaas.io/default-channel`); each channel lists every
 * ArtifactVersion naming it in `cpaas.io/channels`, oldest first, with replaces/skips/skipRange.
 * `bundlesByName` holds unpacked content by CSV name (or ArtifactVersion name).
 * @example const catalog = catalogFromArtifactVersions('platform', 'cpaas-system', avs, new Map(), { displayName: 'Platform' });
 */
export function catalogFromArtifactVersions(
  source: string,
  namespace: string,
  avs: KubeObject[],
  bundlesByName: ReadonlyMap<string, BundleContent> = new Map(),
  opts: CatalogOptions = {},
): Catalog {
  const members = avs.filter((av) => !artifactVersionExclusion(av, source));
  const byBundle = new Map<string, { av: KubeObject; bundle: Bundle }>();
  for (const av of members) {
    const csvName = av.metadata.annotations?.['cpaas.io/csv-name'];
    const content = (csvName ? bundlesByName.get(csvName) : undefined) ?? bundlesByName.get(av.metadata.name!) ?? {};
    const bundle = bundleFromArtifactVersion(av, content.csv, content.properties);
    if (!byBundle.has(bundle.name)) byBundle.set(bundle.name, { av, bundle });
  }
  const byPackage = Map.groupBy(byBundle.values(), (m) => m.bundle.package);
  const packages: Package[] = [];
  const channels: Channel[] = [];
  for (const [name, list] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => compareSemver(a.bundle.version, b.bundle.version));
    const pkgChannels = channelsOf(name, list);
    channels.push(...pkgChannels);
    packages.push(packageOf(name, list[list.length - 1], pkgChannels));
  }
  return { source, sourceNamespace: namespace, displayName: opts.displayName, publisher: opts.publisher, packages, channels, bundles: [...byBundle.values()].map((m) => m.bundle) };
}

/** Channels of one package; `list` is sorted by version, oldest first. */
function channelsOf(pkg: string, list: { av: KubeObject; bundle: Bundle }[]): Channel[] {
  const channels = new Map<string, ChannelEntry[]>();
  for (const { av, bundle } of list) {
    for (const ch of splitList(av.metadata.annotations?.['cpaas.io/channels'])) {
      const entry: ChannelEntry = { name: bundle.name };
      if (bundle.replaces) entry.replaces = bundle.replaces;
      if (bundle.skips.length) entry.skips = bundle.skips;
      if (bundle.skipRange) entry.skipRange = bundle.skipRange;
      channels.set(ch, [...(channels.get(ch) ?? []), entry]);
    }
  }
  return [...channels].sort(([a], [b]) => a.localeCompare(b)).map(([name, entries]) => ({ name, package: pkg, entries }));
}

function packageOf(name: string, newest: { av: KubeObject; bundle: Bundle }, channels: Channel[]): Package {
  const label = newest.av.metadata.labels?.['cpaas.io/default-channel'] ?? '';
  // The label is label-safe (register.ts); map it back to the channel whose label-safe form it is.
  const defaultChannel = channels.find((c) => c.name === label)?.name ?? channels.find((c) => labelSafe(c.name) === label)?.name ?? label;
  const spec = (newest.bundle.csv?.spec ?? {}) as { description?: string; icon?: { base64data: string; mediatype: string }[] };
  const pkg: Package = { name, defaultChannel };
  if (spec.icon?.[0]?.base64data) pkg.icon = { base64data: spec.icon[0].base64data, mediatype: spec.icon[0].mediatype };
  if (spec.description) pkg.description = spec.description;
  const sourceType = newest.av.metadata.annotations?.['cpaas.io/source-type'];
  if (sourceType) pkg.sourceType = sourceType;
  return pkg;
}

/** `olm.gvk` for owned and `olm.gvk.required` for required CRDs (group = CRD name after the first dot) and APIServices. */
function gvkProperties(c: CsvShape | undefined): BundleProperty[] {
  const crds = c?.spec?.customresourcedefinitions ?? {};
  const apis = c?.spec?.apiservicedefinitions ?? {};
  const gvk = (d: CrdDescription) => ({ group: d.name.slice(d.name.indexOf('.') + 1), version: d.version, kind: d.kind });
  const apiGvk = (d: ApiServiceDescription) => ({ group: d.group, version: d.version, kind: d.kind });
  return [
    ...(crds.owned ?? []).map((d) => ({ type: 'olm.gvk', value: gvk(d) })),
    ...(apis.owned ?? []).map((d) => ({ type: 'olm.gvk', value: apiGvk(d) })),
    ...(crds.required ?? []).map((d) => ({ type: 'olm.gvk.required', value: gvk(d) })),
    ...(apis.required ?? []).map((d) => ({ type: 'olm.gvk.required', value: apiGvk(d) })),
  ];
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function parseImages(v: string | undefined): string[] {
  if (!v) return [];
  try {
    const list: unknown = JSON.parse(v);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return splitList(v);
  }
}

function labelSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
