/**
 * The node simulator: logical clusters have no kubelet, so this controller plays kube-controller-manager plus
 * kubelet for workloads. A workload becomes ready only when every image of its pod template is in the
 * platform registry; otherwise it reports an image-pull failure naming the image and a Warning Event.
 */
import { createHash } from 'node:crypto';
import type { Controller, KubeClient, KubeObject, ResourceRef } from '../kube/index.ts';
import { createController, createInformer, StatusError } from '../kube/index.ts';
import type { Informer } from '../kube/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import type { ImageChecker } from './images.ts';
import { createImageChecker, pullFailedMessage, templateImages } from './images.ts';
import type { Condition, WorkloadKind } from './status.ts';
import { desiredStatus, jobFinished, mergeConditions } from './status.ts';

/** Resources of the workload kinds. */
export const WORKLOAD_RESOURCES: Readonly<Record<WorkloadKind, ResourceRef>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
};
const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', namespaced: true };
const KINDS = Object.keys(WORKLOAD_RESOURCES) as WorkloadKind[];

/** Options of {@link createNodeSimulator}. */
export interface NodeSimulatorOptions {
  kube: KubeClient;
  /** The platform registry. */
  registry: RegistryClient;
  signal: AbortSignal;
  /** How often workloads with missing images are checked again (default 3 s). */
  recheckMs?: number;
  /** Overrides the registry lookup cache (default: present 30 s, missing 2 s). */
  images?: ImageChecker;
}

/** A running node simulator. */
export interface NodeSimulator {
  /** Starts the informers and the controller; resolves once the informers listed. */
  start(): Promise<void>;
  /** Resolves when nothing is queued or being processed (tests). */
  idle(): Promise<void>;
}

/**
 * @example
 * const sim = createNodeSimulator({ kube, registry: createRegistryClient({ registry: 'platform:443' }), signal });
 * await sim.start();
 */
export function createNodeSimulator(opts: NodeSimulatorOptions): NodeSimulator {
  const { kube, signal } = opts;
  const images = opts.images ?? createImageChecker(opts.registry, { missingTtlMs: Math.min(2_000, opts.recheckMs ?? 2_000) });
  const recheckMs = opts.recheckMs ?? 3_000;
  const informers = new Map<WorkloadKind, Informer>();
  let controller: Controller;

  const reconcile = async (key: string): Promise<void | { requeueAfterMs: number }> => {
    const [kind, namespace, name] = key.split('/') as [WorkloadKind, string, string];
    const obj = informers.get(kind)!.get(name, namespace);
    if (!obj || obj.metadata.deletionTimestamp) return;
    if (kind === 'Job' && jobFinished(obj)) return;
    const wanted = templateImages((obj.spec as { template?: unknown } | undefined)?.template);
    const missing: string[] = [];
    for (const image of wanted) if (!(await images.present(image, signal))) missing.push(image);
    await writeStatus(kind, obj, missing);
    for (const image of missing) await warn(kind, obj, image);
    return missing.length ? { requeueAfterMs: recheckMs } : undefined;
  };

  const writeStatus = async (kind: WorkloadKind, obj: KubeObject, missing: string[]) => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const current = (obj.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
    const desired = desiredStatus(kind, obj, missing);
    const next: Record<string, unknown> = { ...desired };
    const conditions = mergeConditions(kind, desired.conditions, current.conditions, now);
    if (conditions) next.conditions = conditions;
    else delete next.conditions;
    if (kind === 'Job') {
      next.startTime = current.startTime ?? now;
      if (!missing.length) next.completionTime = current.completionTime ?? now;
    }
    if (sameStatus(current, next)) return;
    // Merge patch: fields the simulator no longer wants are nulled.
    const patch: Record<string, unknown> = { ...next };
    for (const k of Object.keys(current)) if (!(k in next)) patch[k] = null;
    try {
      await kube.request('PATCH', kube.path(WORKLOAD_RESOURCES[kind], obj.metadata.namespace, obj.metadata.name, 'status'), { status: patch }, 'application/merge-patch+json');
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return;
      throw err;
    }
  };

  /** One Warning Event per (object, image); a repeat bumps `count` and `lastTimestamp` at most every 30 s. */
  const warn = async (kind: WorkloadKind, obj: KubeObject, image: string) => {
    const ns = obj.metadata.namespace!;
    const name = `${obj.metadata.name}.${createHash('sha256').update(`${obj.metadata.uid}/${image}`).digest('hex').slice(0, 16)}`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const existing = await kube.tryGet(EVENTS, name, ns);
    if (existing) {
      if (Date.parse(String(existing.lastTimestamp)) > Date.now() - 30_000) return;
      await kube.patch(EVENTS, name, ns, { count: Number(existing.count ?? 1) + 1, lastTimestamp: now });
      return;
    }
    const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
    await kube.create(EVENTS, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: { apiVersion, kind, namespace: ns, name: obj.metadata.name, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      type: 'Warning', reason: 'Failed', message: pullFailedMessage(image),
      source: { component: 'node-simulator' }, reportingComponent: 'node-simulator', reportingInstance: 'node-simulator',
      firstTimestamp: now, lastTimestamp: now, count: 1,
    }).catch((err: unknown) => {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    });
  };

  return {
    async start() {
      controller = createController({ name: 'node-simulator', reconcile, baseDelayMs: 200 });
      for (const kind of KINDS) {
        const inf = createInformer(kube, WORKLOAD_RESOURCES[kind]);
        inf.on((ev, obj) => {
          if (ev !== 'delete') controller.enqueue(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
        });
        informers.set(kind, inf);
        void inf.start(signal);
      }
      await Promise.all([...informers.values()].map((i) => i.synced));
      controller.start(signal);
    },
    idle: () => controller.idle(),
  };
}

function sameStatus(current: Record<string, unknown>, next: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(current), ...Object.keys(next)]);
  for (const k of keys) if (canonical(current[k]) !== canonical(next[k])) return false;
  return true;
}

/** JSON with object keys sorted, so key order never counts as a change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
