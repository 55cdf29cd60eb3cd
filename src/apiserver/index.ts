/**
 * The Kubernetes-compatible API server: logical clusters, discovery, OpenAPI, CRUD, watch,
 * patches, server-side apply, CRDs, garbage collection and namespace lifecycle.
 */
export { createApiServer } from './server.ts';
export type { ApiServer, ApiServerOptions } from './server.ts';
export type { Authenticator, UserInfo, ClusterState } from './context.ts';
export type { ResourceDef, JSONSchemaProps, PrinterColumn } from './resource.ts';
export { ROOT_CLUSTER } from './paths.ts';
