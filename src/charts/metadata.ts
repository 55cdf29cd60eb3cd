/** Chart.yaml → the metadata Helm keeps (known fields only, scalars as Helm's types), and index entries. */
import type { ChartEntry, ChartMetadata } from './types.ts';

const STRING_FIELDS = ['apiVersion', 'name', 'version', 'appVersion', 'description', 'type', 'home', 'icon', 'kubeVersion', 'condition', 'tags'] as const;
const DEPENDENCY_FIELDS = new Set(['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias']);

/** Keeps the fields Helm's Metadata has, with strings coerced (YAML `appVersion: 1.0` is a number). */
export function normaliseMetadata(doc: Record<string, unknown>): ChartMetadata {
  const out: Record<string, unknown> = {};
  for (const key of STRING_FIELDS) {
    const v = doc[key];
    if (v !== undefined && v !== null && v !== '') out[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  for (const key of ['keywords', 'sources'] as const) {
    const v = doc[key];
    if (Array.isArray(v) && v.length) out[key] = v.filter((x) => x !== null && x !== undefined).map(String);
  }
  if (Array.isArray(doc.maintainers) && doc.maintainers.length) out.maintainers = doc.maintainers.filter(isObject).map((m) => pick(m, ['name', 'email', 'url']));
  if (Array.isArray(doc.dependencies) && doc.dependencies.length) out.dependencies = doc.dependencies.filter(isObject).map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => DEPENDENCY_FIELDS.has(k))));
  if (typeof doc.deprecated === 'boolean') out.deprecated = doc.deprecated;
  if (isObject(doc.annotations)) out.annotations = Object.fromEntries(Object.entries(doc.annotations).map(([k, v]) => [k, String(v)]));
  return out as unknown as ChartMetadata;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) out[k] = String(obj[k]);
  return out;
}

/** The archive's file name, also its URL relative to the repository: `charts/<name>-<version>.tgz`. */
export function archiveName(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}

/** The index.yaml ChartVersion of an entry: metadata + `urls`, `created`, `digest`. */
export function indexEntry(entry: ChartEntry): Record<string, unknown> {
  return { ...entry.metadata, urls: [`charts/${archiveName(entry.metadata.name, entry.metadata.version)}`], created: entry.created, digest: entry.digest };
}
