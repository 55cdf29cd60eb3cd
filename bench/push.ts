/**
 * `violet push` benchmark: builds a bundle package of generated images (random, uncompressed tar layers of
 * 1 to 200 MiB, one two-platform image), starts a real `marketplace up` subprocess and pushes the package
 * into its registry with the real `violet` CLI (a subprocess), compares that with skopeo copying the same
 * OCI layout into fresh repositories of the same registry, pushes again (every blob present), times
 * `violet show`, and samples peak RSS. Loopback TLS only. Prints figures, asserts nothing.
 *
 * Run: node bench/push.ts          (1024 MiB package, plus a 256 MiB one for the memory comparison)
 *      node bench/push.ts 256      (smaller package, for a quick look)
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegistryClient, parseReference } from '../src/oci/index.ts';
import { writeTestImageLayout } from '../src/oci/fixtures.ts';
import { buildPackage } from '../src/packages/writer.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'src', 'platform', 'cli.ts');
const VIOLET = join(ROOT, 'src', 'violet', 'cli.ts');
const SKOPEO = 'skopeo';

const MiB = 1024 * 1024;
const TOTAL_MIB = Math.max(8, Math.min(8192, Math.round(Number(process.argv[2] ?? 1024) || 1024)));
/** The second, smaller package, pushed only to see whether violet's peak RSS grows with the package. */
const SMALL_MIB = Math.max(8, Math.round(TOTAL_MIB / 4));
/** Layer sizes in MiB, repeated until the total is reached (the last layer takes the remainder). */
const LAYER_SEQUENCE = [1, 2, 5, 10, 20, 50, 100, 200];
const SINGLE_IMAGES = 3;
const MULTI_PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
];
const REGISTRY_PREFIX = 'harbor.demo.io/bench';
const VERSION = '1.0.0';
const ADMIN_USER = 'admin';
const ADMIN_PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
/** skopeo copies into `<host>/<SKOPEO_PREFIX>/<original repository>`: repositories violet never touched. */
const SKOPEO_PREFIX = 'skopeo-copy';
const RSS_SAMPLE_MS = 50;
const SHOW_RUNS = 3;
/** Every subprocess is bounded: at least this long, else as long as the bytes take at MIN_RATE. */
const MIN_CAP_MS = 60_000;
const MIN_RATE_BYTES_PER_S = 4e6;
const OVERALL_CAP_MS = 240_000 + (TOTAL_MIB + SMALL_MIB) * 150;

// ---------------------------------------------------------------------------------------------
// small helpers (same style as bench/apiserver.ts)

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0)} ms`;
const secs = (n: number) => (n < 1000 ? ms(n) : `${fmt(n / 1000, 2)} s`);
const mib = (bytes: number) => `${fmt(bytes / MiB, 1)} MiB`;
const size = (bytes: number) => (bytes < MiB ? `${fmt(bytes / 1024, 1)} KiB` : mib(bytes));
/** MB/s with MB = 10^6 bytes. */
const mbps = (bytes: number, millis: number) => bytes / 1e6 / (millis / 1000);
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}×` : 'n/a');
const percent = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt((100 * a) / b, 1)} %` : 'n/a');

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
}

function section(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

function line(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(46)} ${value}\n`);
}

function row(label: string, cells: string[]): void {
  const widths = [10, 10, 11, 12, 11, 12];
  process.stdout.write(`  ${label.padEnd(28)} ${cells.map((c, i) => c.padStart(widths[i] ?? 12)).join(' ')}\n`);
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

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux ≥ 4.0); false if not allowed. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU milliseconds from /proc/<pid>/stat: own utime+stime, and cutime+cstime of reaped children (USER_HZ = 100). */
function procCpuMs(pid: number | 'self'): { own: number; children: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { own: (f[11] + f[12]) * 10, children: (f[13] + f[14]) * 10 };
  } catch {
    return { own: NaN, children: NaN };
  }
}

