/**
 * Reads an uploaded chart archive (`helm package` output) without touching the disk and refuses what Helm's
 * loader would refuse or what is hostile: not gzip/tar, path traversal, links, a missing or invalid
 * Chart.yaml (name, SemVer 2 version, apiVersion). Returns the index metadata and the archive digest.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { parse } from 'yaml';
import { ChartError } from './errors.ts';
import { parseSemver } from './semver.ts';
import type { ChartMetadata } from './types.ts';
import { normaliseMetadata } from './metadata.ts';

/** Largest uncompressed archive accepted (Helm's own limit is 100 MiB). */
export const MAX_DECOMPRESSED_BYTES = 100 * 1024 * 1024;
/** Largest Chart.yaml accepted. */
const MAX_CHART_YAML_BYTES = 1024 * 1024;
/** Helm's chart name rule (`pkg/chart/metadata.go`), minus names that are only dots. */
const NAME_RE = /^[a-zA-Z0-9._-]+$/;

/** A validated chart archive. */
export interface InspectedChart {
  metadata: ChartMetadata;
  /** Hex sha256 of the archive bytes (index.yaml `digest`, no `sha256:` prefix). */
  digest: string;
  size: number;
}

/** Validates the archive and returns its metadata; throws ChartError (400) naming the problem. */
export async function inspectChart(tgz: Buffer): Promise<InspectedChart> {
  const tar = gunzip(tgz);
  const { top, chartYaml } = await readEntries(tar);
  if (chartYaml === undefined) throw new ChartError(400, 'BadRequest', `not a Helm chart: the archive has no ${top ? `${top}/` : ''}Chart.yaml (package a chart with \`helm package DIR\`)`);
  const metadata = validateChartYaml(chartYaml);
  return { metadata, digest: createHash('sha256').update(tgz).digest('hex'), size: tgz.length };
}

function gunzip(tgz: Buffer): Buffer {
  try {
    return gunzipSync(tgz, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `it expands to more than ${MAX_DECOMPRESSED_BYTES} bytes` : (err as Error).message;
    throw new ChartError(400, 'BadRequest', `not a Helm chart: the upload is not a gzip-compressed tar archive (${why})`);
  }
}

/** Walks the tar: every entry a regular file or directory under one top directory; returns its Chart.yaml. */
function readEntries(tar: Buffer): Promise<{ top?: string; chartYaml?: Buffer }> {
  return new Promise((resolve, reject) => {
    const parser = new Parser({ strict: true });
    let top: string | undefined;
    let chartYaml: Buffer | undefined;
    let failed = false;
    let count = 0;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err instanceof ChartError ? err : new ChartError(400, 'BadRequest', `not a Helm chart: the archive is not a valid tar (${(err as Error).message})`));
    };
    parser.on('entry', (entry: ReadEntry) => {
      count++;
      const problem = entryProblem(entry, top);
      if (problem) {
        entry.resume();
        return fail(new ChartError(400, 'BadRequest', `invalid chart archive: ${problem}`));
      }
      const parts = clean(entry.path).split('/');
      top ??= parts[0];
      if (parts.length === 2 && parts[1] === 'Chart.yaml' && entry.type !== 'Directory') {
        if ((entry.size ?? 0) > MAX_CHART_YAML_BYTES) return fail(new ChartError(400, 'BadRequest', `invalid chart archive: Chart.yaml is larger than ${MAX_CHART_YAML_BYTES} bytes`));
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => (chartYaml = Buffer.concat(chunks)));
      } else entry.resume();
    });
    parser.on('warn', (_code: string, message: string) => fail(new Error(message)));
    parser.on('error', fail);
    parser.on('end', () => {
      if (failed) return;
      if (count === 0) return fail(new ChartError(400, 'BadRequest', 'not a Helm chart: the archive is empty'));
      resolve({ top, chartYaml });
    });
    parser.end(tar);
  });
}

function clean(path: string): string {
  return path.replace(/^\.\//, '').replace(/\/+$/, '');
}

function entryProblem(entry: ReadEntry, top: string | undefined): string | undefined {
  const raw = entry.path;
  const parts = clean(raw).split('/');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return `entry "${raw}" has an absolute path`;
  if (raw.includes('\\') || parts.some((p) => p === '..')) return `entry "${raw}" escapes the chart directory (path traversal)`;
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') return `entry "${raw}" is a ${entry.type}; chart archives may only hold regular files and directories`;
  if (top !== undefined && parts[0] !== top) return `entry "${raw}" is outside the chart directory "${top}/" (a chart archive holds exactly one top-level directory)`;
  if (parts[0] === '' || parts[0] === '.') return `entry "${raw}" is not inside a chart directory`;
  return undefined;
}

/** Parses and validates Chart.yaml the way Helm does for name, version, apiVersion and type. */
export function validateChartYaml(bytes: Buffer): ChartMetadata {
  let doc: unknown;
  try {
    doc = parse(bytes.toString('utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new ChartError(400, 'BadRequest', `invalid Chart.yaml: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ChartError(400, 'BadRequest', 'invalid Chart.yaml: it must be a YAML mapping');
  const meta = normaliseMetadata(doc as Record<string, unknown>);
  const problems = metadataProblems(meta);
  if (problems.length) throw new ChartError(400, 'BadRequest', `invalid Chart.yaml: ${problems.join('; ')}`);
  return meta;
}

/** Every problem with the metadata, reported at once. */
export function metadataProblems(meta: ChartMetadata): string[] {
  const problems: string[] = [];
  if (!meta.apiVersion) problems.push('apiVersion is required (v2 for Helm 3 charts)');
  else if (meta.apiVersion !== 'v1' && meta.apiVersion !== 'v2') problems.push(`apiVersion "${meta.apiVersion}" is not v1 or v2`);
  if (!meta.name) problems.push('name is required');
  else if (!NAME_RE.test(meta.name) || /^\.+$/.test(meta.name) || meta.name.length > 250) problems.push(`name "${meta.name.slice(0, 80)}" is invalid: use letters, digits, '.', '_' and '-' (lowercase recommended)`);
  if (!meta.version) problems.push('version is required');
  else if (!parseSemver(meta.version)) problems.push(`version "${meta.version.slice(0, 80)}" is not a valid SemVer 2 version (e.g. 1.2.3 or 1.2.3-rc.1)`);
  if (meta.type !== undefined && meta.type !== 'application' && meta.type !== 'library') problems.push(`type "${meta.type}" must be application or library`);
  return problems;
}
