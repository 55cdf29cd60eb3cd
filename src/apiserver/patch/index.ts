/**
 * The three PATCH body formats of the Kubernetes API, as pure functions over decoded JSON.
 * Errors are StatusErrors with the codes the upstream apiserver uses. See README.md.
 */
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
export type { JsonPatchOperation } from './json-patch.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge-patch.ts';
export { BUILTIN_PATCH_META, metadataPatchMeta, podSpecPatchMeta, podTemplatePatchMeta, containerPatchMeta, patchMetaFor } from './builtin-patch-meta.ts';