function capFor(bytes: number): number {
  return Math.max(MIN_CAP_MS, (bytes / MIN_RATE_BYTES_PER_S) * 1000);
}

function toolVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).trim().split('\n')[0];
  } catch {
    return `${cmd}: not runnable`;
  }
}

/** Flushes dirty pages so one phase's write-back does not slow the next (not timed). */
function syncDisks(): void {
  try {
    execFileSync('sync', [], { timeout: 60_000 });
  } catch {
    // best effort
  }
}

/** Keeps the last `max` characters of a child's output (for error messages). */
function tail(max = 16_384): { add(chunk: Buffer): void; text(): string } {
  let text = '';
  return {
    add(chunk) {
      text = (text + chunk.toString()).slice(-max);
    },
    text: () => text,
  };
}

// ---------------------------------------------------------------------------------------------
// temp dirs and child processes (all cleaned up at the end, also on failure or Ctrl-C)

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const children = new Set<ChildProcess>();

/** SIGTERM, then SIGKILL after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// 1. the package

interface ImagePlan {
  ref: string;
  /** Layer sizes in bytes, per platform. */
  layers: number[];
  platforms?: { os: string; architecture: string }[];
}

interface BuiltPackage {
  name: string;
  file: string;
  fileBytes: number;
  layoutDir: string;
  images: (ImagePlan & { bytes: number; blobs: number })[];
  /** Bytes of every blob in the layout (what a push sends when the registry has none of them). */
  bytes: number;
  blobs: number;
  generationMs: number;
  buildMs: number;
  largestLayer: string;
}

/** Fills `totalMiB` with LAYER_SEQUENCE sizes, repeated; the last layer takes what is left. */
function fillLayers(totalMiB: number): number[] {
  const sizes: number[] = [];
  let left = totalMiB;
  for (let i = 0; left > 0 && i < 10_000; i++) {
    const mb = Math.min(LAYER_SEQUENCE[i % LAYER_SEQUENCE.length], left);
    sizes.push(mb);
    left -= mb;
  }
  return sizes;
}

/**
 * A bundle image (one 1 MiB layer), one two-platform index whose per-platform layers are the longest prefix of
 * LAYER_SEQUENCE taking at most a tenth of the total, and the rest spread over SINGLE_IMAGES single-platform
 * images (largest layers first, each to the lightest image). Layers add up to `totalMiB`.
 */
function planImages(totalMiB: number, name: string): ImagePlan[] {
  const multi: number[] = [LAYER_SEQUENCE[0]];
  for (const mb of LAYER_SEQUENCE.slice(1)) {
    if (MULTI_PLATFORMS.length * (multi.reduce((a, b) => a + b, 0) + mb) > totalMiB / 10) break;
    multi.push(mb);
  }
  const rest = fillLayers(Math.max(1, totalMiB - 1 - MULTI_PLATFORMS.length * multi.reduce((a, b) => a + b, 0))).sort((a, b) => b - a);
  const singles = Array.from({ length: Math.min(SINGLE_IMAGES, rest.length) }, () => [] as number[]);
  for (const mb of rest) {
    const lightest = singles.reduce((best, img) => (img.reduce((a, b) => a + b, 0) < best.reduce((a, b) => a + b, 0) ? img : best));
    lightest.push(mb);
  }
  const ref = (what: string) => `${REGISTRY_PREFIX}/${name}${what}:v${VERSION}`;
  return [
    { ref: ref('-bundle'), layers: [MiB] },
    ...singles.map((layers, i) => ({ ref: ref(`-img-${i + 1}`), layers: layers.map((m) => m * MiB) })),
    { ref: ref('-multi'), layers: multi.map((m) => m * MiB), platforms: MULTI_PLATFORMS },
  ];
}

