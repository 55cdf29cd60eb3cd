/**
 * Planning one chart of an AppRelease: fetch the archive, render it with helm, prepare the objects (labels,
 * namespaces) and hash them. Renders are cached by archive digest + values, so reconciles triggered by
 * workload status changes do not run helm again.
 */
import { createHash } from 'node:crypto';
import type { KubeObject, RestMapper } from '../kube/index.ts';
import { prepareObjects } from './apply.ts';
import type { ChartFetcher } from './chart-source.ts';
import type { AppRelease, AppReleaseChart } from './crd.ts';
import { renderChart } from './helm.ts';
import type { Owner } from './manifests.ts';
import { manifestHash, mergeValues } from './manifests.ts';

/** One chart, ready to apply — or why it is not. */
export interface ChartPlan {
  chart: string;
  releaseName: string;
  version: string;
  /** Prepared objects; undefined when fetch or render failed. */
  objects?: KubeObject[];
  hash?: string;
  error?: string;
}

export interface Planner {
  plan(ar: AppRelease, chart: AppReleaseChart, signal: AbortSignal): Promise<ChartPlan>;
}

export interface PlannerDeps {
  charts: ChartFetcher;
  mapper: RestMapper;
  helm: () => string;
  /** Renders kept in memory (default 256). */
  cacheSize?: number;
  /**
   * helm's output by chart digest, release, namespace and values, shared by the agents of every cluster of an
   * embedded platform (the same plugin in ten clusters renders once). Optional; bounded by `cacheSize` × 4.
   */
  sharedRenders?: Map<string, KubeObject[]>;
}

/** Copies go in and out: each agent labels and places its objects itself. */
async function sharedRender(deps: PlannerDeps, key: string, render: () => Promise<KubeObject[]>): Promise<KubeObject[]> {
  const cache = deps.sharedRenders;
  const hit = cache?.get(key);
  if (hit !== undefined) return structuredClone(hit);
  const raw = await render();
  if (cache) {
    cache.set(key, structuredClone(raw));
    if (cache.size > (deps.cacheSize ?? 256) * 4) cache.delete(cache.keys().next().value!);
  }
  return raw;
}

/** `acp/chart-web-cli` → `chart-web-cli`: the default release name, as helm derives it from the chart. */
export function defaultReleaseName(chartName: string): string {
  return chartName.slice(chartName.lastIndexOf('/') + 1);
}

/** The namespace namespaced objects default to: `spec.destination.namespace`, else the AppRelease's. */
export function destinationNamespace(ar: AppRelease): string {
  return ar.spec.destination?.namespace || ar.metadata.namespace!;
}

export function createPlanner(deps: PlannerDeps): Planner {
  const renders = new Map<string, { objects: KubeObject[]; hash: string }>();
  const remember = (key: string, value: { objects: KubeObject[]; hash: string }) => {
    renders.set(key, value);
    if (renders.size > (deps.cacheSize ?? 256)) renders.delete(renders.keys().next().value!);
  };
  return {
    async plan(ar, chart, signal) {
      const owner: Owner = { name: ar.metadata.name!, namespace: ar.metadata.namespace! };
      const releaseName = chart.releaseName || defaultReleaseName(chart.name);
      const version = chart.targetRevision ?? '';
      const base = { chart: chart.name, releaseName, version };
      if (!version) return { ...base, error: `chart ${chart.name}: spec.source.charts[].targetRevision is required` };
      try {
        const archive = await deps.charts.fetch({ repoURL: ar.spec.source.repoURL, name: chart.name, version }, signal);
        const namespace = destinationNamespace(ar);
        const values = mergeValues(ar.spec.values, chart.values);
        const key = createHash('sha256').update(JSON.stringify([archive.digest, releaseName, namespace, owner, values])).digest('hex');
        let rendered = renders.get(key);
        if (!rendered) {
          const raw = await sharedRender(deps, createHash('sha256').update(JSON.stringify([archive.digest, releaseName, namespace, values])).digest('hex'), () => renderChart(deps.helm(), { releaseName, namespace, tgz: archive.tgz, values }, signal));
          const objects = await prepareObjects(deps.mapper, raw, owner, releaseName, namespace);
          rendered = { objects, hash: manifestHash(objects) };
          remember(key, rendered);
        }
        return { ...base, ...rendered };
      } catch (err) {
        return { ...base, error: `chart ${chart.name} ${version}: ${(err as Error).message}` };
      }
    },
  };
}
