/**
 * API server benchmark: starts real `marketplace up` subprocesses and drives them over HTTPS on
 * loopback with node:https (HTTP/1.1, keep-alive) and the real kubectl. Prints figures, asserts
 * nothing. See bench/README.md for what each figure means.
 *
 * Run: npm run bench:apiserver            (10,000 objects)
 *      node bench/apiserver.ts 1000       (smaller object count, for a quick look)
 */
import { Agent } from 'node:https';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { openSqliteStorage } from '../src/storage/index.ts';
import { Client } from './lib/apiclient.ts';
import type { ListBody } from './lib/apiclient.ts';
import { runBench, stopChild, tempDir } from './lib/cleanup.ts';
import { ROOT, startPlatform } from './lib/platform.ts';
import type { Platform } from './lib/platform.ts';
import { measured, procCpuMs, procMemory, sleep } from './lib/proc.ts';
import { fmt, lineWriter, mib, ms, section, size } from './lib/report.ts';
import { median, percentile } from './lib/stats.ts';
import { CRD, GROUP, NAMESPACES, PLURAL, namespaceOf, widget } from './lib/widgets.ts';

const KUBECTL = join(ROOT, '.tools', 'bin', 'kubectl');

const COUNT = Math.max(1, Math.min(50_000, Number(process.argv[2] ?? 10_000) || 10_000));
const STARTS = 3;
const CONCURRENT_CLIENTS = 8;
const WATCHERS = 100;
const WATCH_WRITES = Math.min(200, COUNT);
const WATCH_PACE_MS = 10;
const KUBECTL_RUNS = 3;
/** Every loop is also bounded in time; a phase that hits its cap reports what it managed. */
const CREATE_PHASE_CAP_MS = 60_000;
const OVERALL_CAP_MS = 300_000;

const COLLECTION = `/apis/${GROUP}/v1/${PLURAL}`;
const SENT_ANNOTATION = `${GROUP}/sent`;
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const line = lineWriter(54);

// ---------------------------------------------------------------------------------------------
// 1. ready time

async function benchStartup(): Promise<Platform> {
  section(`1. marketplace up → ready line (${STARTS} starts, fresh data dir each)`);
  const printed: number[] = [];
  const wall: number[] = [];
  let platform: Platform | undefined;
  for (let n = 0; n < STARTS; n++) {
    if (platform) await stopChild(platform.child);
    platform = await startPlatform(tempDir('mp-bench-data-'), 'x');
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
  const cpu0 = procCpuMs(pid).own;
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
  result.serverCpuMs = procCpuMs(pid).own - cpu0;
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

/** One kubectl run: wall time, exit code (-1 if it could not run), stdout size and lines, start of stderr. */
async function kubectl(args: string[], env: NodeJS.ProcessEnv) {
  const r = await measured(KUBECTL, args, { env, capMs: 60_000, hardKill: true });
  return { code: r.code ?? -1, wallMs: r.wallMs, bytes: r.stdoutBytes, lines: r.stdoutLines, stderr: r.stderr.slice(0, 500) };
}

async function benchLists(client: Client, platform: Platform): Promise<void> {
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
    for (let n = 0; n < 3; n++) runs.push(await client.listPages(agent, COLLECTION, limit, accept));
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
    const runs = [];
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
    const w: Watcher = { status: 0, got: new Uint16Array(WATCH_WRITES), other: 0 };
    watchers.push(w);
    const onStatus = (status: number) => {
      w.status = status;
      if (status === 200) connected++;
      else failed++;
    };
    w.req = client.watch(watchAgent, `${COLLECTION}?watch=true&resourceVersion=${rv}`, onStatus, (text) => onLine(w, text));
  }
  for (const deadline = t0 + 15_000; connected + failed < WATCHERS && performance.now() < deadline; ) await sleep(5);
  const setupMs = performance.now() - t0;

  // Paced writes: merge patches that stamp "<seq>:<send time>" into an annotation.
  const writeAgent = client.agent(8);
  const rtts: number[] = [];
  let writeErrors = 0;
  let firstWriteError = '';
  const writes: Promise<void>[] = [];
  const cpu0 = procCpuMs(pid).own;
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
  const serverCpuMs = procCpuMs(pid).own - cpu0;
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
  const client = new Client(platform.url, platform.dataDir);
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
await runBench(main, OVERALL_CAP_MS);
