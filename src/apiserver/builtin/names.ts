/** OpenAPI definition names as upstream Kubernetes spells them. */

/** Package path of built-in API groups whose definitions do not live under io.k8s.api. */
const SPECIAL_PACKAGES: Record<string, string> = {
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  '': 'io.k8s.api.core',
};

/** Name prefix of the `ObjectMeta`, `Status`, ... definitions. */
export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Reverses a DNS group: "example.com" → "com.example". */
function reverseGroup(group: string): string {
  return group.split('.').reverse().join('.');
}

/**
 * Definition name of a kind: `io.k8s.api.apps.v1.Deployment` for built-ins,
 * `com.example.v1.Widget` for custom resources (group reversed, as upstream does for CRDs).
 */
export function definitionName(group: string, version: string, kind: string, builtin: boolean): string {
  if (!builtin) return `${reverseGroup(group)}.${version}.${kind}`;
  const special = SPECIAL_PACKAGES[group];
  if (special !== undefined) return `${special}.${version}.${kind}`;
  return `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}.${version}.${kind}`;
}

/** The URL path segment of a GroupVersion in /openapi/v3: "api/v1" or "apis/apps/v1". */
export function openApiPathOf(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}