/** Writes the OCI layout, then the bundle package (buildPackage, as src/packages/testing.ts does). */
async function buildBundle(name: string, plans: ImagePlan[], root: string): Promise<BuiltPackage> {
  const layoutDir = join(root, `layout-${name}`);
  const outDir = join(root, `pkg-${name}`);
  mkdirSync(outDir, { recursive: true });
  const pkg: BuiltPackage = { name, file: '', fileBytes: 0, layoutDir, images: [], bytes: 0, blobs: 0, generationMs: 0, buildMs: 0, largestLayer: '' };
  let largest = 0;
  const t0 = performance.now();
  for (const plan of plans) {
    const img = await writeTestImageLayout(layoutDir, { tag: plan.ref, layers: plan.layers, platforms: plan.platforms });
    pkg.images.push({ ...plan, bytes: img.totalBytes, blobs: img.blobs.length });
    pkg.bytes += img.totalBytes;
    pkg.blobs += img.blobs.length;
    for (const digest of img.blobs) {
      const bytes = statSync(join(layoutDir, 'blobs', 'sha256', digest.slice(7))).size;
      if (bytes > largest) [largest, pkg.largestLayer] = [bytes, digest];
    }
  }
  pkg.generationMs = performance.now() - t0;
  const t1 = performance.now();
  const { file } = await buildPackage({
    outDir,
    layoutDir,
    manifest: {
      type: 'bundle',
      name,
      displayName: `Bench ${name}`,
      version: VERSION,
      arch: 'ALL',
      channel: 'stable',
      artifact: plans[0].ref,
      relatedImages: plans.slice(1).map((p) => p.ref),
      bundle: { package: name, channels: ['stable'], defaultChannel: 'stable', csvName: `${name}.v${VERSION}`, csvVersion: VERSION, sourceType: 'Alauda', provider: 'Bench' },
    },
  });
  pkg.buildMs = performance.now() - t1;
  pkg.file = file;
  pkg.fileBytes = statSync(file).size;
  return pkg;
}

function reportPackage(pkg: BuiltPackage): void {
  for (const img of pkg.images) {
    const platforms = (img.platforms ?? [{ os: 'linux', architecture: 'amd64' }]).map((p) => p.architecture).join('+');
    const layers = img.layers.map((b) => fmt(b / MiB)).join(',');
    line(`${img.ref.slice(REGISTRY_PREFIX.length + 1)} (${platforms})`, `${mib(img.bytes)}, ${img.blobs} blobs; layers ${layers} MiB${img.platforms ? ' per platform' : ''}`);
  }
  line('images, every blob', `${mib(pkg.bytes)} (${fmt(pkg.bytes / 1e6)} MB) in ${pkg.blobs} blobs`);
  line('layout generation (random + sha256 + write)', `${secs(pkg.generationMs)}  (${fmt(mbps(pkg.bytes, pkg.generationMs))} MB/s)`);
  line('buildPackage (tar + gzip level 1)', `${secs(pkg.buildMs)}  (${fmt(mbps(pkg.bytes, pkg.buildMs))} MB/s)`);
  line('package file', `${mib(pkg.fileBytes)}  ${basename(pkg.file)}`);
}

// ---------------------------------------------------------------------------------------------
// 2. the platform

interface Platform {
  url: string;
  host: string;
  dataDir: string;
  certDir: string;
  pid: number;
  child: ChildProcess;
  readyMs: number;
}

