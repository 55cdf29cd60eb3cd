/**
 * Chart repository benchmark, against a real `marketplace up` subprocess (loopback TLS): uploads N chart
 * versions (default 2,000: 100 charts × 20 versions) through the ChartMuseum API with 8 parallel clients,
 * then times `GET /charts/public-charts/index.yaml` cold (first render after a change) and warm (cached),
 * the re-render after one more upload, `helm repo add`/`helm search repo` over the full index, and restart
 * (index reloaded from disk). Prints figures, asserts nothing.
 *
 * Run: node bench/charts.ts          (2,000 versions)
 *      node bench/charts.ts 500      (smaller, for a quick look)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { chartTgz } from '../src/charts/testing.ts';
import { runBench, stopChild, tempDir, untrack } from './lib/cleanup.ts';
import { ROOT, startPlatform } from './lib/platform.ts';
import type { Platform } from './lib/platform.ts';
import { fmt, lineWriter, ms, secs, section, size } from './lib/report.ts';
import { median, percentile } from './lib/stats.ts';

const VERSIONS = Math.max(20, Math.min(20_000, Math.round(Number(process.argv[2] ?? 2000) || 2000)));
const PER_CHART = 20;
const PARALLEL = 8;
const WARM_GETS = 30;
const PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
const HELM = join(ROOT, '.tools', 'bin', 'helm');
const line = lineWriter(46);

interface Reply {
  status: number;
  bytes: number;
  ms: number;
}

function call(p: Platform, agent: Agent, method: string, path: string, body?: Buffer): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
    if (body) headers['Content-Length'] = body.length;
    const req = request(new URL(path, p.url), { method, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function uploadAll(p: Platform, agent: Agent, archives: Buffer[]): Promise<{ ms: number; bytes: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < archives.length) {
      const r = await call(p, agent, 'POST', '/api/public-charts/charts', archives[next++]);
      if (r.status !== 201) throw new Error(`upload answered ${r.status}`);
      latencies.push(r.ms);
    }
  }));
  return { ms: performance.now() - t0, bytes: archives.reduce((n, a) => n + a.length, 0), latencies: latencies.sort((a, b) => a - b) };
}

async function indexTimes(p: Platform, agent: Agent): Promise<{ cold: Reply; warm: number[] }> {
  const cold = await call(p, agent, 'GET', '/charts/public-charts/index.yaml');
  const warm: number[] = [];
  for (let i = 0; i < WARM_GETS; i++) warm.push((await call(p, agent, 'GET', '/charts/public-charts/index.yaml')).ms);
  return { cold, warm: warm.sort((a, b) => a - b) };
}

function helmTimes(p: Platform): { add: number; search: number } {
  const home = tempDir('bench-helm-');
  const env = { ...process.env, HELM_CONFIG_HOME: join(home, 'c'), HELM_CACHE_HOME: join(home, 'k'), HELM_DATA_HOME: join(home, 'd') };
  const t0 = performance.now();
  execFileSync(HELM, ['repo', 'add', 'pc', `${p.url}/charts/public-charts`, '--ca-file', join(p.dataDir, 'ca.crt'), '--username', 'admin', '--password', PASSWORD], { env, stdio: 'ignore' });
  const t1 = performance.now();
  execFileSync(HELM, ['search', 'repo', 'pc/', '--versions'], { env, stdio: 'ignore' });
  return { add: t1 - t0, search: performance.now() - t1 };
}

async function main(): Promise<void> {
  const dataDir = tempDir('bench-charts-');
  let p = await startPlatform(dataDir, PASSWORD);
  const ca = readFileSync(join(dataDir, 'ca.crt'));
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL, ca });
  const archives = Array.from({ length: VERSIONS }, (_, i) => chartTgz(`chart-${String(Math.floor(i / PER_CHART)).padStart(4, '0')}`, `1.${i % PER_CHART}.0`));
  section(`Chart repository: ${fmt(VERSIONS)} chart versions (${fmt(VERSIONS / PER_CHART)} charts × ${PER_CHART}), ${PARALLEL} parallel uploads`);
  const up = await uploadAll(p, agent, archives);
  line('upload throughput', `${fmt((VERSIONS * 1000) / up.ms, 1)} charts/s (${secs(up.ms)} total, ${size(up.bytes)})`);
  line('upload latency p50 / p95', `${ms(median(up.latencies))} / ${ms(percentile(up.latencies, 95))}`);
  const first = await indexTimes(p, agent);
  line('index.yaml size', size(first.cold.bytes));
  line('index.yaml GET, first after uploads (render)', ms(first.cold.ms));
  line('index.yaml GET, cached p50 / p95', `${ms(median(first.warm))} / ${ms(percentile(first.warm, 95))}`);
  const one = await call(p, agent, 'POST', '/api/public-charts/charts', chartTgz('chart-0000', '9.9.9'));
  const after = await indexTimes(p, agent);
  line('one more upload', ms(one.ms));
  line('index.yaml GET after it (one block re-rendered)', ms(after.cold.ms));
  const helm = helmTimes(p);
  line('helm repo add (downloads index.yaml)', ms(helm.add));
  line('helm search repo --versions', ms(helm.search));
  agent.destroy();
  untrack(p.child);
  await stopChild(p.child);
  p = await startPlatform(dataDir, PASSWORD);
  line('restart: marketplace ready (index loaded)', ms(p.printedMs));
  const agent2 = new Agent({ keepAlive: true, ca });
  const restarted = await indexTimes(p, agent2);
  line('index.yaml GET after restart (render)', `${ms(restarted.cold.ms)} (${size(restarted.cold.bytes)})`);
  agent2.destroy();
}

await runBench(main, 600_000);
