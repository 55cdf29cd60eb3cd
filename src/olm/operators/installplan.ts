/**
 * The InstallPlan executor — the part of upstream's catalog operator that runs approved plans
 * (`transitionInstallPlanState` + `ExecutePlan`, olm.md §4.8). Watches InstallPlans in all namespaces;
 * for an approved plan that is neither Complete nor Failed it unpacks each `status.bundleLookups[]`
 * bundle image, writes the steps to `status.plan[]`, applies them with server-side apply and finishes the
 * plan `Complete` (condition `Installed` True) or, after its retries, `Failed` (`InstallComponentFailed`).
 * Plans that are not approved are left alone (RequiresApproval). Level-based: every pass re-reads the
 * plan, skips `Created`/`Present` steps, and applying again after a crash neither duplicates nor
 * changes anything.
 */
import type { KubeClient } from '../../kube/index.ts';
import { createController, createInformer, objectKey, splitKey } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import { parseReference } from '../../oci/index.ts';
import { unpackBundleImage } from '../catalog/bundle-image.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { createStepApplier, StepError } from './installplan-apply.ts';
import type { StepApplier } from './installplan-apply.ts';
import type { BundleLookup, Step } from './installplan-steps.ts';
import { stepDone, stepKey, stepsForBundle } from './installplan-steps.ts';
import type { InstallPlan } from './installplan-status.ts';
import { nowTime, REASON_COMPONENT_FAILED, writeStatus } from './installplan-status.ts';

