/**
 * Helm OCI charts in the platform registry (`helm push chart.tgz oci://<platform>/<repo>` stores
 * `<repo>/<chart>:<version>` with the Helm media types). A manifest whose config is a Helm config becomes an
 * index entry of chart repository `<repo>` (the first path segment); its archive is the chart layer blob.
 */
import type { RegistryContent } from '../registry/index.ts';
import { metadataProblems } from './chart-archive.ts';
import { normaliseMetadata } from './metadata.ts';
import type { ChartEntry } from './types.ts';

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_MEDIA_TYPES = ['application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'application/tar+gzip'];
export const HELM_PROV_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.provenance.v1.prov';

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
}

/** True when the manifest document is a Helm chart (cheap: no I/O). */
export function isHelmManifest(doc: Record<string, unknown>): boolean {
  return (doc.config as Descriptor | undefined)?.mediaType === HELM_CONFIG_MEDIA_TYPE;
}

/** The chart repository an OCI repository belongs to: its first path segment (`public-charts/demo` → `public-charts`). */
export function chartRepoOf(repository: string): string | undefined {
  const slash = repository.indexOf('/');
  return slash > 0 ? repository.slice(0, slash) : undefined;
}

/**
 * The index entry of a Helm OCI manifest, or a reason it is not one. Reads the config blob (Chart.yaml as
 * JSON) through the registry's content view.
 */
export async function ociChartEntry(content: RegistryContent, repository: string, tag: string, manifestDigest: string, doc: Record<string, unknown>): Promise<ChartEntry | { skip: string }> {
  const layers = (Array.isArray(doc.layers) ? doc.layers : []) as Descriptor[];
  const chart = layers.find((l) => HELM_CHART_MEDIA_TYPES.includes(l.mediaType ?? ''));
  if (!chart?.digest?.startsWith('sha256:')) return { skip: `${repository}:${tag} has no sha256 chart content layer` };
  const prov = layers.find((l) => l.mediaType === HELM_PROV_MEDIA_TYPE);
  const config = (doc.config as Descriptor).digest ?? '';
  const blob = await content.openBlob(repository, config);
  if (!blob || blob.size > 1024 * 1024) return { skip: `${repository}:${tag} has no readable Helm config blob` };
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { skip: `${repository}:${tag}: the Helm config is not JSON` };
  }
  const metadata = normaliseMetadata((json ?? {}) as Record<string, unknown>);
  const problems = metadataProblems(metadata);
  if (problems.length) return { skip: `${repository}:${tag}: ${problems.join('; ')}` };
  const annotations = (doc.annotations ?? {}) as Record<string, string>;
  const created = Date.parse(annotations['org.opencontainers.image.created'] ?? '');
  return {
    metadata,
    digest: chart.digest.slice('sha256:'.length),
    size: chart.size ?? 0,
    created: Number.isNaN(created) ? new Date().toISOString() : new Date(created).toISOString(),
    source: 'oci',
    hasProvenance: Boolean(prov?.digest),
    oci: { repository, tag, manifestDigest, provenanceDigest: prov?.digest },
  };
}
