/**
 * Shared Kubernetes vocabulary: object shapes and the one Status-shaped error type.
 * Every other component imports these from here.
 */
export * from './types.ts';
export * from './errors.ts';
export { createKubeClient, KubeClient } from './client.ts';
export type { KubeClientOptions, ResourceRef } from './client.ts';
