import type { Bundle } from '../model.ts';

/** The subset of a ClusterServiceVersion that catalogs and PackageManifests read. */
export interface CsvView {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    displayName?: string;
    description?: string;
    version?: string;
    icon?: { base64data: string; mediatype: string }[];
    provider?: { name?: string; url?: string };
    keywords?: string[];
    links?: { name?: string; url?: string }[];
    maintainers?: { name?: string; email?: string }[];
    maturity?: string;
    installModes?: { type: string; supported: boolean }[];
    customresourcedefinitions?: Record<string, unknown>;
    apiservicedefinitions?: Record<string, unknown>;
    nativeAPIs?: unknown[];
    minKubeVersion?: string;
    relatedImages?: { name?: string; image: string }[];
    install?: { spec?: { deployments?: { spec?: { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } } }[] } };
  };
}

/** Keys of the FBC `olm.csv.metadata` property (operator-registry `alpha/property/property.go`). */
interface CsvMetadata {
  annotations?: Record<string, string>;
  apiServiceDefinitions?: Record<string, unknown>;
  crdDescriptions?: Record<string, unknown>;
  description?: string;
  displayName?: string;
  installModes?: unknown[];
  keywords?: string[];
  labels?: Record<string, string>;
  links?: unknown[];
  maintainers?: unknown[];
  maturity?: string;
  minKubeVersion?: string;
  nativeAPIs?: unknown[];
  provider?: { name?: string; url?: string };
}

/** The `olm.csv.metadata` value of a CSV, as `opm render` writes it. */
export function csvMetadata(csv: Record<string, unknown>): Record<string, unknown> {
  const { metadata = {}, spec = {} } = csv as CsvView;
  return dropEmpty({
    annotations: metadata.annotations,
    apiServiceDefinitions: spec.apiservicedefinitions,
    crdDescriptions: spec.customresourcedefinitions,
    description: spec.description,
    displayName: spec.displayName,
    installModes: spec.installModes,
    keywords: spec.keywords,
    labels: metadata.labels,
    links: spec.links,
    maintainers: spec.maintainers,
    maturity: spec.maturity,
    minKubeVersion: spec.minKubeVersion,
    nativeAPIs: spec.nativeAPIs,
    provider: spec.provider,
  });
}

/** The bundle's CSV, or one rebuilt from its `olm.csv.metadata` property (FBC bundles carry no full CSV). */
export function csvOf(bundle: Bundle): CsvView {
  if (bundle.csv) return bundle.csv as CsvView;
  const meta = (bundle.properties.find((p) => p.type === 'olm.csv.metadata')?.value ?? {}) as CsvMetadata;
  return {
    metadata: { name: bundle.name, labels: meta.labels, annotations: meta.annotations },
    spec: dropEmpty({
      displayName: meta.displayName,
      description: meta.description,
      version: bundle.version,
      provider: meta.provider,
      keywords: meta.keywords,
      links: meta.links,
      maintainers: meta.maintainers,
      maturity: meta.maturity,
      installModes: meta.installModes,
      customresourcedefinitions: meta.crdDescriptions,
      apiservicedefinitions: meta.apiServiceDefinitions,
      nativeAPIs: meta.nativeAPIs,
      minKubeVersion: meta.minKubeVersion,
      relatedImages: bundle.relatedImages.map((image) => ({ image })),
    }) as CsvView['spec'],
  };
}

/** Images of a CSV: `spec.relatedImages` plus deployment (init) containers, deduplicated and sorted. */
export function csvImages(csv: CsvView): string[] {
  const deployments = csv.spec?.install?.spec?.deployments ?? [];
  const images = [
    ...(csv.spec?.relatedImages ?? []).map((r) => r.image),
    ...deployments.flatMap((d) => [...(d.spec?.template?.spec?.containers ?? []), ...(d.spec?.template?.spec?.initContainers ?? [])].map((c) => c.image)),
  ];
  return [...new Set(images.filter((i): i is string => !!i))].sort();
}

/**
 * The PackageManifest `CSVDescription` of a channel head (olm.md §3.2). Note `nativeApis` (not `nativeAPIs`),
 * `description` from `spec.description`, and `icon` stripped to `[]` unless `withIcon`.
 */
export function csvDescription(bundle: Bundle, withIcon = false): Record<string, unknown> {
  const csv = csvOf(bundle);
  const spec = csv.spec ?? {};
  const images = bundle.csv ? csvImages(csv) : bundle.relatedImages;
  return {
    displayName: spec.displayName ?? '',
    icon: withIcon ? (spec.icon ?? []) : [],
    version: spec.version ?? bundle.version,
    provider: dropEmpty({ name: spec.provider?.name, url: spec.provider?.url }),
    ...dropEmpty({
      annotations: csv.metadata?.annotations,
      keywords: spec.keywords,
      links: spec.links,
      maintainers: spec.maintainers,
      maturity: spec.maturity,
      description: spec.description,
      installModes: spec.installModes,
    }),
    customresourcedefinitions: spec.customresourcedefinitions ?? {},
    apiservicedefinitions: spec.apiservicedefinitions ?? {},
    ...dropEmpty({ nativeApis: spec.nativeAPIs, minKubeVersion: spec.minKubeVersion, relatedImages: images }),
  };
}

/** Drops undefined, null, '' and empty arrays/objects (Go `omitempty`). */
function dropEmpty<T extends Record<string, unknown>>(o: T): Partial<T> {
  const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v as object).length);
  return Object.fromEntries(Object.entries(o).filter(([, v]) => !isEmpty(v))) as Partial<T>;
}
