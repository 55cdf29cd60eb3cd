import { basename } from 'node:path';
import type { KubeObject } from '../../kube/index.ts';
import type { RegistryClient } from '../../oci/index.ts';
import { parseReference } from '../../oci/index.ts';
import type { PackageManifest } from '../../packages/format.ts';
import { readPackageManifest } from '../../packages/reader.ts';
import type { ImagePushSummary, ImageTarget } from './images.ts';
import { pushPackageImages } from './images.ts';
import type { PlatformSession } from './platform.ts';
import { readPackagedChart, refuseChartConflict, uploadChart } from './chart.ts';
import { ARTIFACTS, ARTIFACT_VERSIONS, MODULE_PLUGINS, buildArtifact, buildArtifactVersion, buildModulePlugin } from './register.ts';

export interface PushSettings {
  session?: PlatformSession;
  client?: RegistryClient;
  /** Registry host the clusters pull from and, when given, a repository path prefix (--dest-repo host/prefix). */
  registryHost: string;
  repositoryPrefix: string;
  clusters: string[];
  catalogSource: string;
  chartRepo: string;
  skipPush: boolean;
  skipCRs: boolean;
  force: boolean;
  concurrency: number;
  signal?: AbortSignal;
  log: (line: string) => void;
  onProgress?: (file: string, done: number, total: number) => void;
  beforeTransfer?: (bytes: number) => void;
}

export interface PushOutcome {
  file: string;
  manifest?: PackageManifest;
  images?: ImagePushSummary;
  registered: string[];
  error?: string;
}

/** Pushes one package: images (unless --skip-push), then its resources (unless --skip-crs). */
export async function pushPackage(file: string, s: PushSettings): Promise<PushOutcome> {
  const outcome: PushOutcome = { file, registered: [] };
  try {
    const manifest = await readPackageManifest(file, s.signal);
    outcome.manifest = manifest;
    const targets = manifest.images.map((image) => toTarget(image, s.repositoryPrefix));
    const chart = manifest.type === 'chart' && !s.skipPush ? await readPackagedChart(file, manifest, s.signal) : undefined;
    if (!s.skipPush) {
      if (chart && !s.force) await refuseChartConflict(s.session!, s.chartRepo, manifest, chart);
      outcome.images = await pushPackageImages({ file, manifest, client: s.client!, targets, concurrency: s.concurrency, force: s.force, signal: s.signal, onProgress: (d, t) => s.onProgress?.(file, d, t), beforeTransfer: s.beforeTransfer });
    }
    if (chart) {
      const done = await uploadChart(s.session!, s.chartRepo, chart, s.force);
      s.log(`chart ${manifest.chart!.chartName} ${manifest.chart!.chartVersion} ${done === 'unchanged' ? 'is already in' : done === 'replaced' ? 'replaced in' : 'uploaded to'} chart repository ${s.chartRepo}`);
    }
    if (!s.skipCRs) outcome.registered = await register(manifest, targets, s);
  } catch (err) {
    outcome.error = (err as Error).message;
  }
  return outcome;
}

function toTarget(image: ImageTarget['image'], prefix: string): ImageTarget {
  const ref = parseReference(image.ref);
  return { image, repository: prefix ? `${prefix}/${ref.repository}` : ref.repository, tag: ref.tag ?? 'latest' };
}

async function register(m: PackageManifest, targets: ImageTarget[], s: PushSettings): Promise<string[]> {
  const session = s.session!;
  if (m.type === 'plugin') {
    const { parse } = await import('yaml'); // only plugin packages need it (start-up is most of a no-op re-push)
    const plugin = buildModulePlugin(parse(m.plugin!.modulePlugin) as KubeObject);
    await session.kube('global').apply(MODULE_PLUGINS, plugin, 'violet');
    s.log(`moduleplugin ${plugin.metadata.name} has been updated successfully`);
    return ['global'];
  }
  const main = targets.find((t) => t.image.ref === m.artifact) ?? targets[0];
  const ctx = { registry: s.registryHost, repository: main.repository, tag: main.tag, digest: main.image.digest, catalogSource: s.catalogSource, chartRepo: s.chartRepo };
  for (const cluster of s.clusters) {
    const kube = session.kube(cluster);
    const artifact = await kube.apply(ARTIFACTS, buildArtifact(m, ctx), 'violet');
    const av = await kube.apply(ARTIFACT_VERSIONS, buildArtifactVersion(m, ctx, artifact), 'violet');
    s.log(`artifactversion ${av.metadata.name} registered in cluster ${cluster} (${m.type === 'bundle' ? `catalog source ${s.catalogSource}` : `chart repo ${s.chartRepo}`})`);
  }
  return s.clusters;
}

/** The closing summary: one line per package, failures with their reason. */
export function formatSummary(outcomes: PushOutcome[]): string {
  const lines = ['===== Push Summary ====='];
  for (const o of outcomes) {
    const name = basename(o.file);
    if (o.error) {
      lines.push(`FAILED  ${name}: ${o.error}`);
      continue;
    }
    const i = o.images;
    const images = i ? `${i.images} image(s), ${i.imagesSkipped} already present, ${i.blobsPushed} blob(s) pushed (${mb(i.bytesPushed)}), ${i.blobsMounted} mounted, ${i.blobsSkipped} skipped` : 'images not pushed (--skip-push)';
    const where = o.registered.length ? `registered in ${o.registered.join(',')}` : 'resources not created (--skip-crs)';
    lines.push(`OK      ${name}: ${images}; ${where}`);
  }
  const failed = outcomes.filter((o) => o.error).length;
  lines.push(`${outcomes.length - failed} succeeded, ${failed} failed`);
  return lines.join('\n');
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
