import type { KubeObject } from '../../kube/index.ts';
import { parseReference } from '../../oci/index.ts';
import type { PackageManifest } from '../../packages/format.ts';

/** Resources violet creates; names and labels follow shared/reference/alauda.md §6–§7. */
export const ARTIFACTS = { group: 'app.alauda.io', version: 'v1alpha1', plural: 'artifacts', namespaced: true };
export const ARTIFACT_VERSIONS = { group: 'app.alauda.io', version: 'v1alpha1', plural: 'artifactversions', namespaced: true };
export const MODULE_PLUGINS = { group: 'cluster.alauda.io', version: 'v1alpha1', plural: 'moduleplugins', namespaced: false };
export const SYSTEM_NAMESPACE = 'cpaas-system';
const MANAGED_BY = { 'cpaas.io/managed-by': 'violet' };

export interface RegisterContext {
  /** Registry host the cluster pulls from (platform registry or --dest-repo host). */
  registry: string;
  /** Destination repository of the main artifact (bundle image or chart). */
  repository: string;
  tag: string;
  digest: string;
  catalogSource: string;
  chartRepo: string;
}

export function artifactName(m: PackageManifest): string {
  return m.type === 'bundle' ? m.bundle!.package : m.type === 'chart' ? m.chart!.chartName : m.name;
}

/** The Artifact of a bundle or chart package (one per target cluster, in cpaas-system). */
export function buildArtifact(m: PackageManifest, ctx: RegisterContext): KubeObject {
  const name = artifactName(m);
  return {
    kind: 'Artifact',
    metadata: { name, namespace: SYSTEM_NAMESPACE, labels: { ...MANAGED_BY, 'cpaas.io/type': m.type, 'cpaas.io/library': library(m, ctx) } },
    spec: {
      type: m.type,
      registry: ctx.registry,
      repository: ctx.repository,
      present: true,
      displayName: m.displayName,
      artifactVersionSelector: { matchLabels: { 'cpaas.io/artifact': name } },
    },
  };
}

/** The ArtifactVersion of one package version, owned by its Artifact. */
export function buildArtifactVersion(m: PackageManifest, ctx: RegisterContext, artifact: KubeObject): KubeObject {
  const name = artifactName(m);
  const version = m.type === 'bundle' ? m.bundle!.csvVersion : m.version;
  const annotations: Record<string, string> = {
    'cpaas.io/display-name': m.displayName,
    'cpaas.io/artifact-image': `${ctx.registry}/${ctx.repository}@${ctx.digest}`,
    'cpaas.io/source-package': `${m.name}.${m.version}`,
  };
  if (m.bundle) {
    Object.assign(annotations, {
      'cpaas.io/channels': m.bundle.channels.join(','),
      'cpaas.io/csv-name': m.bundle.csvName,
      'cpaas.io/source-type': m.bundle.sourceType,
      'cpaas.io/related-images': JSON.stringify(m.relatedImages.map((r) => relocate(r, ctx.registry))),
    });
    if (m.bundle.replaces) annotations['cpaas.io/replaces'] = m.bundle.replaces;
    if (m.bundle.skips?.length) annotations['cpaas.io/skips'] = m.bundle.skips.join(',');
    if (m.bundle.skipRange) annotations['cpaas.io/skip-range'] = m.bundle.skipRange;
    if (m.bundle.provider) annotations['cpaas.io/provider'] = m.bundle.provider;
  }
  const labels: Record<string, string> = { ...MANAGED_BY, 'cpaas.io/artifact': name, 'cpaas.io/type': m.type, 'cpaas.io/bundle-version': labelSafe(version), 'cpaas.io/present': 'true', 'cpaas.io/library': library(m, ctx) };
  if (m.bundle) labels['cpaas.io/default-channel'] = labelSafe(m.bundle.defaultChannel);
  return {
    kind: 'ArtifactVersion',
    metadata: {
      name: `${name}.v${version.replace(/^v/, '')}`,
      namespace: SYSTEM_NAMESPACE,
      labels,
      annotations,
      ownerReferences: [{ apiVersion: 'app.alauda.io/v1alpha1', kind: 'Artifact', name, uid: artifact.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { present: true, tag: ctx.tag },
  };
}

/** The ModulePlugin of a plugin package, as shipped (global cluster). */
export function buildModulePlugin(modulePlugin: KubeObject): KubeObject {
  const { metadata } = modulePlugin;
  return { ...modulePlugin, metadata: { name: metadata.name, labels: { ...metadata.labels, ...MANAGED_BY }, annotations: metadata.annotations } };
}

function library(m: PackageManifest, ctx: RegisterContext): string {
  return m.type === 'chart' ? ctx.chartRepo : ctx.catalogSource;
}

function labelSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The image as the cluster will pull it: same repository path and tag, on the destination registry. */
export function relocate(ref: string, registry: string): string {
  const r = parseReference(ref);
  return `${registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
