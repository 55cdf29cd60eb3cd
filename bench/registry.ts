/**
 * Registry benchmark: pushes and pulls a generated OCI image set (random, uncompressed tar layers of 1 to
 * 200 MiB) to our registry inside a real `marketplace up` subprocess and to Debian's `docker-registry`
 * (CNCF distribution), with our OCI client (copyImage, run as its own process per phase by
 * bench/lib/oci-copy.ts, as skopeo is) and with skopeo. Loopback TLS only. Prints figures, asserts nothing. See bench/README.md for what each figure means.
 *
 * Run: node bench/registry.ts          (1024 MiB image set, plus a 256 MiB set for the memory comparison)
 *      node bench/registry.ts 256      (smaller set, for a quick look)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistryClient } from '../src/oci/index.ts';
import { writeTestImageLayout } from '../src/oci/fixtures.ts';
import { freePort } from '../src/oci/testing.ts';
import { ensureTls } from '../src/platform/tls.ts';
import { runBench, tempDir, track } from './lib/cleanup.ts';
import { MULTI_PLATFORMS, splitLayers } from './lib/images.ts';
import type { CopySpec } from './lib/oci-copy.ts';
import { ROOT, startPlatform } from './lib/platform.ts';
import { capFor, measured, procCpuMs, procMemory, resetPeak, rssSampler, sleep, syncDisks, tail, toolVersion } from './lib/proc.ts';
import { MiB, fmt, lineWriter, mib, ratio, rowWriter, secs, section } from './lib/report.ts';
import { mbps, median } from './lib/stats.ts';

const DOCKER_REGISTRY = '/usr/bin/docker-registry';
const SKOPEO = 'skopeo';

const TOTAL_MIB = Math.max(8, Math.min(8192, Math.round(Number(process.argv[2] ?? 1024) || 1024)));
/** The second, smaller set used only to see whether peak RSS grows with the data. */
const SMALL_MIB = Math.max(8, Math.round(TOTAL_MIB / 4));
const ADMIN_USER = 'admin';
const ADMIN_PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
const RSS_SAMPLE_MS = 100;
const REPUSH_RUNS = 3;
const OVERALL_CAP_MS = 240_000 + TOTAL_MIB * 150;

const line = lineWriter(50);
const row = rowWriter(34, (cell) => cell.padEnd(30));

// ---------------------------------------------------------------------------------------------
// 1. the image set

interface ImagePlan {
  tag: string;
  /** Layer sizes in bytes, per platform. */
  layers: number[];
  platforms?: { os: string; architecture: string }[];
}

interface ImageSet {
  dir: string;
  images: (ImagePlan & { bytes: number; blobs: number })[];
  bytes: number;
  blobs: number;
  generationMs: number;
}

/** A few images adding up to `totalMiB` of layers: three single-platform images and one two-platform index (see splitLayers). */
function planImages(totalMiB: number, prefix: string): ImagePlan[] {
  const { singles, multi } = splitLayers(totalMiB);
  return [
    ...singles.map((layers, i) => ({ tag: `${prefix}img-${i + 1}`, layers: layers.map((m) => m * MiB) })),
    { tag: `${prefix}multi`, layers: multi.map((m) => m * MiB), platforms: MULTI_PLATFORMS },
  ];
}

async function generate(totalMiB: number, prefix: string, root: string): Promise<ImageSet> {
  const dir = join(root, `layout-${totalMiB}`);
  const set: ImageSet = { dir, images: [], bytes: 0, blobs: 0, generationMs: 0 };
  const t0 = performance.now();
  for (const plan of planImages(totalMiB, prefix)) {
    const img = await writeTestImageLayout(dir, { tag: plan.tag, layers: plan.layers, platforms: plan.platforms });
    set.images.push({ ...plan, bytes: img.totalBytes, blobs: img.blobs.length });
    set.bytes += img.totalBytes;
    set.blobs += img.blobs.length;
  }
  set.generationMs = performance.now() - t0;
  return set;
}

