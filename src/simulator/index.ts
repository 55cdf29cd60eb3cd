/**
 * The node simulator (SPEC §1 "Simulated nodes"): marks Deployments, StatefulSets, DaemonSets and Jobs ready
 * only when every image they reference is in the platform registry. See README.md.
 */
export { createNodeSimulator, WORKLOAD_RESOURCES } from './simulator.ts';
export type { NodeSimulator, NodeSimulatorOptions } from './simulator.ts';
export { createImageChecker, pullFailedMessage, templateImages } from './images.ts';
export type { ImageChecker, ImageCheckerOptions } from './images.ts';
export { desiredStatus, mergeConditions, revisionName } from './status.ts';
export type { Condition, WorkloadKind } from './status.ts';
