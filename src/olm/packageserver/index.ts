import { http } from '../../kube/node-http.ts';
const { createServer } = http;
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import type { CatalogSourceContent } from '../catalogsource/index.ts';
import { ClusterCatalogs, GLOBAL_CATALOG_NAMESPACE } from './catalogs.ts';
import { packageServerHandler } from './server.ts';

export { ClusterCatalogs, GLOBAL_CATALOG_NAMESPACE } from './catalogs.ts';
export { packageServerHandler } from './server.ts';

const SERVICES = { group: '', version: 'v1', plural: 'services', namespaced: true };
const ENDPOINTS = { group: '', version: 'v1', plural: 'endpoints', namespaced: true };
const API_SERVICES = { group: 'apiregistration.k8s.io', version: 'v1', plural: 'apiservices', namespaced: false };
const NAME = 'packageserver';

export interface PackageServer {
  port: number;
  catalogs: ClusterCatalogs;
  close(): Promise<void>;
}

/**
 * Starts one cluster's packageserver on loopback and registers it with that cluster's API server
 * (Service + Endpoints + APIService v1.packages.operators.coreos.com), all through the Kubernetes API.
 */
export async function startPackageServer(opts: { kube: KubeClient; registry?: RegistryClient; signal: AbortSignal; host?: string; images?: CatalogSourceContent }): Promise<PackageServer> {
  const catalogs = new ClusterCatalogs(opts.kube, opts.registry, opts.signal, opts.images);
  await catalogs.start();
  const server = createServer(packageServerHandler(catalogs));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  await register(opts.kube, host, port);
  return {
    port,
    catalogs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function register(kube: KubeClient, host: string, port: number): Promise<void> {
  const labels = { app: NAME, 'app.kubernetes.io/managed-by': 'marketplace' };
  await kube.apply(SERVICES, { kind: 'Service', metadata: { name: NAME, namespace: GLOBAL_CATALOG_NAMESPACE, labels }, spec: { ports: [{ name: 'https', port: 443, targetPort: port }] } }, 'marketplace-olm');
  await kube.apply(ENDPOINTS, { kind: 'Endpoints', metadata: { name: NAME, namespace: GLOBAL_CATALOG_NAMESPACE, labels }, subsets: [{ addresses: [{ ip: host }], ports: [{ name: 'https', port, appProtocol: 'http' }] }] }, 'marketplace-olm');
  await kube.apply(
    API_SERVICES,
    { kind: 'APIService', metadata: { name: 'v1.packages.operators.coreos.com', labels }, spec: { group: 'packages.operators.coreos.com', version: 'v1', service: { namespace: GLOBAL_CATALOG_NAMESPACE, name: NAME, port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 2000, versionPriority: 15 } },
    'marketplace-olm',
  );
}