function reportImageSet(set: ImageSet): void {
  for (const img of set.images) {
    const platforms = (img.platforms ?? [{ os: 'linux', architecture: 'amd64' }]).map((p) => `${p.os}/${p.architecture}`).join(' + ');
    const layers = img.layers.map((b) => fmt(b / MiB)).join(', ');
    line(`${img.tag} (${platforms})`, `${mib(img.bytes)}, ${img.blobs} blobs; layers ${layers} MiB${img.platforms ? ' per platform' : ''}`);
  }
  line('total', `${mib(set.bytes)} (${fmt(set.bytes / 1e6)} MB) in ${set.blobs} blobs`);
  line('generation (random bytes + sha256 + write)', `${secs(set.generationMs)}  (${fmt(mbps(set.bytes, set.generationMs))} MB/s)`);
}

// ---------------------------------------------------------------------------------------------
// 2. the targets

interface Target {
  name: string;
  host: string;
  ca: string;
  /** A directory holding only ca.crt (skopeo --*-cert-dir treats other files as client certs). */
  certDir: string;
  credentials?: { username: string; password: string };
  pid: number;
  child: ChildProcess;
  startMs: number;
}

async function startMarketplace(root: string): Promise<Target> {
  const p = await startPlatform(join(root, 'marketplace-data'), ADMIN_PASSWORD);
  const credentials = { username: ADMIN_USER, password: ADMIN_PASSWORD };
  return { name: 'marketplace', host: p.registryHost, ca: readFileSync(join(p.certDir, 'ca.crt'), 'utf8'), certDir: p.certDir, credentials, pid: p.pid, child: p.child, startMs: p.wallMs };
}

async function startDockerRegistry(root: string): Promise<Target> {
  const dir = join(root, 'docker-registry');
  const tlsDir = join(dir, 'tls');
  const certDir = join(dir, 'certs');
  mkdirSync(tlsDir, { recursive: true });
  mkdirSync(certDir, { recursive: true });
  const tls = await ensureTls(tlsDir);
  writeFileSync(join(certDir, 'ca.crt'), tls.ca);
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  tls:',
    `    certificate: ${join(tlsDir, 'server.crt')}`,
    `    key: ${join(tlsDir, 'server.key')}`,
  ];
  writeFileSync(join(dir, 'config.yml'), config.join('\n') + '\n');
  const t0 = performance.now();
  const child = track(spawn(DOCKER_REGISTRY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = tail();
  child.stdout!.on('data', out.add);
  child.stderr!.on('data', out.add);
  const host = `127.0.0.1:${port}`;
  const client = createRegistryClient({ registry: host, ca: tls.ca, retries: 0 });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${out.text()}`);
      try {
        await client.ping({ signal: AbortSignal.timeout(2_000) });
        break;
      } catch (err) {
        if (i >= 150) throw new Error(`docker-registry not ready in 15 s (${(err as Error).message}):\n${out.text()}`);
        await sleep(100);
      }
    }
  } finally {
    client.close();
  }
  return { name: 'docker-registry', host, ca: tls.ca, certDir, pid: child.pid!, child, startMs: performance.now() - t0 };
}


// ---------------------------------------------------------------------------------------------
// 3. transfers

interface Phase {
  bytes: number;
  wallMs: number;
  /** Target process CPU (utime + stime) during the phase. */
  serverCpuMs: number;
  /** Client CPU: the client processes (ours or skopeo) reaped during the phase. */
  clientCpuMs: number;
  /** This (orchestrating) process, for the record. */
  benchCpuMs: number;
  /** Peak RSS of our client's process (NaN for skopeo phases). */
  clientPeakRss: number;
  /** This process: max(VmHWM after a reset, sampled VmRSS). */
  benchPeakRss: number;
  /** Target process VmHWM after a reset at the start of the phase (NaN if the reset was refused). */
  serverPeakRss: number;
  note: string;
}

/** What a phase's work reports: a note, and the peak RSS of our client's process when it ran one. */
interface PhaseResult {
  note: string;
  clientPeakRss?: number;
}

async function measure(target: Target, bytes: number, work: () => Promise<PhaseResult | string>): Promise<Phase> {
  syncDisks();
  const selfReset = resetPeak('self');
  const serverReset = resetPeak(target.pid);
  const sampler = rssSampler(RSS_SAMPLE_MS);
  const server0 = procCpuMs(target.pid).own;
  const self0 = process.cpuUsage();
  const reaped0 = procCpuMs('self').children;
  const t0 = performance.now();
  let result: PhaseResult = { note: '' };
  let sampled = NaN;
  try {
    const r = await work();
    result = typeof r === 'string' ? { note: r } : r;
  } finally {
    sampled = sampler.stop();
  }
  const wallMs = performance.now() - t0;
  const selfCpu = process.cpuUsage(self0);
  const reapedMs = procCpuMs('self').children - reaped0;
  const self = procMemory('self');
  return {
    bytes,
    wallMs,
    serverCpuMs: procCpuMs(target.pid).own - server0,
    clientCpuMs: reapedMs,
    benchCpuMs: (selfCpu.user + selfCpu.system) / 1000,
    benchPeakRss: Math.max(sampled, selfReset ? self.hwm : NaN),
    clientPeakRss: result.clientPeakRss ?? NaN,
    serverPeakRss: serverReset ? procMemory(target.pid).hwm : NaN,
    note: result.note,
  };
}

const repoOf = (tool: string, tag: string) => `bench/${tool}-${tag}`;

const OCI_COPY = join(ROOT, 'bench', 'lib', 'oci-copy.js');

/** Our client in its own process (bench/lib/oci-copy.ts), measured as skopeo is: one process per phase. */
async function runOurs(target: Target, set: ImageSet, tool: string, direction: CopySpec['direction'], layout: string): Promise<{ counts: { pushed: number; skipped: number; mounted: number; roots: string[] }; peakRss: number }> {
  const spec: CopySpec = { direction, registry: target.host, ca: target.ca, credentials: target.credentials, layout, images: set.images.map((img) => ({ tag: img.tag, repository: repoOf(tool, img.tag) })), timeoutMs: capFor(set.bytes) };
  const specFile = join(set.dir, '..', `oci-copy-${target.name}-${direction}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const r = await measured(process.execPath, [OCI_COPY, specFile], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, capMs: capFor(set.bytes) + 10_000, sampleMs: RSS_SAMPLE_MS });
  if (r.code !== 0) throw new Error(`our client (${direction}) failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${r.stderr.slice(-4096)}`);
  return { counts: JSON.parse(r.stdout.trim().split('\n').pop()!), peakRss: r.peakRss };
}

