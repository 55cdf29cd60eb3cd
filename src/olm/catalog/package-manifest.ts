import type { KubeObject } from '../../kube/index.ts';
import type { Bundle, Catalog, Channel, Package } from '../model.ts';
import { csvDescription, csvOf } from './csv.ts';
import type { Deprecation } from './fbc.ts';
import { channelHead, compareSemver } from './graph.ts';

export const PACKAGE_MANIFEST_API_VERSION = 'packages.operators.coreos.com/v1';
const OS_PREFIX = 'operatorframework.io/os.';
const ARCH_PREFIX = 'operatorframework.io/arch.';
/** Our label for the platform's operator source (Alauda, Curated, Community, Marketplace, Custom). */
export const SOURCE_TYPE_LABEL = 'cpaas.io/source-type';

/** Options of {@link packageManifests}. */
export interface PackageManifestOptions {
  /** Keep CSV icons (the `/icon` subresource); list and get strip them to `[]`. */
  icons?: boolean;
  /** Called for each package left out because none of its channels could be loaded. */
  onProblem?: (packageName: string, error: Error) => void;
}

/** A catalog, optionally with the FBC deprecations that feed the `deprecation` fields. */
export type CatalogWithDeprecations = Catalog & { deprecations?: Deprecation[] };

/**
 * The PackageManifests (packages.operators.coreos.com/v1) of one catalog, as packageserver serves them
 * (olm.md §3.2). `requestNamespace` rewrites `metadata.namespace` (a namespaced list); packages whose
 * channels all fail to load are left out (reported through `opts.onProblem`).
 * @example const items = packageManifests(catalog, catalogSource, 'my-namespace');
 */
export function packageManifests(catalog: CatalogWithDeprecations, catsrc: KubeObject, requestNamespace?: string, opts: PackageManifestOptions = {}): KubeObject[] {
  const out: KubeObject[] = [];
  for (const pkg of catalog.packages) {
    try {
      out.push(buildPackageManifest(catalog, pkg, catsrc, requestNamespace, opts));
    } catch (err) {
      opts.onProblem?.(pkg.name, err as Error);
    }
  }
  return out;
}

interface LoadedChannel {
  name: string;
  head: Bundle;
  status: Record<string, unknown>;
}

/**
 * One PackageManifest. The channel head is the unique entry no other entry replaces or skips
 * ({@link channelHead}); a channel whose head cannot be found is skipped, like packageserver does.
 * @throws Error when no channel of the package can be loaded.
 */
export function buildPackageManifest(catalog: CatalogWithDeprecations, pkg: Package, catsrc: KubeObject, requestNamespace?: string, opts: PackageManifestOptions = {}): KubeObject {
  const bundles = new Map(catalog.bundles.filter((b) => b.package === pkg.name).map((b) => [b.name, b]));
  const deprecation = deprecationsOf(catalog.deprecations, pkg.name);
  const errors: string[] = [];
  const loaded: LoadedChannel[] = [];
  const channels = catalog.channels.filter((c) => c.package === pkg.name).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ch of channels) {
    try {
      loaded.push(loadChannel(ch, bundles, deprecation, !!opts.icons));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  const catsrcName = catsrc.metadata.name ?? catalog.source;
  const catsrcNamespace = catsrc.metadata.namespace ?? catalog.sourceNamespace;
  if (!loaded.length) throw new Error(`package "${pkg.name}" in catalog ${catsrcNamespace}/${catsrcName} has no valid channels${errors.length ? `: ${errors.join('; ')}` : ''}`);
  const defaultChannel = loaded.find((c) => c.name === pkg.defaultChannel) ?? loaded[0];
  const csv = csvOf(defaultChannel.head);
  const provider = { name: csv.spec?.provider?.name ?? '', url: csv.spec?.provider?.url ?? '' };
  const spec = (catsrc.spec ?? {}) as { displayName?: string; publisher?: string };
  const labels = labelsOf(catsrc, { catalog: catsrcName, 'catalog-namespace': catsrcNamespace, provider: provider.name, 'provider-url': provider.url }, csv.metadata?.labels, pkg.sourceType);
  const status: Record<string, unknown> = {
    catalogSource: catsrcName,
    catalogSourceDisplayName: spec.displayName ?? catalog.displayName ?? '',
    catalogSourcePublisher: spec.publisher ?? catalog.publisher ?? '',
    catalogSourceNamespace: catsrcNamespace,
    packageName: pkg.name,
    channels: loaded.map((c) => c.status),
    defaultChannel: defaultChannel.name,
    provider: provider.url ? provider : { name: provider.name },
  };
  const pkgDeprecation = deprecation('olm.package', '');
  if (pkgDeprecation) status.deprecation = pkgDeprecation;
  return {
    apiVersion: PACKAGE_MANIFEST_API_VERSION,
    kind: 'PackageManifest',
    metadata: { name: pkg.name, namespace: requestNamespace ?? catsrcNamespace, creationTimestamp: catsrc.metadata.creationTimestamp ?? null, labels },
    spec: {},
    status,
  };
}

/** CatalogSource labels, catalog/provider labels, the default CSV's labels, os/arch defaults, source type. */
function labelsOf(catsrc: KubeObject, catalogLabels: Record<string, string>, csvLabels: Record<string, string> | undefined, sourceType?: string): Record<string, string> {
  const labels: Record<string, string> = { ...catsrc.metadata.labels, ...catalogLabels, ...csvLabels };
  if (!Object.keys(labels).some((k) => k.startsWith(OS_PREFIX))) labels[`${OS_PREFIX}linux`] = 'supported';
  if (!Object.keys(labels).some((k) => k.startsWith(ARCH_PREFIX))) labels[`${ARCH_PREFIX}amd64`] = 'supported';
  if (sourceType) labels[SOURCE_TYPE_LABEL] = sourceType;
  return labels;
}

type DeprecationLookup = (schema: 'olm.package' | 'olm.channel' | 'olm.bundle', name: string) => { message: string } | undefined;

function loadChannel(ch: Channel, bundles: Map<string, Bundle>, deprecation: DeprecationLookup, icons: boolean): LoadedChannel {
  const headName = channelHead(ch);
  const head = bundles.get(headName);
  if (!head) throw new Error(`package "${ch.package}", channel "${ch.name}": head bundle "${headName}" is not in the catalog`);
  const entries = ch.entries
    .map((e) => bundles.get(e.name))
    .filter((b): b is Bundle => !!b && !b.deprecated)
    .sort((a, b) => compareSemver(b.version, a.version))
    .map((b) => withDeprecation({ name: b.name, version: b.version }, deprecation('olm.bundle', b.name)));
  const status = withDeprecation({ name: ch.name, currentCSV: head.name, currentCSVDesc: csvDescription(head, icons) }, deprecation('olm.channel', ch.name));
  status.entries = entries;
  return { name: ch.name, head, status };
}

function withDeprecation(o: Record<string, unknown>, deprecation: { message: string } | undefined): Record<string, unknown> {
  return deprecation ? { ...o, deprecation } : o;
}

function deprecationsOf(all: Deprecation[] | undefined, pkg: string): DeprecationLookup {
  const entries = (all ?? []).filter((d) => d.package === pkg).flatMap((d) => d.entries);
  return (schema, name) => {
    const e = entries.find((x) => x.reference.schema === schema && (x.reference.name ?? '') === name);
    return e ? { message: e.message } : undefined;
  };
}
