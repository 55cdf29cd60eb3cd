/**
 * API discovery for clients that apply arbitrary manifests (InstallPlan steps, Helm charts): maps a
 * group/version/kind to its resource through `/api/v1` and `/apis/<group>/<version>`, caching per
 * group/version and re-reading once on a miss (a CRD may have just been established).
 */
import type { KubeClient, ResourceRef } from './client.ts';
import { StatusError } from './errors.ts';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** GVK → resource mapping over one cluster's discovery documents. */
export interface RestMapper {
  /** The resource serving `kind` in group/version, or undefined when the server does not serve it. */
  resourceFor(group: string, version: string, kind: string): Promise<ResourceRef | undefined>;
}

/**
 * @example
 * const mapper = createRestMapper(kube);
 * const ref = await mapper.resourceFor('apps', 'v1', 'Deployment');   // { plural: 'deployments', namespaced: true, … }
 */
export function createRestMapper(kube: KubeClient): RestMapper {
  const discovery = new Map<string, ApiResource[]>();

  const resources = async (group: string, version: string, fresh: boolean): Promise<ApiResource[]> => {
    const gv = group ? `${group}/${version}` : version;
    if (!fresh && discovery.has(gv)) return discovery.get(gv)!;
    try {
      const list = await kube.request<{ resources?: ApiResource[] }>('GET', group ? `/apis/${gv}` : `/api/${version}`);
      const found = (list.resources ?? []).filter((r) => !r.name.includes('/'));
      discovery.set(gv, found);
      return found;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return [];
      throw err;
    }
  };

  return {
    async resourceFor(group, version, kind) {
      let found = (await resources(group, version, false)).find((r) => r.kind === kind);
      if (!found) found = (await resources(group, version, true)).find((r) => r.kind === kind);
      return found && { group, version, plural: found.name, namespaced: found.namespaced };
    },
  };
}

/**
 * Polls the CRD until its `Established` condition is True; false when `timeoutMs` passes (or the signal aborts)
 * first. The API server establishes CRDs asynchronously, so CRs applied right after their CRD would 404.
 */
export async function waitForEstablished(kube: KubeClient, crdName: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
  const deadline = Date.now() + (opts.timeoutMs ?? 2_000);
  for (;;) {
    const crd = await kube.tryGet(CRDS, crdName);
    const conditions = ((crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return true;
    if (Date.now() >= deadline || opts.signal?.aborted) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