/** copyImage layout → registry for every image, one client process for the whole phase. */
async function pushOurs(target: Target, set: ImageSet, tool: string): Promise<PhaseResult> {
  const { counts, peakRss } = await runOurs(target, set, tool, 'push', set.dir);
  return { note: `blobs pushed ${counts.pushed}, skipped ${counts.skipped}, mounted ${counts.mounted}`, clientPeakRss: peakRss };
}

/** copyImage registry → a fresh layout for every image; notes how many roots match the source. */
async function pullOurs(target: Target, set: ImageSet, tool: string, dest: string): Promise<PhaseResult> {
  mkdirSync(dest, { recursive: true });
  const { counts, peakRss } = await runOurs(target, set, tool, 'pull', dest);
  const match = set.images.filter((img, i) => counts.roots[i] === rootDigest(set.dir, img.tag)).length;
  return { note: `roots identical to the source: ${match}/${set.images.length}`, clientPeakRss: peakRss };
}

function rootDigest(layoutDir: string, tag: string): string | undefined {
  try {
    const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    return index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
  } catch {
    return undefined;
  }
}

let skopeoHome = '';

/** One `skopeo` process, bounded in time; rejects with its stderr on failure. */
async function runSkopeo(args: string[], timeoutMs: number): Promise<void> {
  const env = { PATH: process.env.PATH, HOME: skopeoHome, XDG_RUNTIME_DIR: skopeoHome, XDG_DATA_HOME: join(skopeoHome, 'data') };
  const r = await measured(SKOPEO, args, { env, capMs: timeoutMs });
  if (r.timedOut) throw new Error(`skopeo ${args.slice(0, 2).join(' ')} timed out after ${secs(timeoutMs)}`);
  if (r.code !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-4096)}`);
}

function skopeoAuth(target: Target, side: 'src' | 'dest'): string[] {
  return [`--${side}-cert-dir`, target.certDir, ...(target.credentials ? [`--${side}-creds`, `${target.credentials.username}:${target.credentials.password}`] : [])];
}

async function pushSkopeo(target: Target, set: ImageSet, tool: string): Promise<string> {
  for (const img of set.images) {
    await runSkopeo(['copy', '--quiet', '--all', '--preserve-digests', ...skopeoAuth(target, 'dest'), `oci:${set.dir}:${img.tag}`, `docker://${target.host}/${repoOf(tool, img.tag)}:${img.tag}`], capFor(img.bytes));
  }
  return `${set.images.length} skopeo processes`;
}

