/**
 * The chart repository (SPEC §9): Helm HTTP repositories at `/charts/<repo>/` (index.yaml, archives,
 * provenance files), ChartMuseum's upload API at `/api/<repo>/charts`, and Helm OCI charts pushed into the
 * platform registry under `<repo>/` listed in the same index. Which repositories exist is decided by
 * ChartRepo objects (`app.alauda.io`) in the global cluster; `public-charts` is created by default.
 * See README.md.
 *
 * @example
 * const charts = createChartRepository({ root: join(dataDir, 'charts'), auth, registry: registry.content });
 * await charts.start();
 * server.on('request', async (req, res) => { if (!(await charts.handle(req, res))) next(req, res); });
 * await charts.watchChartRepos(kubeClientOfGlobal, platformUrl, signal);
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { StatusError, createInformer } from '../kube/index.ts';
import type { ManifestEvent, RegistryAuth, RegistryContent } from '../registry/index.ts';
import { CHART_REPOS, CHART_REPO_NAMESPACE, DEFAULT_CHART_REPO, chartRepoObject, isHostedChartRepo } from './crd.ts';
import { handleChartRequest } from './http.ts';
import { ChartService } from './service.ts';

export { CHART_CRDS, CHART_REPO_CRD, CHART_REPOS, CHART_REPO_NAMESPACE, DEFAULT_CHART_REPO, chartRepoObject, isHostedChartRepo } from './crd.ts';
export { isChartRepositoryPath, parseChartRoute } from './routes.ts';
export { inspectChart } from './chart-archive.ts';
export { compareVersions, parseSemver } from './semver.ts';
export { ChartError } from './errors.ts';
export type { ChartEntry, ChartMetadata } from './types.ts';
export type { ChartService, UploadResult } from './service.ts';

export interface ChartRepositoryOptions {
  /** Storage directory for uploaded charts (e.g. `<data dir>/charts`). */
  root: string;
  /** Platform users, as the registry checks them (Basic or Bearer). */
  auth: RegistryAuth;
  /** Reads without credentials (the platform's `anonymousPull`). */
  anonymousGet?: boolean;
  /** The platform registry's content, for Helm OCI charts. */
  registry?: RegistryContent;
  onError?: (what: string, err: unknown) => void;
}

export interface ChartRepository {
  /** Handles `/charts/…` and ChartMuseum's `/api/<repo>/charts…`; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Wire to the registry's `onManifest`: keeps OCI charts listed. */
  onManifest(event: ManifestEvent): Promise<void>;
  /** Loads stored charts and scans the registry for OCI charts. */
  start(): Promise<void>;
  /**
   * Creates (or points at `platformUrl`) the default `public-charts` ChartRepo and follows ChartRepo objects
   * through the API; resolves once the first list is in. Until then only `public-charts` is served.
   */
  watchChartRepos(kube: KubeClient, platformUrl: string, signal: AbortSignal): Promise<void>;
  /** The in-memory state (tests, benchmarks). */
  readonly service: ChartService;
}

/** Creates the chart repository; call start() before serving. */
export function createChartRepository(opts: ChartRepositoryOptions): ChartRepository {
  const onError = opts.onError ?? (() => {});
  const service = new ChartService(opts.root, opts.registry, onError);
  let hosted: (name: string) => boolean = (name) => name === DEFAULT_CHART_REPO;
  return {
    service,
    handle: (req, res) => handleChartRequest({ service, auth: opts.auth, anonymousGet: opts.anonymousGet ?? false, isHosted: (n) => hosted(n) }, req, res),
    onManifest: (event) => service.onManifest(event),
    start: () => service.start(),
    async watchChartRepos(kube, platformUrl, signal) {
      await ensureDefaultChartRepo(kube, platformUrl);
      const informer = createInformer(kube, CHART_REPOS, { namespace: CHART_REPO_NAMESPACE });
      void informer.start(signal).catch((err) => onError('chartrepo watch', err));
      await informer.synced;
      hosted = (name) => {
        const obj = informer.get(name, CHART_REPO_NAMESPACE);
        return obj !== undefined && isHostedChartRepo(obj);
      };
    },
  };
}

/** Creates `public-charts`, or moves its URL to the current platform address when the platform manages it. */
export async function ensureDefaultChartRepo(kube: KubeClient, platformUrl: string): Promise<void> {
  const wanted = chartRepoObject(DEFAULT_CHART_REPO, platformUrl);
  const existing = await kube.tryGet<KubeObject>(CHART_REPOS, DEFAULT_CHART_REPO, CHART_REPO_NAMESPACE);
  if (!existing) {
    try {
      await kube.create(CHART_REPOS, wanted);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
    return;
  }
  const managed = existing.metadata.labels?.['cpaas.io/managed-by'] === 'marketplace';
  if (managed && (existing.spec as { url?: string }).url !== (wanted.spec as { url: string }).url) {
    await kube.patch(CHART_REPOS, DEFAULT_CHART_REPO, CHART_REPO_NAMESPACE, { spec: wanted.spec });
  }
}
