/**
 * API server benchmark: starts real `marketplace up` subprocesses and drives them over HTTPS on
 * loopback with node:https (HTTP/1.1, keep-alive) and the real kubectl. Prints figures, asserts
 * nothing. See bench/README.md for what each figure means.
 *
 * Run: npm run bench:apiserver            (10,000 objects)
 *      node bench/apiserver.ts 1000       (smaller object count, for a quick look)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStorage } from '../src/storage/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'src', 'platform', 'cli.ts');
const KUBECTL = join(ROOT, '.tools', 'bin', 'kubectl');

const COUNT = Math.max(1, Math.min(50_000, Number(process.argv[2] ?? 10_000) || 10_000));
const STARTS = 3;
const CONCURRENT_CLIENTS = 8;
const NAMESPACES = ['bench-0', 'bench-1', 'bench-2', 'bench-3'];
const WATCHERS = 100;
const WATCH_WRITES = Math.min(200, COUNT);
const WATCH_PACE_MS = 10;
const KUBECTL_RUNS = 3;
/** Every loop is also bounded in time; a phase that hits its cap reports what it managed. */
const CREATE_PHASE_CAP_MS = 60_000;
const OVERALL_CAP_MS = 300_000;

const GROUP = 'bench.example.com';
const PLURAL = 'benchwidgets';
const COLLECTION = `/apis/${GROUP}/v1/${PLURAL}`;
const SENT_ANNOTATION = `${GROUP}/sent`;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'benchwidget', kind: 'BenchWidget', shortNames: ['bw'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 100 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  msg: { type: 'string' },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

function namespaceOf(i: number): string {
  return NAMESPACES[i % NAMESPACES.length];
}

function widget(name: string, i: number): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: 'BenchWidget',
    metadata: { name, namespace: namespaceOf(i), labels: { app: 'bench', shard: String(i % 10) } },
    spec: { size: 1 + (i % 100), color: i % 2 ? 'red' : 'blue', msg: `benchmark object number ${i}` },
  };
}

// ---------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0)} ms`;
const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MiB`;
const size = (bytes: number) => (bytes < 1024 * 1024 ? `${fmt(bytes / 1024)} KiB` : mib(bytes));

function section(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

function line(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(54)} ${value}\n`);
}

