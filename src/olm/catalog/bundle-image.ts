import type { KubeObject } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import type { BundleProperty } from '../model.ts';
import { isDocumentFile, parseDocuments } from './documents.ts';
import { CatalogError, type CatalogProblem } from './errors.ts';
import { readLayers, resolveImage, type LayerFile } from '../../oci/index.ts';

/** Bundle images are small; anything bigger than this (compressed layers or unpacked files) is refused. */
export const MAX_BUNDLE_BYTES = 16 << 20;

const MANIFESTS_KEY = 'operators.operatorframework.io.bundle.manifests.v1';
const METADATA_KEY = 'operators.operatorframework.io.bundle.metadata.v1';
const BUNDLE_LABEL_PREFIX = 'operators.operatorframework.io.bundle.';

/** The content of a registry+v1 bundle image (olm.md §5.2). */
export interface UnpackedBundle {
  /** The ClusterServiceVersion (exactly one per bundle). */
  csv: KubeObject;
  crds: KubeObject[];
  /** Every other manifest (Services, ConfigMaps, RBAC, …), in file order. */
  otherManifests: KubeObject[];
  /** `metadata/annotations.yaml`, over the image's `operators.operatorframework.io.bundle.*` labels (the file wins). */
  annotations: Record<string, string>;
  /** Properties from `metadata/dependencies.yaml` (converted to `*.required`) and `metadata/properties.yaml`. */
  properties: BundleProperty[];
  /** Digest of the image manifest that was read. */
  digest: string;
}

/**
 * Fetches a bundle image and reads `manifests/` and `metadata/` in memory. Refuses images over
 * {@link MAX_BUNDLE_BYTES}, hostile tar paths, links, and bundles without exactly one CSV.
 * @example
 * const { csv, crds } = await unpackBundleImage(client, 'acp/harbor-ce-operator-bundle', 'sha256:…', signal);
 */
export async function unpackBundleImage(client: RegistryClient, repository: string, digest: string, signal?: AbortSignal): Promise<UnpackedBundle> {
  const what = `bundle image ${client.registry}/${repository}@${digest}`;
  const image = await resolveImage(client, repository, digest, signal);
  const compressed = image.layers.reduce((sum, l) => sum + l.size, 0);
  if (compressed > MAX_BUNDLE_BYTES) throw new CatalogError(what, [{ message: `layers are ${compressed} bytes; bundle images are limited to ${MAX_BUNDLE_BYTES}` }]);
  const files = await readLayers(client, repository, image.layers, { maxBytes: MAX_BUNDLE_BYTES, specialFiles: 'refuse', what, signal });
  const labels = Object.fromEntries(Object.entries(image.labels).filter(([k]) => k.startsWith(BUNDLE_LABEL_PREFIX)));
  return { ...bundleFromFiles(files, labels, what), digest: image.digest };
}

/**
 * The bundle in a set of files (`manifests/…`, `metadata/…`), e.g. from an image or a directory.
 * All problems are reported together in one {@link CatalogError}.
 */