async function pullSkopeo(target: Target, set: ImageSet, tool: string, dest: string): Promise<string> {
  mkdirSync(dest, { recursive: true });
  for (const img of set.images) {
    await runSkopeo(['copy', '--quiet', '--all', '--preserve-digests', ...skopeoAuth(target, 'src'), `docker://${target.host}/${repoOf(tool, img.tag)}:${img.tag}`, `oci:${dest}:${img.tag}`], capFor(img.bytes));
  }
  const match = set.images.filter((img) => rootDigest(dest, img.tag) === rootDigest(set.dir, img.tag)).length;
  return `roots identical to the source: ${match}/${set.images.length}`;
}

interface TargetResults {
  pushOurs: Phase;
  pushSkopeo: Phase;
  pullOurs: Phase;
  pullSkopeo: Phase;
  repushOurs: Phase;
  repushSkopeo: Phase;
}

/** A short phase (a no-op re-push is mostly process start-up) run REPUSH_RUNS times; the median by wall time. */
async function medianPhase(run: () => Promise<Phase>): Promise<Phase> {
  const runs: Phase[] = [];
  for (let i = 0; i < REPUSH_RUNS; i++) runs.push(await run());
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(REPUSH_RUNS / 2)];
}

async function benchTarget(target: Target, set: ImageSet, root: string): Promise<TargetResults> {
  const progress = (what: string) => process.stdout.write(`  … ${target.name}: ${what}\n`);
  progress('push, our client');
  const pushOursPhase = await measure(target, set.bytes, () => pushOurs(target, set, 'ours'));
  progress('push, skopeo');
  const pushSkopeoPhase = await measure(target, set.bytes, () => pushSkopeo(target, set, 'skopeo'));
  const pullDir = join(root, `pull-${target.name}`);
  progress('pull, our client');
  const pullOursPhase = await measure(target, set.bytes, () => pullOurs(target, set, 'ours', join(pullDir, 'ours')));
  rmSync(pullDir, { recursive: true, force: true });
  progress('pull, skopeo');
  const pullSkopeoPhase = await measure(target, set.bytes, () => pullSkopeo(target, set, 'skopeo', join(pullDir, 'skopeo')));
  rmSync(pullDir, { recursive: true, force: true });
  progress(`re-push (everything present; median of ${REPUSH_RUNS})`);
  const repushOurs = await medianPhase(() => measure(target, set.bytes, () => pushOurs(target, set, 'ours')));
  const repushSkopeo = await medianPhase(() => measure(target, set.bytes, () => pushSkopeo(target, set, 'skopeo')));
  return { pushOurs: pushOursPhase, pushSkopeo: pushSkopeoPhase, pullOurs: pullOursPhase, pullSkopeo: pullSkopeoPhase, repushOurs, repushSkopeo };
}

const rate = (p: Phase) => mbps(p.bytes, p.wallMs);
const transfer = (p: Phase) => `${secs(p.wallMs)}  ${fmt(rate(p))} MB/s`;
const cpu = (p: Phase) => `${fmt(p.clientCpuMs / 1000, 1)} s / ${fmt(p.serverCpuMs / 1000, 1)} s`;

