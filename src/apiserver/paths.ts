/** Parsing of request paths: `/kubernetes/<cluster>/…` prefix, then the Kubernetes URL layout. */

export const ROOT_CLUSTER = 'global';

export interface ResourceRequest {
  type: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export type ApiRequest =
  | ResourceRequest
  | { type: 'version' | 'healthz' | 'api-root' | 'apis-root' | 'openapi-v2' | 'openapi-v3-index' }
  | { type: 'openapi-v3-doc'; group: string; version: string }
  | { type: 'api-versions' }
  | { type: 'group'; group: string }
  | { type: 'group-version'; group: string; version: string }
  | { type: 'unknown' };

/** Splits `/kubernetes/<cluster>/rest` into cluster and rest; bare paths belong to `global`. */
export function splitCluster(pathname: string): { cluster: string; rest: string } {
  if (pathname.startsWith('/kubernetes/')) {
    const after = pathname.slice('/kubernetes/'.length);
    const slash = after.indexOf('/');
    const cluster = slash < 0 ? after : after.slice(0, slash);
    const rest = slash < 0 ? '/' : after.slice(slash);
    return { cluster: decodeURIComponent(cluster), rest };
  }
  return { cluster: ROOT_CLUSTER, rest: pathname };
}

/** Classifies a cluster-relative path. */
export function parseApiPath(path: string): ApiRequest {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { type: 'unknown' };
  switch (parts[0]) {
    case 'version':
      return parts.length === 1 ? { type: 'version' } : { type: 'unknown' };
    case 'healthz':
    case 'readyz':
    case 'livez':
      return { type: 'healthz' };
    case 'openapi':
      return parseOpenApi(parts);
    case 'api':
      return parseCore(parts.slice(1));
    case 'apis':
      return parseNamed(parts.slice(1));
    default:
      return { type: 'unknown' };
  }
}

function parseOpenApi(parts: string[]): ApiRequest {
  if (parts[1] === 'v2' && parts.length === 2) return { type: 'openapi-v2' };
  if (parts[1] !== 'v3') return { type: 'unknown' };
  if (parts.length === 2) return { type: 'openapi-v3-index' };
  if (parts[2] === 'api' && parts.length === 4) return { type: 'openapi-v3-doc', group: '', version: parts[3] };
  if (parts[2] === 'apis' && parts.length === 5) return { type: 'openapi-v3-doc', group: parts[3], version: parts[4] };
  return { type: 'unknown' };
}

function parseCore(parts: string[]): ApiRequest {
  if (parts.length === 0) return { type: 'api-root' };
  if (parts.length === 1) return { type: 'group-version', group: '', version: parts[0] };
  return parseResourceParts('', parts[0], parts.slice(1));
}

function parseNamed(parts: string[]): ApiRequest {
  if (parts.length === 0) return { type: 'apis-root' };
  if (parts.length === 1) return { type: 'group', group: parts[0] };
  if (parts.length === 2) return { type: 'group-version', group: parts[0], version: parts[1] };
  return parseResourceParts(parts[0], parts[1], parts.slice(2));
}

function parseResourceParts(group: string, version: string, parts: string[]): ApiRequest {
  // namespaces/<ns>/<resource>[/<name>[/<sub>]] — but `namespaces/<name>[/status|finalize]` is the Namespace itself.
  if (parts[0] === 'namespaces' && parts.length >= 3 && !(group === '' && (parts[2] === 'status' || parts[2] === 'finalize') && parts.length === 3)) {
    const [, namespace, resource, name, subresource, ...extra] = parts;
    if (extra.length > 0) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace, resource, name, subresource };
  }
  const [resource, name, subresource, ...extra] = parts;
  if (extra.length > 0) return { type: 'unknown' };
  return { type: 'resource', group, version, resource, name, subresource };
}
