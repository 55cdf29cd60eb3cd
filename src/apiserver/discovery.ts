import type { ResourceDef } from './resource.ts';
import type { ResourceRegistry } from './registry.ts';
import { apiVersionOf } from '../kube/index.ts';

/** Discovery documents, legacy (APIVersions / APIGroupList / APIResourceList) and aggregated (apidiscovery v2). */

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[]): unknown {
  const gvs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  const groups = registry.groups().filter((g) => g.group !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(g.group, g.versions)) };
}

export function apiGroup(registry: ResourceRegistry, group: string): unknown | undefined {
  const g = registry.groups().find((x) => x.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(g.group, g.versions) as object) } : undefined;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const defs = registry.all().filter((d) => d.group === group && d.version === version);
  if (defs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const d of defs) {
    resources.push(withoutEmpty({ name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs, shortNames: d.shortNames, categories: d.categories }));
    if (d.statusSubresource) resources.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    if (d.scale) resources.push({ name: `${d.plural}/scale`, singularName: '', namespaced: d.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    if (d.kind === 'Namespace' && d.group === '') resources.push({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList for `/api` (core only) or `/apis` (named groups). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): unknown {
  const groups = registry.groups().filter((g) => (g.group === '') === core);
  const items = groups.map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      freshness: 'Current',
      resources: registry.all().filter((d) => d.group === g.group && d.version === v).map(resourceDiscovery),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function resourceDiscovery(d: ResourceDef): unknown {
  const responseKind = { group: d.group, version: d.version, kind: d.kind };
  const subresources: unknown[] = [];
  if (d.statusSubresource) subresources.push({ subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] });
  if (d.scale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  return withoutEmpty({
    resource: d.plural,
    singularResource: d.singular,
    responseKind,
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    verbs: d.verbs,
    shortNames: d.shortNames,
    categories: d.categories,
    subresources,
  });
}

function withoutEmpty(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}
