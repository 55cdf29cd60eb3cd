import type { KubeObject } from '../kube/index.ts';

/**
 * The platform's default CatalogSources in cpaas-system (product document: system, platform, custom;
 * `system` is hidden from OperatorHub). Their content is the ArtifactVersions violet pushes with
 * `--target-catalog-source <name>`, served by the packageserver, so they carry no image or address.
 */
export const DEFAULT_CATALOG_SOURCES: KubeObject[] = [
  catalogSource('system', 'System', true),
  catalogSource('platform', 'Platform', false),
  catalogSource('custom', 'Custom', false),
];

function catalogSource(name: string, displayName: string, hidden: boolean): KubeObject {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'CatalogSource',
    metadata: { name, namespace: 'cpaas-system', labels: { 'cpaas.io/catalog-content': 'artifactversions', ...(hidden ? { 'cpaas.io/hidden': 'true' } : {}) } },
    spec: { sourceType: 'grpc', displayName, publisher: 'Marketplace', priority: hidden ? -100 : 0 },
  };
}
