/**
 * Applying one InstallPlan step through the Kubernetes API: the kind is found by API discovery
 * (`/api/v1`, `/apis/<group>/<version>`), the object is written with server-side apply under one field
 * manager, and CRDs are awaited until `Established`.
 */
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { createRestMapper, StatusError, waitForEstablished } from '../../kube/index.ts';
import type { Step, StepStatus } from './installplan-steps.ts';

/** The field manager of every write the executor makes. */
export const INSTALLPLAN_FIELD_MANAGER = 'olm-installplan';

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
  const mapper = createRestMapper(kube);
  const established = (name: string) => waitForEstablished(kube, name, { timeoutMs: opts.establishTimeoutMs ?? 2_000, signal: opts.signal });

  return {
    async apply(step, namespace) {
      const { kind, group, version, name } = step.resource;
      const what = `${describeKind(kind)} ${name}`;
      try {
        const obj = JSON.parse(step.resource.manifest ?? 'null') as KubeObject | null;
        if (!obj || typeof obj !== 'object' || !obj.metadata) throw new Error('the step has no manifest');
        const realKind = obj.kind ?? kind;
        const ref = await mapper.resourceFor(group, version, realKind);
        if (!ref) throw new Error(`the server does not serve ${realKind} in ${group ? `${group}/${version}` : version}`);
        const body: KubeObject = { ...obj, metadata: { ...obj.metadata } };
        if (ref.namespaced) body.metadata.namespace = namespace;
        else delete body.metadata.namespace;
        const current = await kube.tryGet(ref, name, ref.namespaced ? namespace : undefined);
        // A copied CSV (another namespace's AllNamespaces operator) gives way to a real install of the same name.
        if (current && realKind === 'ClusterServiceVersion' && current.metadata.labels?.['olm.copiedFrom']) await kube.delete(ref, name, namespace);
        const existed = current !== undefined && !current.metadata.labels?.['olm.copiedFrom'];
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