function reportTransfers(ours: TargetResults, docker: TargetResults): void {
  const cols = (f: (r: TargetResults) => string, cmp?: (r: TargetResults) => number) => [f(ours), f(docker), cmp ? ratio(cmp(ours), cmp(docker)) : ''];
  row('', ['marketplace', 'docker-registry', 'marketplace / docker-registry']);
  row('push, our client', cols((r) => transfer(r.pushOurs), (r) => rate(r.pushOurs)));
  row('push, skopeo', cols((r) => transfer(r.pushSkopeo), (r) => rate(r.pushSkopeo)));
  row('  push ours / skopeo (MB/s)', cols((r) => ratio(rate(r.pushOurs), rate(r.pushSkopeo))));
  row('pull, our client', cols((r) => transfer(r.pullOurs), (r) => rate(r.pullOurs)));
  row('pull, skopeo', cols((r) => transfer(r.pullSkopeo), (r) => rate(r.pullSkopeo)));
  row('  pull ours / skopeo (MB/s)', cols((r) => ratio(rate(r.pullOurs), rate(r.pullSkopeo))));
  row(`re-push, our client (median of ${REPUSH_RUNS})`, cols((r) => `${secs(r.repushOurs.wallMs)} = ${fmt((100 * r.repushOurs.wallMs) / r.pushOurs.wallMs, 1)} % of 1st`));
  row(`re-push, skopeo (median of ${REPUSH_RUNS})`, cols((r) => `${secs(r.repushSkopeo.wallMs)} = ${fmt((100 * r.repushSkopeo.wallMs) / r.pushSkopeo.wallMs, 1)} % of 1st`));
  process.stdout.write('  CPU, client / registry process:\n');
  row('  push, our client', cols((r) => cpu(r.pushOurs)));
  row('  push, skopeo', cols((r) => cpu(r.pushSkopeo)));
  row('  pull, our client', cols((r) => cpu(r.pullOurs)));
  row('  pull, skopeo', cols((r) => cpu(r.pullSkopeo)));
  process.stdout.write('  checks:\n');
  row('  push / re-push, our client', cols((r) => r.pushOurs.note.replace('blobs ', '')));
  row('', cols((r) => r.repushOurs.note.replace('blobs ', '')));
  row('  pull, our client', cols((r) => r.pullOurs.note.replace('roots identical to the source', 'roots = source')));
  row('  pull, skopeo', cols((r) => r.pullSkopeo.note.replace('roots identical to the source', 'roots = source')));
}

const PULL_ROUNDS = 3;

/**
 * Pulls again, interleaved: each round pulls with both tools from both registries, the order alternating
 * between rounds, so page-cache and write-back state favour no one. Medians of PULL_ROUNDS rounds.
 */