export interface InstallPlanExecutorOptions {
  kube: KubeClient;
  /**
   * Client for the registry holding the bundle images. Bundles are fetched by digest (content-addressed),
   * so the host in a lookup's `path` is not checked against the client's.
   */
  registry: RegistryClient;
  signal: AbortSignal;
  /** Failed attempts before the plan is `Failed` (default 5). Forbidden errors are retried forever, as upstream. */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt, capped at 30 s (default 1000 ms). */
  retryBaseDelayMs?: number;
  /** Upstream `--install-plan-retry-timeout`: failing after this long since `startTime` is final (default 60 s). */
  retryTimeoutMs?: number;
  /** Re-check delay while a CRD is not yet Established (default 5000 ms, as upstream). */
  waitingRequeueMs?: number;
  /** How long one pass waits for a CRD to become Established (default 2000 ms). */
  establishTimeoutMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/** A running executor. */
export interface InstallPlanExecutor {
  /** Starts the informer and the worker; resolves once the first list is in. */
  start(): Promise<void>;
  /** Resolves when the informer has synced and no plan is queued or being processed. */
  idle(): Promise<void>;
}

/**
 * @example
 * const executor = createInstallPlanExecutor({ kube, registry, signal });
 * await executor.start();
 */
export function createInstallPlanExecutor(opts: InstallPlanExecutorOptions): InstallPlanExecutor {
  const { kube, signal } = opts;
  const informer = createInformer<InstallPlan>(kube, OLM_RESOURCES.InstallPlan);
  const applier = createStepApplier(kube, { establishTimeoutMs: opts.establishTimeoutMs, signal });
  const attempts = new Map<string, number>();
  const controller = createController({
    name: 'installplan-executor',
    reconcile: (key) => reconcile(key),
    onError: opts.onError,
  });
  informer.on((event, obj) => {
    if (event === 'delete') attempts.delete(obj.metadata.uid ?? '');
    else controller.enqueue(objectKey(obj));
  });

  async function reconcile(key: string): Promise<void | { requeueAfterMs: number }> {
    const { namespace, name } = splitKey(key);
    const plan = await kube.tryGet<InstallPlan>(OLM_RESOURCES.InstallPlan, name, namespace);
    if (!plan || !needsExecution(plan) || !readyToExecute(plan)) return;
    const uid = plan.metadata.uid ?? key;
    const startTime = plan.status?.startTime ?? nowTime();
    let steps = plan.status?.plan ?? [];
    try {
      steps = await planSteps(plan, opts.registry, signal);
      await writeStatus(kube, plan, { phase: 'Installing', plan: steps, startTime, message: plan.status?.message });
      const waiting = await execute(applier, steps, namespace!);
      if (waiting) {
        await writeStatus(kube, plan, { phase: 'Installing', plan: steps, startTime });
        return { requeueAfterMs: opts.waitingRequeueMs ?? 5_000 };
      }
      attempts.delete(uid);
      await writeStatus(kube, plan, { phase: 'Complete', plan: steps, startTime, installed: { status: 'True' } });
    } catch (err) {
      if (signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      const forbidden = err instanceof StepError && err.forbidden;
      const n = forbidden ? 0 : (attempts.get(uid) ?? 0) + 1;
      attempts.set(uid, n);
      const expired = Date.now() - Date.parse(startTime) >= (opts.retryTimeoutMs ?? 60_000);
      if (!forbidden && (n >= (opts.maxAttempts ?? 5) || expired)) {
        attempts.delete(uid);
        await writeStatus(kube, plan, { phase: 'Failed', plan: steps, startTime, message, installed: { status: 'False', reason: REASON_COMPONENT_FAILED, message } });
        return;
      }
      await writeStatus(kube, plan, { phase: 'Installing', plan: steps, startTime, message: `retrying execution due to error: ${message}` });
      return { requeueAfterMs: Math.min((opts.retryBaseDelayMs ?? 1_000) * 2 ** Math.max(n - 1, 0), 30_000) };
    }
  }

  return {
    async start() {
      void informer.start(signal);
      controller.start(signal);
      await informer.synced;
    },
    async idle() {
      await informer.synced;
      await controller.idle();
    },
  };
}

/** Approved and not finished. `RequiresApproval` plans are left untouched until `spec.approved` is true. */
export function needsExecution(plan: InstallPlan): boolean {
  const phase = plan.status?.phase ?? '';
  return plan.spec?.approved === true && phase !== 'Complete' && phase !== 'Failed';
}

/**
 * Every step can be produced: it has an inline manifest or a bundle lookup for its CSV. Otherwise the
 * plan is waiting for its lookups (or is empty) and is left alone until they appear.
 */
function readyToExecute(plan: InstallPlan): boolean {
  const lookups = new Set((plan.status?.bundleLookups ?? []).map((l) => l.identifier));
  const steps = plan.status?.plan ?? [];
  if (!lookups.size && !steps.length) return false;
  return steps.every((s) => lookups.has(s.resolving) || inlineManifest(s));
}

/**
 * The plan's steps: kept from `status.plan` for a bundle whose steps already carry inline manifests,
 * otherwise built from the unpacked bundle image, with statuses carried over by step key.
 */
async function planSteps(plan: InstallPlan, registry: RegistryClient, signal: AbortSignal): Promise<Step[]> {
  const existing = plan.status?.plan ?? [];
  const lookups = plan.status?.bundleLookups ?? [];
  const out: Step[] = [];
  for (const lookup of lookups) {
    const mine = existing.filter((s) => s.resolving === lookup.identifier);
    if (mine.length && mine.every(inlineManifest)) {
      out.push(...mine);
      continue;
    }
    const statuses = new Map(mine.map((s) => [stepKey(s), s.status]));
    const built = stepsForBundle(await unpack(registry, lookup, signal), lookup, plan.metadata.namespace!);
    const keys = new Set(built.map(stepKey));
    out.push(...built.map((s) => ({ ...s, status: statuses.get(stepKey(s)) ?? s.status })));
    // Steps the catalog operator added with inline manifests (dependency Subscriptions) stay, after the bundle's.
    out.push(...mine.filter((s) => !keys.has(stepKey(s)) && inlineManifest(s)));
  }
  const covered = new Set(lookups.map((l) => l.identifier));
  out.push(...existing.filter((s) => !covered.has(s.resolving) && inlineManifest(s)));
  return out.map((s) => generatedBy(s, plan.metadata.name!));
}

/** Subscription steps carry upstream's annotation `olm.generated-by: <install plan name>`. */
function generatedBy(s: Step, planName: string): Step {
  if (s.resource.kind !== 'Subscription' || s.resource.group !== 'operators.coreos.com') return s;
  const obj = JSON.parse(s.resource.manifest!) as { metadata: { annotations?: Record<string, string> } };
  if (obj.metadata.annotations?.['olm.generated-by']) return s;
  obj.metadata.annotations = { ...obj.metadata.annotations, 'olm.generated-by': planName };
  return { ...s, resource: { ...s.resource, manifest: JSON.stringify(obj) } };
}

async function unpack(registry: RegistryClient, lookup: BundleLookup, signal: AbortSignal) {
  try {
    const ref = parseReference(lookup.path);
    if (!ref.digest) throw new Error('the bundle path has no @sha256 digest');
    return await unpackBundleImage(registry, ref.repository, ref.digest, signal);
  } catch (err) {
    throw new Error(`error unpacking bundle ${lookup.path} for ${lookup.identifier}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** True when the step's manifest is the object itself (not upstream's ConfigMap reference). */
function inlineManifest(s: Step): boolean {
  try {
    const obj = JSON.parse(s.resource.manifest ?? 'null') as { kind?: string; metadata?: unknown } | null;
    const kind = s.resource.kind === 'BundleSecret' ? 'Secret' : s.resource.kind;
    return !!obj && obj.kind === kind && typeof obj.metadata === 'object';
  } catch {
    return false;
  }
}

/**
 * Applies the steps that are not done, in mutating order: CRDs (awaited until Established), then
 * everything but CSVs, then the CSVs — so the OLM operator sees a CSV only once its CRDs and RBAC exist.
 * Statuses are updated in place; returns true when a CRD is still `WaitingForApi`.
 */
async function execute(applier: StepApplier, steps: Step[], namespace: string): Promise<boolean> {
  const rank = (s: Step) => (s.resource.kind === 'CustomResourceDefinition' ? 0 : s.resource.kind === 'ClusterServiceVersion' ? 2 : 1);
  for (const phase of [0, 1, 2]) {
    for (const step of steps) {
      if (rank(step) !== phase || stepDone(step)) continue;
      step.status = await applier.apply(step, namespace);
    }
    if (steps.some((s) => s.status === 'WaitingForApi')) return true;
  }
  return false;
}