/** VmRSS / VmHWM in bytes from /proc/<pid>/status. */
function procMemory(pid: number | 'self'): { rss: number; hwm: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** utime + stime of a process in milliseconds (assumes USER_HZ = 100, as on every Linux build). */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// the platform subprocess

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const platforms = new Set<PlatformProcess>();

class PlatformProcess {
  readonly dataDir: string;
  child?: ChildProcess;
  url = '';
  printedMs = NaN;
  wallMs = NaN;
  private output = '';

  constructor() {
    this.dataDir = tempDir('mp-bench-data-');
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'up', '--data-dir', this.dataDir, '--port', '0', '--admin-password', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    platforms.add(this);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`platform not ready in 30s:\n${this.output}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        const m = /marketplace ready at (\S+) in (\d+) ms/.exec(this.output);
        if (m && !this.url) {
          this.wallMs = performance.now() - t0;
          clearTimeout(timer);
          this.url = m[1];
          this.printedMs = Number(m[2]);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`platform exited (${code ?? signal}):\n${this.output}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    platforms.delete(this);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

// ---------------------------------------------------------------------------------------------
// HTTPS client (HTTP/1.1 keep-alive, platform CA, admin bearer token)

interface Response {
  status: number;
  body: Buffer;
  /** Request start to response headers (≈ server time: handlers build the body before writing headers). */
  headersMs: number;
  /** Request start to the last body byte. */
  totalMs: number;
}

interface CallOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  timeoutMs?: number;
}

class Client {
  readonly base: string;
  readonly ca: Buffer;
  readonly token: string;

  constructor(platform: PlatformProcess) {
    this.base = platform.url;
    this.ca = readFileSync(join(platform.dataDir, 'ca.crt'));
    this.token = readFileSync(join(platform.dataDir, 'admin.token'), 'utf8').trim();
  }

  agent(maxSockets: number, keepAlive = true): Agent {
    return new Agent({ keepAlive, maxSockets, ca: this.ca });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  call(agent: Agent, method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers = this.headers({ Accept: opts.accept ?? 'application/json' });
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const t0 = performance.now();
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(this.base + path, { agent, method, ca: this.ca, headers }, (res) => {
        const headersMs = performance.now() - t0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headersMs, totalMs: performance.now() - t0 }));
        res.on('error', reject);
      });
      req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json<T>(agent: Agent, method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.call(agent, method, path, opts);
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body.toString().slice(0, 500)}`);
    return JSON.parse(res.body.toString()) as T;
  }
}

interface ListBody {
  metadata: { resourceVersion?: string; continue?: string };
  items?: unknown[];
  rows?: unknown[];
}

// ---------------------------------------------------------------------------------------------
// 1. ready time

async function benchStartup(): Promise<PlatformProcess> {
  section(`1. marketplace up → ready line (${STARTS} starts, fresh data dir each)`);
  const printed: number[] = [];
  const wall: number[] = [];
  let platform: PlatformProcess | undefined;
  for (let n = 0; n < STARTS; n++) {
    if (platform) await platform.stop();
    platform = new PlatformProcess();
    await platform.start();
    printed.push(platform.printedMs);
    wall.push(platform.wallMs);
  }
  line('printed "ready in" (runs)', printed.map((v) => `${v}`).join(', ') + ' ms');
  line('wall, spawn → ready line (runs)', wall.map((v) => fmt(v)).join(', ') + ' ms');
  line('median printed / median wall', `${ms(median(printed))} / ${ms(median(wall))}`);
  // The last one stays up for everything else.
  return platform!;
}

// ---------------------------------------------------------------------------------------------
// 2. creates

async function setup(client: Client): Promise<void> {
  const agent = client.agent(1);
  for (const ns of NAMESPACES) {
    await client.json(agent, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  }
  await client.json(agent, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: CRD });
  const deadline = performance.now() + 20_000;
  for (;;) {
    const res = await client.call(agent, 'GET', `${COLLECTION}?limit=1`);
    if (res.status === 200) break;
    if (performance.now() > deadline) throw new Error(`CRD not served after 20 s: HTTP ${res.status} ${res.body.toString().slice(0, 300)}`);
    await sleep(50);
  }
  // Warm the server's JIT on the create path without storing anything.
  for (let i = 0; i < 300; i++) {
    await client.json(agent, 'POST', `/apis/${GROUP}/v1/namespaces/${namespaceOf(i)}/${PLURAL}?dryRun=All`, { body: widget(`warm-${i}`, i) });
  }
  agent.destroy();
}

interface CreateResult {
  ok: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  serverCpuMs: number;
  sample?: Record<string, unknown>;
}

async function createBatch(client: Client, pid: number, clients: number, nameOf: (i: number) => string): Promise<CreateResult> {
  const result: CreateResult = { ok: 0, errors: 0, wallMs: 0, serverCpuMs: 0 };
  const agents = Array.from({ length: clients }, () => client.agent(1));
  let next = 0;
  const cpu0 = procCpuMs(pid);
  const t0 = performance.now();
  const deadline = t0 + CREATE_PHASE_CAP_MS;
  await Promise.all(
    agents.map(async (agent) => {
      while (next < COUNT && performance.now() < deadline) {
        const i = next++;
        const res = await client.call(agent, 'POST', `/apis/${GROUP}/v1/namespaces/${namespaceOf(i)}/${PLURAL}`, { body: widget(nameOf(i), i) });
        if (res.status === 201) {
          result.ok++;
          if (!result.sample) result.sample = JSON.parse(res.body.toString()) as Record<string, unknown>;
        } else {
          result.errors++;
          result.firstError ??= `HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`;
        }
      }
    }),
  );
  result.wallMs = performance.now() - t0;
  result.serverCpuMs = procCpuMs(pid) - cpu0;
  for (const agent of agents) agent.destroy();
  return result;
}

function reportCreates(label: string, r: CreateResult): number {
  const rate = r.ok / (r.wallMs / 1000);
  line(label, `${fmt(rate)} objects/s  (${fmt(r.ok)} in ${ms(r.wallMs)}; platform CPU ${ms(r.serverCpuMs / Math.max(1, r.ok))}/object)`);
  if (r.errors) line('  errors', `${r.errors}; first: ${r.firstError}`);
  if (r.ok < COUNT && !r.errors) line('  stopped at the phase time cap', `${fmt(r.ok)} of ${fmt(COUNT)}`);
  return rate;
}

async function deleteBatch(client: Client): Promise<{ wallMs: number; deleted: number }> {
  const agent = client.agent(1);
  const t0 = performance.now();
  let deleted = 0;
  for (const ns of NAMESPACES) {
    const body = await client.json<ListBody>(agent, 'DELETE', `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`, { timeoutMs: 120_000 });
    deleted += body.items?.length ?? 0;
  }
  agent.destroy();
  return { wallMs: performance.now() - t0, deleted };
}

// ---------------------------------------------------------------------------------------------
// 3. raw storage

async function benchRawStorage(sample: Record<string, unknown>, apiRate: { seq: number; par: number }): Promise<void> {
  section(`3. raw storage: openSqliteStorage (WAL, synchronous=NORMAL), in this process`);
  const metadata = { ...(sample.metadata as Record<string, unknown>) };
  delete metadata.resourceVersion; // not stored: it is the key's modRevision
  const values: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const name = `par-${String(i).padStart(6, '0')}`;
    keys.push(`/global/${GROUP}/${PLURAL}/${namespaceOf(i)}/${name}`);
    values.push(JSON.stringify({ ...sample, metadata: { ...metadata, name, namespace: namespaceOf(i) } }));
  }
  const avgBytes = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  const dir = tempDir('mp-bench-raw-');
  const storage = openSqliteStorage(join(dir, 'raw.db'));
  try {
    const t0 = performance.now();
    const deadline = t0 + CREATE_PHASE_CAP_MS;
    let done = 0;
    for (; done < COUNT && performance.now() < deadline; done++) await storage.create(keys[done], values[done]);
    const wall = performance.now() - t0;
    const rate = done / (wall / 1000);
    const t1 = performance.now();
    const list = await storage.list(`/global/${GROUP}/${PLURAL}/`);
    const listMs = performance.now() - t1;
    line('stored value size (as the API server stores it)', `${fmt(avgBytes)} bytes`);
    line(`create ${fmt(done)} keys`, `${fmt(rate)} objects/s  (${ms(wall)})`);
    line(`list ${fmt(list.items.length)} keys (one call)`, ms(listMs));
    line('API create / raw storage create, 1 client', `${fmt(apiRate.seq / rate, 3)}  (${fmt(rate / apiRate.seq, 1)}× slower through the API)`);
    line(`API create / raw storage create, ${CONCURRENT_CLIENTS} clients`, `${fmt(apiRate.par / rate, 3)}  (${fmt(rate / apiRate.par, 1)}× slower through the API)`);
  } finally {
    await storage.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. lists

async function listOnce(client: Client, agent: Agent, limit: number | undefined, accept?: string): Promise<{ headersMs: number; totalMs: number; bytes: number; pages: number; items: number }> {
  let cont: string | undefined;
  const out = { headersMs: 0, totalMs: 0, bytes: 0, pages: 0, items: 0 };
  const t0 = performance.now();
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams();
    if (limit) q.set('limit', String(limit));
    if (cont) q.set('continue', cont);
    const res = await client.call(agent, 'GET', `${COLLECTION}${q.size ? `?${q}` : ''}`, { accept, timeoutMs: 120_000 });
    if (res.status !== 200) throw new Error(`list: HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`);
    const body = JSON.parse(res.body.toString()) as ListBody;
    out.headersMs += res.headersMs;
    out.bytes += res.body.length;
    out.pages++;
    out.items += (body.items ?? body.rows ?? []).length;
    cont = body.metadata.continue;
    if (!cont) break;
  }
  out.totalMs = performance.now() - t0;
  return out;
}

interface KubectlRun {
  code: number;
  wallMs: number;
  bytes: number;
  lines: number;
  stderr: string;
}

function kubectl(args: string[], env: NodeJS.ProcessEnv): Promise<KubectlRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, wallMs: performance.now() - t0, bytes, lines, stderr: stderr.slice(0, 500) });
    });
  });
}

async function benchLists(client: Client, platform: PlatformProcess): Promise<void> {
  section(`4. list ${fmt(COUNT)} objects (${PLURAL}, all namespaces)`);
  const agent = client.agent(1);
  const variants: Array<[string, number | undefined, string | undefined]> = [
    ['GET JSON, no limit', undefined, undefined],
    ['GET JSON, limit=500 pages', 500, undefined],
    ['GET Table, limit=500 pages (what kubectl asks)', 500, TABLE_ACCEPT],
  ];
  line('', 'median of 3: server (Σ request→headers) / client total, size');
  for (const [label, limit, accept] of variants) {
    const runs = [];
    for (let n = 0; n < 3; n++) runs.push(await listOnce(client, agent, limit, accept));
    const last = runs[runs.length - 1];
    const pages = last.pages > 1 ? `, ${last.pages} pages` : '';
    line(label, `${ms(median(runs.map((r) => r.headersMs)))} / ${ms(median(runs.map((r) => r.totalMs)))}, ${size(last.bytes)}, ${fmt(last.items)} items${pages}`);
  }
  agent.destroy();

  const home = tempDir('mp-bench-home-');
  const env = { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, '.kube', 'cache'), KUBECONFIG: join(platform.dataDir, 'kubeconfig') };
  const cases: Array<[string, string[]]> = [
    ['kubectl get -A (Table, chunks of 500)', ['get', PLURAL, '-A']],
    ['kubectl get -A -o json (chunks of 500)', ['get', PLURAL, '-A', '-o', 'json']],
    ['kubectl get -A --chunk-size=0 (one request)', ['get', PLURAL, '-A', '--chunk-size=0']],
    ['kubectl get -A -o json --chunk-size=0', ['get', PLURAL, '-A', '-o', 'json', '--chunk-size=0']],
  ];
  const warm = await kubectl(['get', PLURAL, '-A'], env);
  line(`kubectl get ${PLURAL} -A, cold discovery cache`, `${ms(warm.wallMs)}${warm.code ? `  exit ${warm.code}: ${warm.stderr}` : ''}`);
  line('', `wall, median of ${KUBECTL_RUNS} (runs; output)`);
  for (const [label, args] of cases) {
    const runs: KubectlRun[] = [];
    for (let n = 0; n < KUBECTL_RUNS; n++) runs.push(await kubectl(args, env));
    const failed = runs.find((r) => r.code !== 0);
    const last = runs[runs.length - 1];
    line(label, `${ms(median(runs.map((r) => r.wallMs)))}  (${runs.map((r) => fmt(r.wallMs)).join(', ')} ms; ${fmt(last.lines)} lines, ${size(last.bytes)})${failed ? `  exit ${failed.code}: ${failed.stderr}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 5. watch fan-out

interface Watcher {
  req?: ClientRequest;
  status: number;
  got: Uint16Array;
  buffer: string;
  other: number;
}

async function benchWatch(client: Client, pid: number): Promise<void> {
  section(`5. watch fan-out: ${WATCHERS} watches, ${WATCH_WRITES} updates every ${WATCH_PACE_MS} ms`);
  const agent = client.agent(1);
  const list = await client.json<ListBody>(agent, 'GET', `${COLLECTION}?limit=1`);
  const rv = list.metadata.resourceVersion!;
  const watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ca: client.ca });
  const latencies: number[] = [];
  const watchers: Watcher[] = [];
  let connected = 0;
  let failed = 0;
  const t0 = performance.now();
  const onLine = (w: Watcher, text: string) => {
    const now = performance.now();
    const event = JSON.parse(text) as { type: string; object: { metadata?: { annotations?: Record<string, string> } } };
    const sent = event.object.metadata?.annotations?.[SENT_ANNOTATION];
    if (event.type !== 'MODIFIED' || !sent) {
      w.other++;
      return;
    }
    const [seq, at] = sent.split(':').map(Number);
    w.got[seq]++;
    latencies.push(now - at);
  };
  for (let n = 0; n < WATCHERS; n++) {
    const w: Watcher = { status: 0, got: new Uint16Array(WATCH_WRITES), buffer: '', other: 0 };
    watchers.push(w);
    w.req = httpsRequest(`${client.base}${COLLECTION}?watch=true&resourceVersion=${rv}`, { agent: watchAgent, ca: client.ca, headers: client.headers({ Accept: 'application/json' }) }, (res) => {
      w.status = res.statusCode ?? 0;
      if (w.status === 200) connected++;
      else failed++;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        w.buffer += chunk;
        for (let nl = w.buffer.indexOf('\n'); nl !== -1; nl = w.buffer.indexOf('\n')) {
          const text = w.buffer.slice(0, nl);
          w.buffer = w.buffer.slice(nl + 1);
          if (text) onLine(w, text);
        }
      });
      res.on('error', () => {});
    });
    w.req.on('error', () => {});
    w.req.end();
  }
  for (const deadline = t0 + 15_000; connected + failed < WATCHERS && performance.now() < deadline; ) await sleep(5);
  const setupMs = performance.now() - t0;

  // Paced writes: merge patches that stamp "<seq>:<send time>" into an annotation.
  const writeAgent = client.agent(8);
  const rtts: number[] = [];
  let writeErrors = 0;
  let firstWriteError = '';
  const writes: Promise<void>[] = [];
  const cpu0 = procCpuMs(pid);
  const start = performance.now();
  for (let seq = 0; seq < WATCH_WRITES; seq++) {
    const due = start + seq * WATCH_PACE_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const at = performance.now();
    const path = `/apis/${GROUP}/v1/namespaces/${namespaceOf(seq)}/${PLURAL}/par-${String(seq).padStart(6, '0')}`;
    const body = { metadata: { annotations: { [SENT_ANNOTATION]: `${seq}:${at}` } } };
    writes.push(
      client.call(writeAgent, 'PATCH', path, { body, contentType: 'application/merge-patch+json' }).then(
        (res) => {
          rtts.push(performance.now() - at);
          if (res.status !== 200) {
            writeErrors++;
            firstWriteError ||= `HTTP ${res.status}: ${res.body.toString().slice(0, 200)}`;
          }
        },
        (err: Error) => {
          writeErrors++;
          firstWriteError ||= err.message;
        },
      ),
    );
  }
  await Promise.all(writes);
  const writesMs = performance.now() - start;
  const expected = connected * (WATCH_WRITES - writeErrors);
  for (const deadline = performance.now() + 10_000; latencies.length < expected && performance.now() < deadline; ) await sleep(10);
  const drainMs = performance.now() - start;
  const serverCpuMs = procCpuMs(pid) - cpu0;
  for (const w of watchers) w.req?.destroy();
  watchAgent.destroy();
  writeAgent.destroy();
  agent.destroy();

  let complete = 0;
  let missing = 0;
  let duplicates = 0;
  let other = 0;
  for (const w of watchers) {
    if (w.status !== 200) continue;
    let ok = true;
    for (const count of w.got) {
      if (count === 0) {
        missing++;
        ok = false;
      }
      if (count > 1) duplicates += count - 1;
    }
    if (ok) complete++;
    other += w.other;
  }
  latencies.sort((a, b) => a - b);
  rtts.sort((a, b) => a - b);
  line('watches established (HTTP 200) / time to open all', `${connected} of ${WATCHERS}${failed ? ` (${failed} failed)` : ''} / ${ms(setupMs)}`);
  line('writes ok / time to issue and complete all', `${WATCH_WRITES - writeErrors} of ${WATCH_WRITES} / ${ms(writesMs)}${firstWriteError ? `  first error: ${firstWriteError}` : ''}`);
  line('write round trip p50 / p99', `${ms(percentile(rtts, 50))} / ${ms(percentile(rtts, 99))}`);
  line('deliveries received / expected', `${fmt(latencies.length)} / ${fmt(connected * WATCH_WRITES)}  (last one ${ms(drainMs)} after the first write)`);
  line('watchers that got every event exactly', `${complete} of ${connected}  (missing ${missing}, duplicates ${duplicates}, other events ${other})`);
  line('delivery latency (write sent → watcher) p50', ms(percentile(latencies, 50)));
  line('delivery latency p90 / p99 / max', `${ms(percentile(latencies, 90))} / ${ms(percentile(latencies, 99))} / ${ms(latencies[latencies.length - 1] ?? NaN)}`);
  line('platform CPU during writes + delivery', `${ms(serverCpuMs)} (${fmt((serverCpuMs * 1000) / Math.max(1, latencies.length), 0)} µs per delivered event)`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  process.stdout.write(`Marketplace API server benchmark — ${fmt(COUNT)} objects, node ${process.version}, HTTP/1.1 keep-alive over TLS on loopback\n`);
  const platform = await benchStartup();
  const client = new Client(platform);
  const pid = platform.pid;

  section(`2. create ${fmt(COUNT)} custom resources (POST, namespaced CRD with printer columns, ${NAMESPACES.length} namespaces)`);
  await setup(client);
  const seq = await createBatch(client, pid, 1, (i) => `seq-${String(i).padStart(6, '0')}`);
  const seqRate = reportCreates('1 client, sequential', seq);
  const del = await deleteBatch(client);
  line('(deletecollection of that batch, 4 requests)', `${fmt(del.deleted)} deleted in ${ms(del.wallMs)} → ${fmt(del.deleted / (del.wallMs / 1000))} objects/s`);
  const par = await createBatch(client, pid, CONCURRENT_CLIENTS, (i) => `par-${String(i).padStart(6, '0')}`);
  const parRate = reportCreates(`${CONCURRENT_CLIENTS} concurrent clients`, par);
  const memAfterCreates = procMemory(pid);

  await benchRawStorage(par.sample ?? seq.sample ?? widget('x', 0), { seq: seqRate, par: parRate });
  await benchLists(client, platform);
  const memAfterLists = procMemory(pid);
  await benchWatch(client, pid);
  const memAfterWatch = procMemory(pid);

  section('6. memory');
  line('platform VmRSS after creates', mib(memAfterCreates.rss));
  line('platform VmRSS after lists (API + kubectl)', mib(memAfterLists.rss));
  line('platform VmRSS after watch test', mib(memAfterWatch.rss));
  line('platform VmHWM (peak RSS)', mib(memAfterWatch.hwm));
  const self = procMemory('self');
  line('this bench process VmRSS / VmHWM', `${mib(self.rss)} / ${mib(self.hwm)}`);
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}

async function cleanup(): Promise<void> {
  await Promise.all([...platforms].map((p) => p.stop()));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

const guard = setTimeout(() => {
  process.stderr.write(`benchmark exceeded ${OVERALL_CAP_MS / 1000} s, stopping\n`);
  void cleanup().finally(() => process.exit(2));
}, OVERALL_CAP_MS);
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

try {
  await main();
} catch (err) {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(guard);
  await cleanup();
}