async function startMarketplace(root: string): Promise<Platform> {
  const dataDir = join(root, 'marketplace-data');
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'up', '--data-dir', dataDir, '--port', '0', '--admin-password', ADMIN_PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const out = tail();
  let all = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`marketplace not ready in 30 s:\n${out.text()}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out.add(chunk);
      if (all.length < 65_536) all += chunk.toString();
      const m = /marketplace ready at (\S+)/.exec(all);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`marketplace exited (${code ?? signal}):\n${out.text()}`));
    });
  });
  return { url, host: new URL(url).host, dataDir, certDir: join(dataDir, 'certs'), pid: child.pid!, child, readyMs: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// measured subprocesses

interface Run {
  code: number | null;
  wallMs: number;
  /** utime + stime of the subprocess (reaped-children delta of this process). */
  cpuMs: number;
  /** max(VmHWM, VmRSS) sampled every RSS_SAMPLE_MS while it ran. */
  peakRss: number;
  /** Platform CPU and peak RSS over the run (VmHWM after a reset; sampled VmRSS when the reset is refused). */
  platformCpuMs: number;
  platformPeakRss: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

async function measured(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; capMs: number; platform?: Platform }): Promise<Run> {
  const { platform } = opts;
  const platformReset = platform ? resetPeak(platform.pid) : false;
  const platformCpu0 = platform ? procCpuMs(platform.pid).own : NaN;
  const reaped0 = procCpuMs('self').children;
  const stdout = tail();
  const stderr = tail();
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.stdout.on('data', stdout.add);
  child.stderr.on('data', stderr.add);
  let peakRss = 0;
  let platformRss = 0;
  const sample = () => {
    const m = procMemory(child.pid ?? -1);
    peakRss = Math.max(peakRss, Number.isFinite(m.hwm) ? m.hwm : 0, Number.isFinite(m.rss) ? m.rss : 0);
    if (platform) platformRss = Math.max(platformRss, procMemory(platform.pid).rss || 0);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child);
  }, opts.capMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr.add(Buffer.from(String(err)));
      resolve(null);
    });
    child.once('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - t0;
  clearTimeout(timer);
  clearInterval(sampler);
  children.delete(child);
  const platformPeakRss = platform ? Math.max(platformRss, platformReset ? procMemory(platform.pid).hwm : 0) : NaN;
  return {
    code,
    wallMs,
    cpuMs: procCpuMs('self').children - reaped0,
    peakRss: peakRss || NaN,
    platformCpuMs: platform ? procCpuMs(platform.pid).own - platformCpu0 : NaN,
    platformPeakRss: platformPeakRss || NaN,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut,
  };
}

function failure(what: string, r: Run): Error {
  return new Error(`${what} ${r.timedOut ? 'timed out' : `failed (exit ${r.code})`}:\nstdout: ${r.stdout.slice(-4000)}\nstderr: ${r.stderr.slice(-4000)}`);
}

function violetEnv(root: string): NodeJS.ProcessEnv {
  // Own HOME (no ~/.violet/config.yaml leaks in) and TMPDIR (its spool dir is removed with ours even if it is killed).
  const home = join(root, 'violet-home');
  const tmp = join(root, 'violet-tmp');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  return { PATH: process.env.PATH, HOME: home, TMPDIR: tmp };
}

async function violetPush(pkg: BuiltPackage, platform: Platform, env: NodeJS.ProcessEnv): Promise<Run> {
  syncDisks();
  const flags = ['--platform-address', platform.url, '--platform-username', ADMIN_USER, '--platform-password', ADMIN_PASSWORD, '--ca-file', join(platform.dataDir, 'ca.crt')];
  const r = await measured(process.execPath, [VIOLET, 'push', pkg.file, ...flags], { env, capMs: capFor(pkg.bytes), platform });
  if (r.code !== 0) throw failure(`violet push ${basename(pkg.file)}`, r);
  return r;
}

/** `skopeo copy --all --preserve-digests` of every image of the layout, one after another, into fresh repositories. */
async function skopeoCopyAll(pkg: BuiltPackage, platform: Platform, env: NodeJS.ProcessEnv): Promise<Run & { runs: number }> {
  syncDisks();
  const total: Run & { runs: number } = { code: 0, wallMs: 0, cpuMs: 0, peakRss: 0, platformCpuMs: 0, platformPeakRss: 0, stdout: '', stderr: '', timedOut: false, runs: 0 };
  const deadline = performance.now() + capFor(pkg.bytes);
  for (const img of pkg.images) {
    const ref = parseReference(img.ref);
    const dest = `docker://${platform.host}/${SKOPEO_PREFIX}/${ref.repository}:${ref.tag ?? 'latest'}`;
    const args = ['copy', '--all', '--preserve-digests', '--quiet', '--dest-cert-dir', platform.certDir, '--dest-creds', `${ADMIN_USER}:${ADMIN_PASSWORD}`, `oci:${pkg.layoutDir}:${img.ref}`, dest];
    const r = await measured(SKOPEO, args, { env, capMs: Math.max(1000, deadline - performance.now()), platform });
    if (r.code !== 0) throw failure(`skopeo copy ${img.ref}`, r);
    total.runs++;
    total.wallMs += r.wallMs;
    total.cpuMs += r.cpuMs;
    total.peakRss = Math.max(total.peakRss, r.peakRss);
    total.platformCpuMs += r.platformCpuMs;
    total.platformPeakRss = Math.max(total.platformPeakRss, r.platformPeakRss);
  }
  return total;
}

