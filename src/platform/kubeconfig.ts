import { stringify } from 'yaml';

export interface KubeconfigInput {
  baseUrl: string;
  caPem: string;
  token: string;
  user: string;
  clusters: string[];
  current?: string;
}

/** Server URL of a logical cluster: `global` at the root, others under /kubernetes/<name>. */
export function clusterServer(baseUrl: string, cluster: string): string {
  return cluster === 'global' ? baseUrl : `${baseUrl}/kubernetes/${cluster}`;
}

/** A kubeconfig with one context per logical cluster, the platform CA embedded, token auth. */
export function buildKubeconfig(input: KubeconfigInput): string {
  const caData = Buffer.from(input.caPem).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: input.clusters.map((name) => ({ name, cluster: { server: clusterServer(input.baseUrl, name), 'certificate-authority-data': caData } })),
    users: [{ name: input.user, user: { token: input.token } }],
    contexts: input.clusters.map((name) => ({ name, context: { cluster: name, user: input.user } })),
    'current-context': input.current ?? input.clusters[0],
  };
  return stringify(config);
}