export function bundleFromFiles(files: LayerFile[], labels: Record<string, string> = {}, what = 'bundle'): Omit<UnpackedBundle, 'digest'> {
  const problems: CatalogProblem[] = [];
  const byPath = new Map(files.map((f) => [f.path, f.data]));
  const annotationsDoc = docsOf('metadata/annotations.yaml', byPath, problems)[0] as { annotations?: Record<string, string> } | undefined;
  const annotations = { ...labels, ...stringMap(annotationsDoc?.annotations) };
  const manifestsDir = dirOf(annotations[MANIFESTS_KEY] ?? 'manifests/');
  const metadataDir = dirOf(annotations[METADATA_KEY] ?? 'metadata/');
  const objects: { file: string; obj: KubeObject }[] = [];
  for (const f of files) {
    if (!f.path.startsWith(`${manifestsDir}/`) || !isDocumentFile(f.path)) continue;
    docsOf(f.path, byPath, problems).forEach((doc, i) => {
      if (isKubeObject(doc)) objects.push({ file: f.path, obj: doc });
      else problems.push({ file: f.path, blob: `document ${i + 1}`, message: 'is not a Kubernetes object (needs kind and metadata)' });
    });
  }
  const csvs = objects.filter((o) => o.obj.kind === 'ClusterServiceVersion');
  if (csvs.length !== 1) problems.push({ file: `${manifestsDir}/`, message: csvs.length ? `has ${csvs.length} ClusterServiceVersions (${csvs.map((c) => c.file).join(', ')}); a bundle has exactly one` : 'holds no ClusterServiceVersion' });
  const properties = [
    ...dependencyProperties(docsOf(`${metadataDir}/dependencies.yaml`, byPath, problems)[0], `${metadataDir}/dependencies.yaml`, problems),
    ...propertyList(docsOf(`${metadataDir}/properties.yaml`, byPath, problems)[0], `${metadataDir}/properties.yaml`, problems),
  ];
  if (problems.length) throw new CatalogError(`invalid ${what}`, problems);
  return {
    csv: csvs[0].obj,
    crds: objects.filter((o) => o.obj.kind === 'CustomResourceDefinition').map((o) => o.obj),
    otherManifests: objects.filter((o) => o.obj.kind !== 'ClusterServiceVersion' && o.obj.kind !== 'CustomResourceDefinition').map((o) => o.obj),
    annotations,
    properties,
  };
}

/**
 * `metadata/dependencies.yaml` entries as properties, the way opm renders them: `olm.package` →
 * `olm.package.required {packageName, versionRange}`, `olm.gvk` → `olm.gvk.required`, `olm.label` →
 * `olm.label.required`; `olm.constraint` is kept as is.
 */
export function dependencyProperties(doc: unknown, file = 'metadata/dependencies.yaml', problems: CatalogProblem[] = []): BundleProperty[] {
  if (doc === undefined) return [];
  const list = (doc as { dependencies?: unknown }).dependencies;
  if (!Array.isArray(list)) {
    problems.push({ file, message: 'has no dependencies list' });
    return [];
  }
  const out: BundleProperty[] = [];
  list.forEach((d: { type?: string; value?: Record<string, unknown> }, i) => {
    const value = d?.value ?? {};
    if (d?.type === 'olm.package') out.push({ type: 'olm.package.required', value: { packageName: value.packageName, versionRange: value.version } });
    else if (d?.type === 'olm.gvk') out.push({ type: 'olm.gvk.required', value: { group: value.group, kind: value.kind, version: value.version } });
    else if (d?.type === 'olm.label') out.push({ type: 'olm.label.required', value });
    else if (d?.type === 'olm.constraint') out.push({ type: 'olm.constraint', value });
    else problems.push({ file, blob: `dependency ${i + 1}`, message: `unknown dependency type "${d?.type}" (expected olm.package, olm.gvk, olm.label or olm.constraint)` });
  });
  return out;
}

function propertyList(doc: unknown, file: string, problems: CatalogProblem[]): BundleProperty[] {
  if (doc === undefined) return [];
  const list = (doc as { properties?: unknown }).properties;
  if (!Array.isArray(list) || list.some((p) => typeof p?.type !== 'string')) {
    problems.push({ file, message: 'must hold a properties list of {type, value}' });
    return [];
  }
  return list.map((p: BundleProperty) => ({ type: p.type, value: p.value }));
}

function docsOf(path: string, files: Map<string, Buffer>, problems: CatalogProblem[]): unknown[] {
  const data = files.get(path);
  if (!data) return [];
  try {
    return parseDocuments(data.toString('utf8'), path).map((d) => d.value);
  } catch (err) {
    problems.push(...((err as CatalogError).problems ?? [{ file: path, message: String(err) }]));
    return [];
  }
}

function isKubeObject(v: unknown): v is KubeObject {
  return !!v && typeof v === 'object' && typeof (v as KubeObject).kind === 'string' && typeof (v as KubeObject).metadata === 'object';
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, String(val)]));
}

function dirOf(p: string): string {
  return p.replace(/^\/+|^\.\//g, '').replace(/\/+$/, '');
}