async function interleavedPulls(market: Target, docker: Target, set: ImageSet, root: string): Promise<void> {
  process.stdout.write(`  … pulls again, interleaved (${PULL_ROUNDS} rounds, order alternating)\n`);
  const runs = new Map<string, number[]>();
  for (let round = 0; round < PULL_ROUNDS; round++) {
    const order = round % 2 ? [docker, market] : [market, docker];
    for (const target of order) {
      for (const tool of round % 2 ? ['skopeo', 'ours'] : ['ours', 'skopeo']) {
        const dest = join(root, `pull-again-${target.name}-${tool}`);
        const phase = await measure(target, set.bytes, () => (tool === 'ours' ? pullOurs(target, set, 'ours', dest) : pullSkopeo(target, set, 'skopeo', dest)));
        rmSync(dest, { recursive: true, force: true });
        runs.set(`${target.name}/${tool}`, [...(runs.get(`${target.name}/${tool}`) ?? []), phase.wallMs]);
      }
    }
  }
  const med = (key: string) => median(runs.get(key)!);
  const cell = (key: string) => `${secs(med(key))}  ${fmt(mbps(set.bytes, med(key)))} MB/s`;
  row(`pull, medians of ${PULL_ROUNDS} interleaved rounds`, ['marketplace', 'docker-registry', 'marketplace / docker-registry']);
  row('  pull, our client', [cell('marketplace/ours'), cell('docker-registry/ours'), ratio(med('docker-registry/ours'), med('marketplace/ours'))]);
  row('  pull, skopeo', [cell('marketplace/skopeo'), cell('docker-registry/skopeo'), ratio(med('docker-registry/skopeo'), med('marketplace/skopeo'))]);
  row('  pull ours / skopeo (MB/s)', [ratio(med('marketplace/skopeo'), med('marketplace/ours')), ratio(med('docker-registry/skopeo'), med('docker-registry/ours'))]);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  process.stdout.write(
    `Marketplace registry benchmark — ${fmt(TOTAL_MIB)} MiB image set (+ ${fmt(SMALL_MIB)} MiB for the memory comparison), node ${process.version}, ` +
      `${toolVersion(SKOPEO, ['--version'])}, ${toolVersion(DOCKER_REGISTRY, ['--version'])}; TLS on loopback; MB = 10^6 bytes\n`,
  );
  const root = tempDir('mp-bench-registry-');
  skopeoHome = join(root, 'skopeo-home');
  mkdirSync(skopeoHome);

  section(`1. image set: OCI layout, random uncompressed tar layers (writeTestImageLayout)`);
  const set = await generate(TOTAL_MIB, '', root);
  reportImageSet(set);
  const small = await generate(SMALL_MIB, 'small-', root);
  line(`(memory comparison set: ${small.images.length} images)`, `${mib(small.bytes)} in ${small.blobs} blobs, generated in ${secs(small.generationMs)}`);

  section('2. targets');
  const [market, docker] = await Promise.all([startMarketplace(root), startDockerRegistry(root)]);
  line('marketplace up (our registry, token/Basic auth)', `${market.host}, ready ${secs(market.startMs)} after spawn, VmRSS ${mib(procMemory(market.pid).rss)}`);
  line('docker-registry (no auth, filesystem storage)', `${docker.host}, ready ${secs(docker.startMs)} after spawn, VmRSS ${mib(procMemory(docker.pid).rss)}`);

  // The small set goes first, so leftovers of the big one cannot inflate its peaks.
  section(`3. transfers of the ${fmt(TOTAL_MIB)} MiB set (${set.images.length} images one after another; fresh repositories per tool)`);
  process.stdout.write(`  … memory comparison: our client pushes the ${fmt(SMALL_MIB)} MiB set to both\n`);
  const smallMarket = await measure(market, small.bytes, () => pushOurs(market, small, 'ours'));
  const smallDocker = await measure(docker, small.bytes, () => pushOurs(docker, small, 'ours'));
  const ours = await benchTarget(market, set, root);
  const dock = await benchTarget(docker, set, root);
  reportTransfers(ours, dock);
  await interleavedPulls(market, docker, set, root);

  section(`4. peak RSS (registries: VmHWM reset at the start of each phase; our client's process: VmHWM/VmRSS sampled every ${RSS_SAMPLE_MS} ms)`);
  const head = [`${fmt(SMALL_MIB)} MiB set`, `${fmt(TOTAL_MIB)} MiB set`, 'growth'];
  const growth = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${b >= a ? '+' : '−'}${mib(Math.abs(b - a))}` : 'n/a');
  row('our client push, peak of…', head);
  row('  our client process (→ marketplace)', [mib(smallMarket.clientPeakRss), mib(ours.pushOurs.clientPeakRss), growth(smallMarket.clientPeakRss, ours.pushOurs.clientPeakRss)]);
  row('  our client process (→ docker-registry)', [mib(smallDocker.clientPeakRss), mib(dock.pushOurs.clientPeakRss), growth(smallDocker.clientPeakRss, dock.pushOurs.clientPeakRss)]);
  row('  marketplace process', [mib(smallMarket.serverPeakRss), mib(ours.pushOurs.serverPeakRss), growth(smallMarket.serverPeakRss, ours.pushOurs.serverPeakRss)]);
  row('  docker-registry process', [mib(smallDocker.serverPeakRss), mib(dock.pushOurs.serverPeakRss), growth(smallDocker.serverPeakRss, dock.pushOurs.serverPeakRss)]);
  row(`${fmt(TOTAL_MIB)} MiB set, peak of…`, ['marketplace', 'docker-registry']);
  row('  registry process, skopeo push', [mib(ours.pushSkopeo.serverPeakRss), mib(dock.pushSkopeo.serverPeakRss)]);
  row('  registry process, our client pull', [mib(ours.pullOurs.serverPeakRss), mib(dock.pullOurs.serverPeakRss)]);
  row('  registry process, skopeo pull', [mib(ours.pullSkopeo.serverPeakRss), mib(dock.pullSkopeo.serverPeakRss)]);
  row('  our client process, pull', [mib(ours.pullOurs.clientPeakRss), mib(dock.pullOurs.clientPeakRss)]);
  row('  marketplace VmHWM since start', [mib(procMemory(market.pid).hwm)]);
  line(`(small set push, our client: marketplace / docker-registry)`, `${fmt(rate(smallMarket))} / ${fmt(rate(smallDocker))} MB/s`);

  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}

await runBench(main, OVERALL_CAP_MS);