/** The "OK <file>: …" line of violet's summary, shortened. */
function summaryOf(r: Run): string {
  const m = /^OK\s+\S+: (.*)$/m.exec(r.stdout);
  return m ? m[1].replace(/; registered in .*/, '').replace(/ image\(s\)/, ' images').replace(/ blob\(s\)/, ' blobs') : r.stdout.trim().split('\n').pop() ?? '';
}

function reportRun(label: string, bytes: number, r: Run): void {
  row(label, [secs(r.wallMs), fmt(mbps(bytes, r.wallMs), 1), secs(r.cpuMs), mib(r.peakRss), secs(r.platformCpuMs), mib(r.platformPeakRss)]);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const root = tempDir('mp-bench-push-');
  process.stdout.write(`Marketplace violet push benchmark — ${fmt(TOTAL_MIB)} MiB package (+ ${fmt(SMALL_MIB)} MiB for memory), node ${process.version}, ${toolVersion(SKOPEO, ['--version'])}, loopback TLS\n`);

  section(`1. bundle package of ${fmt(TOTAL_MIB)} MiB of images (random, uncompressed tar layers)`);
  const big = await buildBundle('bench-operator', planImages(TOTAL_MIB, 'bench-operator'), root);
  reportPackage(big);
  const tiny = await buildBundle('bench-tiny', [{ ref: `${REGISTRY_PREFIX}/bench-tiny-bundle:v${VERSION}`, layers: [2048] }], root);
  const small = await buildBundle('bench-small', planImages(SMALL_MIB, 'bench-small'), root);
  line(`also built: ${fmt(SMALL_MIB)} MiB package (§4)`, `${mib(small.fileBytes)} in ${secs(small.generationMs + small.buildMs)}`);
  line('also built: tiny package (§3)', size(tiny.fileBytes));

  const platform = await startMarketplace(root);
  const env = violetEnv(root);
  const skopeoHome = join(root, 'skopeo-home');
  mkdirSync(skopeoHome, { recursive: true });
  const skopeoEnv = { PATH: process.env.PATH, HOME: skopeoHome, TMPDIR: env.TMPDIR };

  section(`2. push into the platform registry (${platform.host}; marketplace up ready in ${secs(platform.readyMs)})`);
  const first = await violetPush(big, platform, env);

  // skopeo gets no help from violet's blobs: the registry shares a blob with another repository only
  // through a cross-repository mount, and skopeo (no blob-info-cache entry for these fresh digests)
  // only HEADs the destination repository, which answers 404. Checked here, not assumed.
  const client = createRegistryClient({ registry: platform.host, ca: readFileSync(join(platform.certDir, 'ca.crt'), 'utf8'), credentials: { username: ADMIN_USER, password: ADMIN_PASSWORD } });
  let probe: string;
  try {
    const probeRepo = `${SKOPEO_PREFIX}/${parseReference(big.images[1].ref).repository}`;
    const seen = await client.headBlob(probeRepo, big.largestLayer).catch((err: Error) => `error: ${err.message}`);
    probe = seen === undefined ? '404 → skopeo uploads every byte' : `present (${typeof seen === 'string' ? seen : 'HTTP 200'}) → skopeo may skip bytes`;
  } finally {
    client.close();
  }

  const skopeo = await skopeoCopyAll(big, platform, skopeoEnv);
  const again = await violetPush(big, platform, env);

  row('', ['wall', 'MB/s', 'client CPU', 'client peak', 'server CPU', 'server peak']);
  reportRun('violet push, first', big.bytes, first);
  reportRun(`skopeo copy ×${skopeo.runs} (fresh repos)`, big.bytes, skopeo);
  reportRun('violet push, again', big.bytes, again);
  line('violet first push / skopeo, wall', `${ratio(first.wallMs, skopeo.wallMs)}  (goal < 1×: violet faster)`);
  line('violet again / violet first, wall', `${percent(again.wallMs, first.wallMs)}  (goal ≤ 5 %)`);
  line('violet first push summary', summaryOf(first));
  line('violet again summary', summaryOf(again));
  line('HEAD of a violet-pushed layer in a skopeo repo', probe);
  line('MB/s', `image bytes (${fmt(big.bytes / 1e6)} MB, not the ${fmt(big.fileBytes / 1e6)} MB .tgz) / wall`);
  line('violet wall includes', 'node start-up, login, gunzip + tar walk, Artifact/AV apply');
  line('skopeo', `images one after another (${skopeo.runs} processes), --preserve-digests, no compression`);

  section(`3. violet show (wall, median of ${SHOW_RUNS}, node start-up included)`);
  const timeViolet = async (args: string[]) => {
    const walls: number[] = [];
    for (let n = 0; n < SHOW_RUNS; n++) {
      const r = await measured(process.execPath, [VIOLET, ...args], { env, capMs: MIN_CAP_MS });
      if (r.code !== 0) throw failure(`violet ${args.join(' ')}`, r);
      walls.push(r.wallMs);
    }
    return walls;
  };
  const showBig = await timeViolet(['show', big.file]);
  const showTiny = await timeViolet(['show', tiny.file]);
  const version = await timeViolet(['--version']);
  line(`${mib(big.fileBytes)} package`, `${ms(median(showBig))}  (${showBig.map((v) => fmt(v)).join(', ')} ms)`);
  line(`${size(tiny.fileBytes)} package`, `${ms(median(showTiny))}  (${showTiny.map((v) => fmt(v)).join(', ')} ms)`);
  line('big / tiny', `${ratio(median(showBig), median(showTiny))}  (goal ≈ 1×: independent of size)`);
  line('violet --version (start-up baseline)', `${ms(median(version))}  (${version.map((v) => fmt(v)).join(', ')} ms)`);

  section('4. memory: violet peak RSS during a first push (VmHWM/VmRSS sampled every 50 ms)');
  const smallRun = await violetPush(small, platform, env);
  line(`${fmt(SMALL_MIB)} MiB package (${mib(small.bytes)} of images)`, `violet ${mib(smallRun.peakRss)}, platform ${mib(smallRun.platformPeakRss)}  (push ${secs(smallRun.wallMs)}, ${fmt(mbps(small.bytes, smallRun.wallMs), 1)} MB/s)`);
  line(`${fmt(TOTAL_MIB)} MiB package (${mib(big.bytes)} of images)`, `violet ${mib(first.peakRss)}, platform ${mib(first.platformPeakRss)}`);
  line(`violet peak, ${fmt(TOTAL_MIB)} / ${fmt(SMALL_MIB)} MiB`, `${ratio(first.peakRss, smallRun.peakRss)}  (goal ≈ 1×: flat with package size)`);
  line('skopeo peak RSS (largest of its runs)', mib(skopeo.peakRss));
  line('platform VmRSS now / this bench VmHWM', `${mib(procMemory(platform.pid).rss)} / ${mib(procMemory('self').hwm)}`);

  await stopChild(platform.child);
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

const guard = setTimeout(() => {
  process.stderr.write(`benchmark exceeded ${OVERALL_CAP_MS / 1000} s, stopping\n`);
  void cleanup().finally(() => process.exit(2));
}, OVERALL_CAP_MS);
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));

try {
  await main();
} catch (err) {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(guard);
  await cleanup();
}
