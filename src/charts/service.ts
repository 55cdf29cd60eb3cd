/**
 * The chart repositories' state: one RepoIndex per repository in memory, uploads persisted by ChartStore,
 * OCI charts mirrored from the platform registry (manifest events + a scan at start). Writes to one
 * repository are serialised, so concurrent uploads of the same version converge.
 */
import type { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import type { ManifestEvent, RegistryContent } from '../registry/index.ts';
import { inspectChart } from './chart-archive.ts';
import { ChartError } from './errors.ts';
import { chartRepoOf, isHelmManifest, ociChartEntry } from './oci.ts';
import { checkProvenance } from './provenance.ts';
import { RepoIndex } from './repo-index.ts';
import { ChartStore } from './store.ts';
import type { ChartEntry } from './types.ts';

/** What an upload did: `created`, `unchanged` (same bytes already there) or `replaced` (forced). */
export type UploadResult = { outcome: 'created' | 'unchanged' | 'replaced'; entry: ChartEntry };

export class ChartService {
  private readonly store: ChartStore;
  private readonly repos = new Map<string, RepoIndex>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly content?: RegistryContent;
  private readonly onError: (what: string, err: unknown) => void;

  constructor(root: string, content: RegistryContent | undefined, onError: (what: string, err: unknown) => void) {
    this.store = new ChartStore(root);
    this.content = content;
    this.onError = onError;
  }

  /** Loads uploaded charts from disk, then lists the Helm OCI charts already in the registry. */
  async start(): Promise<void> {
    for (const { repo, entry } of await this.store.load()) this.repo(repo).set(entry);
    if (!this.content) return;
    for (const repository of await this.content.listRepositories()) {
      if (!chartRepoOf(repository)) continue;
      for (const tag of await this.content.listTags(repository)) {
        const m = await this.content.getManifest(repository, tag);
        if (!m) continue;
        const doc = safeJson(m.bytes);
        if (doc && isHelmManifest(doc)) await this.addOci(repository, tag, m.digest, doc);
      }
    }
  }

  /** The repository's index (created empty on first use). */
  repo(name: string): RepoIndex {
    let r = this.repos.get(name);
    if (!r) this.repos.set(name, (r = new RepoIndex(name)));
    return r;
  }

  /** Validates and stores an upload; 409 on a different archive under an existing version unless `force`. */
  async upload(repo: string, tgz: Buffer, prov: Buffer | undefined, force: boolean): Promise<UploadResult> {
    const chart = await inspectChart(tgz);
    if (prov) await checkProvenance(prov, chart);
    return this.serial(repo, async () => {
      const { name, version } = chart.metadata;
      const index = this.repo(repo);
      const existing = index.get(name, version);
      if (existing?.digest === chart.digest && (!prov || existing.hasProvenance)) return { outcome: 'unchanged', entry: existing };
      if (existing && existing.digest !== chart.digest && !force) {
        throw new ChartError(409, 'Conflict', `chart ${name} version ${version} already exists in repository "${repo}" with different content (sha256:${existing.digest}, upload is sha256:${chart.digest}); publish a new version, or overwrite with ?force=true (violet push --force)`);
      }
      const previous = index.getFrom('upload', name, version);
      const entry: ChartEntry = { metadata: chart.metadata, digest: chart.digest, size: chart.size, created: new Date().toISOString(), source: 'upload', hasProvenance: Boolean(prov) || (previous?.digest === chart.digest && previous.hasProvenance) };
      await this.store.save(repo, entry, tgz, prov, previous);
      index.set(entry);
      return { outcome: existing ? 'replaced' : 'created', entry };
    });
  }

  /** Adds a provenance file to an uploaded version (ChartMuseum `POST /api/<repo>/prov`). */
  uploadProvenance(repo: string, prov: Buffer, chart: string, version: string): Promise<void> {
    return this.serial(repo, async () => {
      const entry = this.repo(repo).getFrom('upload', chart, version);
      if (!entry) throw notFound(repo, chart, version);
      await checkProvenance(prov, { metadata: entry.metadata, digest: entry.digest, size: entry.size });
      const updated = { ...entry, hasProvenance: true };
      await this.store.saveProvenance(repo, updated, prov);
      this.repo(repo).set(updated);
    });
  }

  /** Deletes an uploaded version; OCI charts are deleted through the registry. */
  delete(repo: string, chart: string, version: string): Promise<void> {
    return this.serial(repo, async () => {
      const index = this.repo(repo);
      if (!index.getFrom('upload', chart, version)) {
        const oci = index.getFrom('oci', chart, version)?.oci;
        if (oci) throw new ChartError(409, 'Conflict', `chart ${chart} version ${version} in repository "${repo}" is an OCI chart; delete it from the registry (DELETE /v2/${oci.repository}/manifests/${oci.manifestDigest})`);
        throw notFound(repo, chart, version);
      }
      await this.store.remove(repo, chart, version);
      index.remove('upload', chart, version);
    });
  }

  /** Keeps OCI entries in step with the registry (wired to the registry's `onManifest`). */
  async onManifest(event: ManifestEvent): Promise<void> {
    const repo = chartRepoOf(event.name);
    if (!repo) return;
    if (event.action === 'put') {
      if (!isHelmManifest(event.manifest)) return;
      for (const tag of event.tags) await this.addOci(event.name, tag, event.digest, event.manifest);
      return;
    }
    const index = this.repos.get(repo);
    for (const e of index?.ociEntries(event.name) ?? []) {
      if (event.tags.includes(e.oci!.tag) || e.oci!.manifestDigest === event.digest) index!.remove('oci', e.metadata.name, e.metadata.version);
    }
  }

  /** The bytes of a chart archive or its provenance file: a file for uploads, a registry blob for OCI charts. */
  async open(repo: string, entry: ChartEntry, prov: boolean): Promise<{ size?: number; stream: Readable } | undefined> {
    if (prov && !entry.hasProvenance) return undefined;
    if (entry.source === 'upload') return { stream: createReadStream(this.store.archivePath(repo, entry, prov)) };
    const digest = prov ? entry.oci!.provenanceDigest! : `sha256:${entry.digest}`;
    return this.content?.openBlob(entry.oci!.repository, digest);
  }

  private async addOci(repository: string, tag: string, digest: string, doc: Record<string, unknown>): Promise<void> {
    const entry = await ociChartEntry(this.content!, repository, tag, digest, doc);
    if ('skip' in entry) return this.onError('oci chart skipped', new Error(entry.skip));
    this.repo(chartRepoOf(repository)!).set(entry);
  }

  private serial<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(repo) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(repo, settled);
    void settled.then(() => this.locks.get(repo) === settled && this.locks.delete(repo));
    return next;
  }
}

export function notFound(repo: string, chart: string, version?: string): ChartError {
  return new ChartError(404, 'NotFound', `chart ${chart}${version ? ` version ${version}` : ''} not found in repository "${repo}"`);
}

function safeJson(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
