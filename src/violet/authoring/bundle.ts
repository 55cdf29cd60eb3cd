import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleMetadata, SourceType } from '../../packages/index.ts';
import { SOURCE_TYPES } from '../../packages/index.ts';
import { readTree, readYaml } from './files.ts';

interface CSV {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    version: string;
    displayName?: string;
    replaces?: string;
    skips?: string[];
    provider?: { name?: string };
    relatedImages?: { name?: string; image: string }[];
    install?: { spec?: { deployments?: { spec?: { template?: { spec?: { containers?: { image: string }[]; initContainers?: { image: string }[] } } } }[] } };
  };
}

export interface BundleSource {
  metadata: BundleMetadata;
  displayName: string;
  version: string;
  /** Images the operator runs (CSV relatedImages + deployment containers), deduplicated. */
  relatedImages: string[];
  /** manifests/ and metadata/ files, for the bundle image and the package's bundle/ directory. */
  files: { path: string; data: Buffer }[];
}

const PKG = 'operators.operatorframework.io.bundle.package.v1';
const CHANNELS = 'operators.operatorframework.io.bundle.channels.v1';
const DEFAULT_CHANNEL = 'operators.operatorframework.io.bundle.channel.default.v1';
/** Our annotation (bundle metadata or CSV) for the product document's five operator sources. */
export const SOURCE_TYPE_ANNOTATION = 'cpaas.io/source-type';

/** Reads an OLM bundle directory (`manifests/` + `metadata/annotations.yaml`). */
export async function readBundleSource(dir: string): Promise<BundleSource> {
  const annotations = (await readYaml<{ annotations?: Record<string, string> }>(join(dir, 'metadata', 'annotations.yaml'), 'bundle metadata')).annotations ?? {};
  for (const key of [PKG, CHANNELS]) if (!annotations[key]) throw new Error(`${join(dir, 'metadata', 'annotations.yaml')} lacks the annotation ${key}`);
  const csvFile = (await readdir(join(dir, 'manifests'))).find((f) => f.endsWith('.clusterserviceversion.yaml'));
  if (!csvFile) throw new Error(`no *.clusterserviceversion.yaml in ${join(dir, 'manifests')}`);
  const csv = await readYaml<CSV>(join(dir, 'manifests', csvFile), 'ClusterServiceVersion');
  const channels = annotations[CHANNELS].split(',').map((c) => c.trim()).filter(Boolean);
  const sourceType = (annotations[SOURCE_TYPE_ANNOTATION] ?? csv.metadata.annotations?.[SOURCE_TYPE_ANNOTATION] ?? 'Custom') as SourceType;
  if (!SOURCE_TYPES.includes(sourceType)) throw new Error(`${SOURCE_TYPE_ANNOTATION} must be one of ${SOURCE_TYPES.join(', ')}, not "${sourceType}"`);
  const deployments = csv.spec.install?.spec?.deployments ?? [];
  const images = [...(csv.spec.relatedImages ?? []).map((r) => r.image), ...deployments.flatMap((d) => [...(d.spec?.template?.spec?.containers ?? []), ...(d.spec?.template?.spec?.initContainers ?? [])].map((c) => c.image))];
  const metadata: BundleMetadata = {
    package: annotations[PKG],
    channels,
    defaultChannel: annotations[DEFAULT_CHANNEL] ?? channels[0],
    csvName: csv.metadata.name,
    csvVersion: csv.spec.version,
    replaces: csv.spec.replaces,
    skips: csv.spec.skips,
    skipRange: csv.metadata.annotations?.['olm.skipRange'],
    sourceType,
    provider: csv.spec.provider?.name,
  };
  const files = [...(await readTree(join(dir, 'manifests'), 'manifests/')), ...(await readTree(join(dir, 'metadata'), 'metadata/'))];
  return { metadata, displayName: csv.spec.displayName ?? annotations[PKG], version: csv.spec.version, relatedImages: [...new Set(images)], files };
}
