/**
 * The OLM operator (upstream `olm` binary): drives ClusterServiceVersions through their phases, keeps
 * OperatorGroup `status.namespaces` and the member CSVs' annotations, installs the deployment strategy and
 * deletes replaced CSVs. Reaches the cluster only through the Kubernetes API. See README.md "OLM operator".
 */
import { randomBytes } from 'node:crypto';
import type { Controller, Informer, KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { createController, createInformer, splitKey, StatusError } from '../../kube/index.ts';
import { OLM_RESOURCES } from '../crds/index.ts';
import { REPLACED_MESSAGE, stepCsv } from './olm-operator-csv.ts';
import type { CsvWorld } from './olm-operator-csv.ts';
import { targetNamespaces } from './olm-operator-groups.ts';
import { COPIED_FROM, syncCopies } from './olm-operator-copies.ts';
import type { OperatorGroup } from './olm-operator-groups.ts';
import { applyDeployments, checkDeployments, DEPLOYMENTS, OWNER_LABELS } from './olm-operator-install.ts';
import { canonical, CSV_PHASE, CSV_REASON, nowTime, setPhase } from './olm-operator-status.ts';
import type { Csv, CsvStatus } from './olm-operator-status.ts';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', namespaced: true };

/** Options of {@link createOlmOperator}. */
export interface OlmOperatorOptions {
  kube: KubeClient;
  signal: AbortSignal;
  /** Installing longer than this fails with `InstallCheckFailed` / "install timeout" (default 5 min). */
  installTimeoutMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/** A running OLM operator. */
export interface OlmOperator {
  /** Starts informers and controllers; resolves once the informers listed. */
  start(): Promise<void>;
  /** Resolves when no key is queued or being processed (tests). */
  idle(): Promise<void>;
}

/**
 * @example
 * const olm = createOlmOperator({ kube, signal });
 * await olm.start();
 */
export function createOlmOperator(opts: OlmOperatorOptions): OlmOperator {
  const { kube, signal } = opts;
  const inf = {
    csvs: createInformer<Csv>(kube, OLM_RESOURCES.ClusterServiceVersion),
    groups: createInformer<OperatorGroup>(kube, OLM_RESOURCES.OperatorGroup),
    deployments: createInformer(kube, DEPLOYMENTS, { labelSelector: OWNER_LABELS.name }),
    crds: createInformer(kube, CRDS),
    accounts: createInformer(kube, SERVICE_ACCOUNTS),
    namespaces: createInformer(kube, NAMESPACES),
    olmConfig: createInformer(kube, OLM_RESOURCES.OLMConfig),
  };
  const world: CsvWorld = {
    csvs: (ns) => inf.csvs.list(ns).filter((c) => !c.metadata.labels?.['olm.copiedFrom']),
    operatorGroups: (ns) => inf.groups.list(ns),
    namespaces: () => inf.namespaces.list(),
    crd: (name) => inf.crds.get(name),
    serviceAccount: (name, ns) => inf.accounts.get(name, ns),
    checkInstall: (csv) => checkDeployments(csv, (name, ns) => inf.deployments.get(name, ns)),
    now: nowTime,
    installTimeoutMs: opts.installTimeoutMs ?? 300_000,
  };

  const writeCsvStatus = async (csv: Csv, status: CsvStatus) => {
    if (canonical(status) === canonical(csv.status ?? {})) return;
    const path = kube.path(OLM_RESOURCES.ClusterServiceVersion, csv.metadata.namespace, csv.metadata.name, 'status');
    // Replace the whole status with the resourceVersion as precondition: a stale cache gets a conflict and a retry.
    await kube.request('PUT', path, { ...csv, status });
    if (status.phase !== csv.status?.phase || status.reason !== csv.status?.reason) await phaseEvent(csv, status);
  };

  /** Every phase change emits an Event: Warning for Failed, Normal otherwise. */
  const phaseEvent = async (csv: Csv, status: CsvStatus) => {
    const now = nowTime();
    await kube.create(EVENTS, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${csv.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: csv.metadata.namespace },
      involvedObject: { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', namespace: csv.metadata.namespace, name: csv.metadata.name, uid: csv.metadata.uid },
      type: status.phase === CSV_PHASE.Failed ? 'Warning' : 'Normal', reason: status.reason, message: status.message,
      source: { component: 'operator-lifecycle-manager' }, reportingComponent: 'operator-lifecycle-manager',
      firstTimestamp: now, lastTimestamp: now, count: 1,
    }).catch(() => undefined);
  };

  const reconcileCsv = async (ns: string, name: string): Promise<void | { requeueAfterMs: number }> => {
    const csv = inf.csvs.get(name, ns);
    if (!csv || csv.metadata.deletionTimestamp || csv.metadata.labels?.['olm.copiedFrom']) return;
    const step = stepCsv(csv, world);
    switch (step.kind) {
      case 'none':
        return step.requeueAfterMs ? { requeueAfterMs: step.requeueAfterMs } : undefined;
      case 'annotate':
        await kube.patch(OLM_RESOURCES.ClusterServiceVersion, name, ns, { metadata: { annotations: step.annotations } });
        return;
      case 'status':
        await writeCsvStatus(csv, step.status);
        return step.requeueAfterMs ? { requeueAfterMs: step.requeueAfterMs } : undefined;
      case 'install':
        try {
          await applyDeployments(kube, csv);
        } catch (err) {
          const message = `install strategy failed: ${err instanceof Error ? err.message : String(err)}`;
          await writeCsvStatus(csv, setPhase(csv.status ?? {}, CSV_PHASE.Failed, CSV_REASON.InstallComponentFailed, message, nowTime()) ?? csv.status ?? {});
          return;
        }
        await writeCsvStatus(csv, step.status);
        return;
      case 'markDeleting':
        for (const n of step.names) {
          const old = inf.csvs.get(n, ns);
          if (!old) continue;
          const next = setPhase(old.status ?? {}, CSV_PHASE.Deleting, CSV_REASON.Replaced, REPLACED_MESSAGE, nowTime());
          if (next) await writeCsvStatus(old, next).catch(() => undefined);
          csvs.enqueue(`${ns}/${n}`);
        }
        return;
      case 'delete':
        await kube.delete(OLM_RESOURCES.ClusterServiceVersion, name, ns).catch((err: unknown) => {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        });
        return;
    }
  };

  /** syncOperatorGroups (status part): `status.namespaces` and `lastUpdated`, written only when changed. */
  const reconcileGroup = async (ns: string, name: string) => {
    const og = inf.groups.get(name, ns);
    if (!og || og.metadata.deletionTimestamp) return;
    const namespaces = targetNamespaces(og, inf.namespaces.list());
    if (canonical(og.status?.namespaces ?? null) === canonical(namespaces)) return;
    const path = kube.path(OLM_RESOURCES.OperatorGroup, ns, name, 'status');
    await kube.request('PATCH', path, { status: { namespaces, lastUpdated: nowTime() } }, 'application/merge-patch+json');
  };

  let csvs: Controller;
  let groups: Controller;
  let copies: Controller;
  const enqueueNamespace = (ns: string | undefined) => {
    for (const c of inf.csvs.list(ns)) csvs.enqueue(`${c.metadata.namespace}/${c.metadata.name}`);
  };
  /** Copies follow their source: every source CSV (or, for a copy, its source) is re-synced. */
  const enqueueCopies = (c?: KubeObject) => {
    const sources = c ? [c] : inf.csvs.list().filter((x) => !x.metadata.labels?.[COPIED_FROM]);
    for (const x of sources) copies.enqueue(`${x.metadata.labels?.[COPIED_FROM] ?? x.metadata.namespace}/${x.metadata.name}`);
  };

  return {
    async start() {
      csvs = createController({ name: 'olm-csv', baseDelayMs: 200, reconcile: (key) => reconcileCsv(splitKey(key).namespace!, splitKey(key).name), onError: opts.onError });
      copies = createController({ name: 'olm-copied-csvs', baseDelayMs: 200, reconcile: (key) => syncCopies({ kube, ...inf }, splitKey(key).namespace!, splitKey(key).name), onError: opts.onError });
      groups = createController({ name: 'olm-operatorgroup', baseDelayMs: 200, reconcile: (key) => reconcileGroup(splitKey(key).namespace!, splitKey(key).name), onError: opts.onError });
      inf.csvs.on((_ev, c) => {
        csvs.enqueue(`${c.metadata.namespace}/${c.metadata.name}`);
        // The replaced CSV must notice its replacement (→ Replacing), and the other way round.
        enqueueNamespace(c.metadata.namespace);
        enqueueCopies(c);
      });
      inf.groups.on((_ev, og) => {
        groups.enqueue(`${og.metadata.namespace}/${og.metadata.name}`);
        enqueueNamespace(og.metadata.namespace);
        for (const c of inf.csvs.list(og.metadata.namespace)) enqueueCopies(c);
      });
      inf.namespaces.on(() => {
        for (const og of inf.groups.list()) if (og.spec?.selector) groups.enqueue(`${og.metadata.namespace}/${og.metadata.name}`);
        enqueueNamespace(undefined);
        enqueueCopies();
      });
      inf.olmConfig.on(() => enqueueCopies());
      inf.deployments.on((_ev, d: KubeObject) => {
        const owner = d.metadata.labels?.[OWNER_LABELS.name];
        const ownerNs = d.metadata.labels?.[OWNER_LABELS.namespace];
        if (owner && ownerNs) csvs.enqueue(`${ownerNs}/${owner}`);
      });
      inf.crds.on(() => enqueueNamespace(undefined));
      inf.accounts.on((_ev, sa) => enqueueNamespace(sa.metadata.namespace));
      const all = Object.values(inf);
      for (const i of all) void (i as Informer).start(signal);
      await Promise.all(all.map((i) => i.synced));
      groups.start(signal);
      csvs.start(signal);
      copies.start(signal);
    },
    async idle() {
      await groups.idle();
      await csvs.idle();
      await copies.idle();
    },
  };
}
