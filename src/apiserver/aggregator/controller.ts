import type { KubeObject } from '../../kube/index.ts';
import type { ClusterState } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import type { ObjectStore } from '../store.ts';
import { ignoreNotFound } from '../controllers/namespaces.ts';
import { defsFromResourceList } from './discovery.ts';
import type { BackendTarget } from './proxy.ts';
import { fetchJson } from './proxy.ts';

interface APIServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace: string; name: string; port?: number } | null;
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
}

interface Availability {
  available: boolean;
  reason: string;
  message: string;
}

const RETRY_MS = 2000;

/**
 * kube-aggregator, in-process: for each APIService with a service, resolve the backend through the
 * Service (ExternalName, or its Endpoints), discover its resources, serve them by proxy, and keep
 * the APIService's Available condition current.
 */
export class Aggregator {
  private readonly store: ObjectStore;
  private readonly clusters: (name: string) => ClusterState | undefined;
  private readonly signal: AbortSignal;
  private readonly targets = new Map<string, BackendTarget>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(store: ObjectStore, clusters: (name: string) => ClusterState | undefined, signal: AbortSignal) {
    this.store = store;
    this.clusters = clusters;
    this.signal = signal;
    store.onWrite((cluster, def, obj, deleted) => this.observe(cluster, def, obj, deleted));
  }

  /** The backend of an aggregated group/version, when one is available. */
  target(cluster: string, group: string, version: string): BackendTarget | undefined {
    return this.targets.get(`${cluster}/${group}/${version}`);
  }

  /** Syncs every APIService of a cluster (start-up, cluster added). */
  async load(cluster: string): Promise<void> {
    const def = this.apiServiceDef(cluster);
    if (!def) return;
    for (const svc of (await this.store.list(cluster, def, {})).items) await this.sync(cluster, svc.metadata.name!);
  }

  private observe(cluster: string, def: ResourceDef, obj: KubeObject, deleted: boolean): void | Promise<void> {
    if (def.group === 'apiregistration.k8s.io' && def.kind === 'APIService') {
      if (deleted) return this.forget(cluster, obj);
      return this.sync(cluster, obj.metadata.name!);
    }
    if (def.group === '' && (def.kind === 'Service' || def.kind === 'Endpoints')) void this.resyncForService(cluster, obj.metadata.namespace!, obj.metadata.name!);
  }

  private async resyncForService(cluster: string, namespace: string, name: string): Promise<void> {
    const def = this.apiServiceDef(cluster);
    if (!def) return;
    for (const svc of (await this.store.list(cluster, def, {})).items) {
      const ref = (svc.spec as APIServiceSpec).service;
      if (ref?.namespace === namespace && ref.name === name) await this.sync(cluster, svc.metadata.name!);
    }
  }

  private forget(cluster: string, obj: KubeObject): void {
    const spec = obj.spec as APIServiceSpec;
    this.targets.delete(`${cluster}/${spec.group}/${spec.version}`);
    this.clusters(cluster)?.registry.setCRD(`apiservice:${obj.metadata.name}`, []);
  }

  private async sync(cluster: string, name: string): Promise<void> {
    const def = this.apiServiceDef(cluster);
    const apiService = def ? await this.store.tryGet(cluster, def, undefined, name) : undefined;
    if (!def || !apiService || this.signal.aborted) return;
    const spec = apiService.spec as APIServiceSpec;
    if (!spec.service || !spec.group || !spec.version) return;
    const key = `${cluster}/${spec.group}/${spec.version}`;
    let availability: Availability;
    try {
      const target = await this.resolve(cluster, spec);
      const list = (await fetchJson(target, `/apis/${spec.group}/${spec.version}`)) as { resources?: [] };
      const defs = defsFromResourceList(spec.group, spec.version, list).map((d) => ({ ...d, aggregated: true }));
      this.targets.set(key, target);
      this.clusters(cluster)?.registry.setCRD(`apiservice:${name}`, defs);
      availability = { available: true, reason: 'Passed', message: 'all checks passed' };
    } catch (err) {
      this.targets.delete(key);
      this.clusters(cluster)?.registry.setCRD(`apiservice:${name}`, []);
      availability = (err as { availability?: Availability }).availability ?? { available: false, reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${spec.group}/${spec.version}: ${(err as Error).message}` };
      this.retryLater(cluster, name);
    }
    await this.writeCondition(cluster, def, name, availability);
  }

  private retryLater(cluster: string, name: string): void {
    const id = `${cluster}/${name}`;
    if (this.retries.has(id) || this.signal.aborted) return;
    const timer = setTimeout(() => {
      this.retries.delete(id);
      void this.sync(cluster, name).catch(() => undefined);
    }, RETRY_MS);
    timer.unref();
    this.retries.set(id, timer);
  }

  /** Service → URL: ExternalName host, or the first ready address of its Endpoints. */
  private async resolve(cluster: string, spec: APIServiceSpec): Promise<BackendTarget> {
    const ref = spec.service!;
    const reg = this.clusters(cluster)!.registry;
    const service = await this.store.tryGet(cluster, reg.lookup('', 'v1', 'services')!, ref.namespace, ref.name);
    if (!service) throw unavailable('ServiceNotFound', `service/${ref.name} in "${ref.namespace}" is not present`);
    const port = ref.port ?? 443;
    const tls = { ca: spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString() : undefined, insecureSkipTLSVerify: !!spec.insecureSkipTLSVerify };
    const svcSpec = service.spec as { type?: string; externalName?: string };
    if (svcSpec.type === 'ExternalName' && svcSpec.externalName) return { url: `https://${svcSpec.externalName}:${port}`, ...tls };
    const endpoints = await this.store.tryGet(cluster, reg.lookup('', 'v1', 'endpoints')!, ref.namespace, ref.name);
    const subset = (endpoints?.subsets as { addresses?: { ip: string }[]; ports?: { port: number; name?: string; appProtocol?: string }[] }[] | undefined)?.find((s) => s.addresses?.length);
    if (!subset) throw unavailable('MissingEndpoints', `endpoints for service/${ref.name} in "${ref.namespace}" have no addresses`);
    const epPort = subset.ports?.length === 1 ? subset.ports[0] : subset.ports?.find((p) => p.port === port) ?? subset.ports?.[0];
    const scheme = epPort?.appProtocol === 'http' ? 'http' : 'https';
    const host = subset.addresses![0].ip.includes(':') ? `[${subset.addresses![0].ip}]` : subset.addresses![0].ip;
    return { url: `${scheme}://${host}:${epPort?.port ?? port}`, ...tls };
  }

  private async writeCondition(cluster: string, def: ResourceDef, name: string, a: Availability): Promise<void> {
    await this.store
      .update(cluster, def, undefined, name, (cur) => {
        const status = (cur!.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
        const old = status.conditions?.find((c) => c.type === 'Available');
        const value = a.available ? 'True' : 'False';
        const condition = { type: 'Available', status: value, lastTransitionTime: old?.status === value ? old.lastTransitionTime : this.store.timestamp(), reason: a.reason, message: a.message };
        return { ...cur!, status: { ...status, conditions: [condition] } };
      }, { dryRun: false, fieldManager: 'kube-aggregator', fieldValidation: 'Ignore', subresource: 'status' })
      .catch(ignoreNotFound);
  }

  private apiServiceDef(cluster: string): ResourceDef | undefined {
    return this.clusters(cluster)?.registry.lookup('apiregistration.k8s.io', 'v1', 'apiservices');
  }
}

function unavailable(reason: string, message: string): Error {
  return Object.assign(new Error(message), { availability: { available: false, reason, message } });
}
