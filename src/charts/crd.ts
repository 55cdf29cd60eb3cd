/**
 * ChartRepo (`chartrepos.app.alauda.io`, short name `ctr`, namespaced): the platform's published CRD
 * (alauda/acp-docs `docs/shared/crds/app.alauda.io_chartrepos.yaml`): v1beta1 (storage) and v1alpha1,
 * printer columns URL / Phase / Age. The platform serves every ChartRepo in cpaas-system whose `spec.url`
 * path is `/charts/<its name>`; others (external repositories) are records only.
 */
import type { CrdVersion, KubeObject } from '../kube/index.ts';
import { customResourceDefinition } from '../kube/index.ts';

export const CHART_REPO_NAMESPACE = 'cpaas-system';
export const DEFAULT_CHART_REPO = 'public-charts';
/** The ChartRepo resource, for clients. */
export const CHART_REPOS = { group: 'app.alauda.io', version: 'v1beta1', plural: 'chartrepos', namespaced: true };

const secretRef = {
  type: 'object',
  nullable: true,
  description: 'Secret contains information about how to auth to this repo',
  properties: { name: { type: 'string' }, namespace: { type: 'string' } },
};
const status = { type: 'object', properties: { phase: { type: 'string' }, reason: { type: 'string' } } };
const columns = [
  { name: 'URL', type: 'string', description: 'The url of this chart repo', jsonPath: '.spec.url' },
  { name: 'Phase', type: 'string', description: 'The phase of this ChartRepo', jsonPath: '.status.phase' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function version(name: string, storage: boolean, spec: Record<string, unknown>): CrdVersion {
  return { name, storage, status: false, columns, schema: { type: 'object', required: ['spec'], properties: { spec, status } } };
}

export const CHART_REPO_CRD: KubeObject = customResourceDefinition({
  group: 'app.alauda.io',
  kind: 'ChartRepo',
  plural: 'chartrepos',
  scope: 'Namespaced',
  shortNames: ['ctr'],
  extra: { conversion: { strategy: 'None' } },
  versions: [
    version('v1beta1', true, {
      type: 'object',
      required: ['type', 'url'],
      properties: {
        secret: secretRef,
        source: { type: 'object', nullable: true, required: ['url'], properties: { path: { type: 'string' }, url: { type: 'string' } } },
        type: { type: 'string', description: 'Chart (a Helm repository), Git or SVN' },
        url: { type: 'string', description: "URL is the repo's url" },
      },
    }),
    version('v1alpha1', false, { type: 'object', required: ['url'], properties: { secret: secretRef, url: { type: 'string' } } }),
  ],
});

/** CRDs of the chart repository (global cluster). */
export const CHART_CRDS: KubeObject[] = [CHART_REPO_CRD];

/** A ChartRepo the platform hosts at `<platformUrl>/charts/<name>`. */
export function chartRepoObject(name: string, platformUrl: string): KubeObject {
  return {
    apiVersion: 'app.alauda.io/v1beta1',
    kind: 'ChartRepo',
    metadata: { name, namespace: CHART_REPO_NAMESPACE, labels: { 'cpaas.io/managed-by': 'marketplace' } },
    spec: { type: 'Chart', url: `${platformUrl.replace(/\/$/, '')}/charts/${name}` },
    status: { phase: 'Synced' },
  };
}

/** True when the platform serves this ChartRepo: its spec.url path is `/charts/<metadata.name>`. */
export function isHostedChartRepo(obj: KubeObject): boolean {
  const url = (obj.spec as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).pathname.replace(/\/+$/, '') === `/charts/${obj.metadata.name}`;
  } catch {
    return false;
  }
}
