/**
 * One repository's index in memory: uploaded and OCI chart versions, merged per chart name (an upload wins
 * over an OCI chart of the same version), rendered to index.yaml incrementally — each chart name's YAML
 * block is cached and only re-rendered when that chart changes; the whole document is cached until any
 * change.
 */
import { stringify } from 'yaml';
import { indexEntry } from './metadata.ts';
import { compareVersions } from './semver.ts';
import type { ChartEntry, ChartSource } from './types.ts';

type Versions = Map<string, ChartEntry>;

export class RepoIndex {
  readonly name: string;
  private readonly bySource: Record<ChartSource, Map<string, Versions>> = { upload: new Map(), oci: new Map() };
  private readonly blocks = new Map<string, string>();
  private document?: string;
  private generated = new Date().toISOString();

  constructor(name: string) {
    this.name = name;
  }

  /** The effective entry for a chart version (upload first, then OCI). */
  get(chart: string, version: string): ChartEntry | undefined {
    return this.bySource.upload.get(chart)?.get(version) ?? this.bySource.oci.get(chart)?.get(version);
  }

  /** The entry of one source. */
  getFrom(source: ChartSource, chart: string, version: string): ChartEntry | undefined {
    return this.bySource[source].get(chart)?.get(version);
  }

  /** Adds or replaces a version. */
  set(entry: ChartEntry): void {
    const { name, version } = entry.metadata;
    const charts = this.bySource[entry.source];
    if (!charts.has(name)) charts.set(name, new Map());
    charts.get(name)!.set(version, entry);
    this.invalidate(name);
  }

  /** Removes a version of one source; true when it was there. */
  remove(source: ChartSource, chart: string, version: string): boolean {
    const versions = this.bySource[source].get(chart);
    if (!versions?.delete(version)) return false;
    if (versions.size === 0) this.bySource[source].delete(chart);
    this.invalidate(chart);
    return true;
  }

  /** OCI entries whose registry repository is `repository`. */
  ociEntries(repository: string): ChartEntry[] {
    return [...this.bySource.oci.values()].flatMap((v) => [...v.values()]).filter((e) => e.oci?.repository === repository);
  }

  /** Chart names, sorted. */
  charts(): string[] {
    return [...new Set([...this.bySource.upload.keys(), ...this.bySource.oci.keys()])].sort();
  }

  /** A chart's effective versions, newest first (SemVer precedence). */
  versions(chart: string): ChartEntry[] {
    const merged = new Map<string, ChartEntry>(this.bySource.oci.get(chart));
    for (const [v, e] of this.bySource.upload.get(chart) ?? []) merged.set(v, e);
    return [...merged.values()].sort((a, b) => compareVersions(b.metadata.version, a.metadata.version));
  }

  /** Number of effective versions. */
  size(): number {
    return this.charts().reduce((n, c) => n + this.versions(c).length, 0);
  }

  /** index.yaml, from cache when nothing changed. */
  render(): string {
    if (this.document !== undefined) return this.document;
    const parts: string[] = [];
    for (const chart of this.charts()) {
      let block = this.blocks.get(chart);
      if (block === undefined) {
        block = indent(stringify({ [chart]: this.versions(chart).map(indexEntry) }, { lineWidth: 0 }));
        this.blocks.set(chart, block);
      }
      parts.push(block);
    }
    const entries = parts.length ? `entries:\n${parts.join('')}` : 'entries: {}\n';
    this.document = `apiVersion: v1\n${entries}generated: "${this.generated}"\nserverInfo: {}\n`;
    return this.document;
  }

  /** When the index last changed (the `generated` field). */
  get generatedAt(): string {
    return this.generated;
  }

  private invalidate(chart: string): void {
    this.blocks.delete(chart);
    this.document = undefined;
    this.generated = new Date().toISOString();
  }
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
