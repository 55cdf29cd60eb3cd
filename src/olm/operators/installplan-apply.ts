/**
 * Applying one InstallPlan step through the Kubernetes API: the kind is found by API discovery
 * (`/api/v1`, `/apis/<group>/<version>`), the object is written with server-side apply under one field
 * manager, and CRDs are awaited until `Established`.
 */
import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { StatusError } from '../../kube/index.ts';
import type { Step, StepStatus } from './installplan-steps.ts';

/** The field manager of every write the executor makes. */
export const INSTALLPLAN_FIELD_MANAGER = 'olm-installplan';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** A step that could not be applied; `message` names the resource, as the plan's failure message. */
export class StepError extends Error {
  readonly forbidden: boolean;
  constructor(message: string, forbidden = false) {
    super(message);
    this.name = 'StepError';
    this.forbidden = forbidden;
  }
}

export interface StepApplierOptions {
  /** How long to wait for a CRD's `Established` condition before reporting `WaitingForApi` (default 2 s). */
  establishTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Applies steps for one executor; caches discovery per group/version. */
export interface StepApplier {
  /** Applies the step's manifest (namespaced objects go to `namespace`) and returns its new status. Throws {@link StepError}. */
  apply(step: Step, namespace: string): Promise<StepStatus>;
}

/**
 * @example
 * const applier = createStepApplier(kube);
 * step.status = await applier.apply(step, 'harbor');   // 'Created' | 'Present' | 'WaitingForApi'
 */
export function createStepApplier(kube: KubeClient, opts: StepApplierOptions = {}): StepApplier {
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

  const refFor = async (group: string, version: string, kind: string): Promise<ResourceRef | undefined> => {
    let found = (await resources(group, version, false)).find((r) => r.kind === kind);
    if (!found) found = (await resources(group, version, true)).find((r) => r.kind === kind);
    return found && { group, version, plural: found.name, namespaced: found.namespaced };
  };

  const established = async (name: string): Promise<boolean> => {
    const deadline = Date.now() + (opts.establishTimeoutMs ?? 2_000);
    for (;;) {
      const crd = await kube.tryGet(CRDS, name);
      const conditions = ((crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return true;
      if (Date.now() >= deadline || opts.signal?.aborted) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    async apply(step, namespace) {
      const { kind, group, version, name } = step.resource;
      const what = `${describeKind(kind)} ${name}`;
      try {
        const obj = JSON.parse(step.resource.manifest ?? 'null') as KubeObject | null;
        if (!obj || typeof obj !== 'object' || !obj.metadata) throw new Error('the step has no manifest');
        const realKind = obj.kind ?? kind;
        const ref = await refFor(group, version, realKind);
        if (!ref) throw new Error(`the server does not serve ${realKind} in ${group ? `${group}/${version}` : version}`);
        const body: KubeObject = { ...obj, metadata: { ...obj.metadata } };
        if (ref.namespaced) body.metadata.namespace = namespace;
        else delete body.metadata.namespace;
        const existed = (await kube.tryGet(ref, name, ref.namespaced ? namespace : undefined)) !== undefined;
        await kube.apply(ref, body, INSTALLPLAN_FIELD_MANAGER);
        if (realKind === 'CustomResourceDefinition' && !(await established(name))) return 'WaitingForApi';
        return existed ? 'Present' : 'Created';
      } catch (err) {
        const forbidden = err instanceof StatusError && err.code === 403;
        throw new StepError(`error creating ${what}: ${err instanceof Error ? err.message : String(err)}`, forbidden);
      }
    },
  };
}

/** Upstream's wording in error messages: `csv`, `crd`, otherwise the kind. */
function describeKind(kind: string): string {
  if (kind === 'ClusterServiceVersion') return 'csv';
  if (kind === 'CustomResourceDefinition') return 'crd';
  return kind;
}
