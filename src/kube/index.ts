/**
 * Shared Kubernetes vocabulary: object shapes and the one Status-shaped error type.
 * Every other component imports these from here.
 */
export * from './types.ts';
export * from './errors.ts';
export { createKubeClient, KubeClient } from './client.ts';
export type { KubeClientOptions, ResourceRef } from './client.ts';
export { watchStream } from './watch.ts';
export type { WatchEvent, WatchEventType } from './watch.ts';
export { createInformer, Informer } from './informer.ts';
export type { InformerEvent, InformerHandler, InformerOptions } from './informer.ts';
export { createController, objectKey, splitKey } from './controller.ts';
export type { Controller, ControllerOptions, Reconcile, ReconcileResult } from './controller.ts';
export { createRestMapper, waitForEstablished } from './discovery.ts';
export type { RestMapper } from './discovery.ts';
export { customResourceDefinition } from './crd.ts';
export type { CrdDefinition, CrdVersion } from './crd.ts';
