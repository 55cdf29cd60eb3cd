/**
 * Built-in kinds of the API server: discovery data, vendored upstream OpenAPI schemas, OpenAPI v3
 * documents (also for CRD-defined resources) and the /version payload. See README.md.
 */
export { builtinResources, builtinResourcesWithoutSchemas, parseGroupVersion } from './resources.ts';
export { builtinSchema, hasBuiltinDefinition, permissiveSchema, resolveBuiltinDefinition } from './schemas.ts';
export { definitionName, openApiPathOf } from './names.ts';
export { OpenApiV3Cache, openApiV3Document, openApiV3Index } from './openapi.ts';
export type { GroupVersion } from './openapi.ts';
export { KUBERNETES_GIT_VERSION, versionInfo } from './version.ts';
export type { VersionInfo } from './version.ts';
