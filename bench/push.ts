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
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRegistryClient, parseReference } from '../src/oci/index.ts';
import { writeTestImageLayout } from '../src/oci/fixtures.ts';
import { buildPackage } from '../src/packages/writer.ts';
import { runBench, stopChild, tempDir } from './lib/cleanup.ts';
import { MULTI_PLATFORMS, splitLayers } from './lib/images.ts';
import { ROOT, startPlatform } from './lib/platform.ts';
import type { Platform } from './lib/platform.ts';
import { capFor, measured, procMemory, syncDisks, toolVersion } from './lib/proc.ts';
import type { Run } from './lib/proc.ts';
import { MiB, fmt, lineWriter, mib, ms, percent, ratio, rowWriter, secs, section, size } from './lib/report.ts';
import { mbps, median } from './lib/stats.ts';

const VIOLET = join(ROOT, 'bin', 'violet.js');
const SKOPEO = 'skopeo';

const TOTAL_MIB = Math.max(8, Math.min(8192, Math.round(Number(process.argv[2] ?? 1024) || 1024)));
/** The second, smaller package, pushed only to see whether violet's peak RSS grows with the package. */
const SMALL_MIB = Math.max(8, Math.round(TOTAL_MIB / 4));
const REGISTRY_PREFIX = 'harbor.demo.io/bench';
const VERSION = '1.0.0';
const ADMIN_USER = 'admin';
const ADMIN_PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
/** skopeo copies into `<host>/<SKOPEO_PREFIX>/<original repository>`: repositories violet never touched. */
const SKOPEO_PREFIX = 'skopeo-copy';
const RSS_SAMPLE_MS = 50;
const SHOW_RUNS = 3;
const REPUSH_RUNS = 3;
/** Every subprocess is bounded: at least this long (pushes: else as long as the bytes take at 4 MB/s, capFor). */
const MIN_CAP_MS = 60_000;
const OVERALL_CAP_MS = 240_000 + (TOTAL_MIB + SMALL_MIB) * 150;

const line = lineWriter(46);
const widths = [10, 10, 11, 12, 11, 12];
const row = rowWriter(28, (cell, i) => cell.padStart(widths[i] ?? 12));

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

/**
 * A bundle image (one 1 MiB layer), one two-platform index and three single-platform images (see splitLayers);
 * layers add up to `totalMiB`.
 */
function planImages(totalMiB: number, name: string): ImagePlan[] {
  const { singles, multi } = splitLayers(totalMiB, 1);
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
  line('buildPackage (indexed tar.gz, blob table)', `${secs(pkg.buildMs)}  (${fmt(mbps(pkg.bytes, pkg.buildMs))} MB/s)`);
  line('package file', `${mib(pkg.fileBytes)}  ${basename(pkg.file)}`);
}

// ---------------------------------------------------------------------------------------------
// measured subprocesses (lib/proc.ts measured: wall, reaped-children CPU, peak RSS sampled every RSS_SAMPLE_MS, and
// the platform's CPU and peak RSS over the run)

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
  const r = await measured(process.execPath, [VIOLET, 'push', pkg.file, ...flags], { env, capMs: capFor(pkg.bytes), sampleMs: RSS_SAMPLE_MS, watchPid: platform.pid });
  if (r.code !== 0) throw failure(`violet push ${basename(pkg.file)}`, r);
  return r;
}

/** `skopeo copy --all --preserve-digests` of every image of the layout, one after another, into fresh repositories. */
async function skopeoCopyAll(pkg: BuiltPackage, platform: Platform, env: NodeJS.ProcessEnv): Promise<Run & { runs: number }> {
  syncDisks();
  const total: Run & { runs: number } = { code: 0, wallMs: 0, cpuMs: 0, peakRss: 0, watchedCpuMs: 0, watchedPeakRss: 0, stdout: '', stderr: '', stdoutBytes: 0, stdoutLines: 0, timedOut: false, runs: 0 };
  const deadline = performance.now() + capFor(pkg.bytes);
  for (const img of pkg.images) {
    const ref = parseReference(img.ref);
    const dest = `docker://${platform.host}/${SKOPEO_PREFIX}/${ref.repository}:${ref.tag ?? 'latest'}`;
    const args = ['copy', '--all', '--preserve-digests', '--quiet', '--dest-cert-dir', platform.certDir, '--dest-creds', `${ADMIN_USER}:${ADMIN_PASSWORD}`, `oci:${pkg.layoutDir}:${img.ref}`, dest];
    const r = await measured(SKOPEO, args, { env, capMs: Math.max(1000, deadline - performance.now()), sampleMs: RSS_SAMPLE_MS, watchPid: platform.pid });
    if (r.code !== 0) throw failure(`skopeo copy ${img.ref}`, r);
    total.runs++;
    total.wallMs += r.wallMs;
    total.cpuMs += r.cpuMs;
    total.peakRss = Math.max(total.peakRss, r.peakRss);
    total.watchedCpuMs += r.watchedCpuMs;
    total.watchedPeakRss = Math.max(total.watchedPeakRss, r.watchedPeakRss);
  }
  return total;
}

/** The "OK <file>: …" line of violet's summary, shortened. */
function summaryOf(r: Run): string {
  const m = /^OK\s+\S+: (.*)$/m.exec(r.stdout);
  return m ? m[1].replace(/; registered in .*/, '').replace(/ image\(s\)/, ' images').replace(/ blob\(s\)/, ' blobs') : r.stdout.trim().split('\n').pop() ?? '';
}

function reportRun(label: string, bytes: number, r: Run): void {
  row(label, [secs(r.wallMs), fmt(mbps(bytes, r.wallMs), 1), secs(r.cpuMs), mib(r.peakRss), secs(r.watchedCpuMs), mib(r.watchedPeakRss)]);
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
  line('also built: tiny package (§3)', size(tiny.fileBytes, 1));

  const platform = await startPlatform(join(root, 'marketplace-data'), ADMIN_PASSWORD);
  const env = violetEnv(root);
  const skopeoHome = join(root, 'skopeo-home');
  mkdirSync(skopeoHome, { recursive: true });
  const skopeoEnv = { PATH: process.env.PATH, HOME: skopeoHome, TMPDIR: env.TMPDIR };

  section(`2. push into the platform registry (${platform.host}; marketplace up ready in ${secs(platform.wallMs)})`);
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
  // The no-op re-push is a few hundred ms of start-up and requests: its median of three, all three printed.
  const agains: Run[] = [];
  for (let i = 0; i < REPUSH_RUNS; i++) agains.push(await violetPush(big, platform, env));
  const again = [...agains].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(REPUSH_RUNS / 2)];

  row('', ['wall', 'MB/s', 'client CPU', 'client peak', 'server CPU', 'server peak']);
  reportRun('violet push, first', big.bytes, first);
  reportRun(`skopeo copy ×${skopeo.runs} (fresh repos)`, big.bytes, skopeo);
  reportRun(`violet push, again (median of ${REPUSH_RUNS})`, big.bytes, again);
  line('violet first push / skopeo, wall', `${ratio(first.wallMs, skopeo.wallMs)}  (goal < 1×: violet faster)`);
  line('violet again / violet first, wall', `${percent(again.wallMs, first.wallMs)}  (goal ≤ 5 %; runs ${agains.map((r) => ms(r.wallMs)).join(', ')})`);
  line('violet first push summary', summaryOf(first));
  line('violet again summary', summaryOf(again));
  line('HEAD of a violet-pushed layer in a skopeo repo', probe);
  line('MB/s', `image bytes (${fmt(big.bytes / 1e6)} MB, not the ${fmt(big.fileBytes / 1e6)} MB .tgz) / wall`);
  line('violet wall includes', 'node start-up, login, reading the blob table, Artifact/AV apply');
  line('skopeo', `images one after another (${skopeo.runs} processes), --preserve-digests, no compression`);

  section(`3. violet show (wall, median of ${SHOW_RUNS}, node start-up included)`);
  const timeViolet = async (args: string[]) => {
    const walls: number[] = [];
    for (let n = 0; n < SHOW_RUNS; n++) {
      const r = await measured(process.execPath, [VIOLET, ...args], { env, capMs: MIN_CAP_MS, sampleMs: RSS_SAMPLE_MS });
      if (r.code !== 0) throw failure(`violet ${args.join(' ')}`, r);
      walls.push(r.wallMs);
    }
    return walls;
  };
  const showBig = await timeViolet(['show', big.file]);
  const showTiny = await timeViolet(['show', tiny.file]);
  const version = await timeViolet(['--version']);
  line(`${mib(big.fileBytes)} package`, `${ms(median(showBig))}  (${showBig.map((v) => fmt(v)).join(', ')} ms)`);
  line(`${size(tiny.fileBytes, 1)} package`, `${ms(median(showTiny))}  (${showTiny.map((v) => fmt(v)).join(', ')} ms)`);
  line('big / tiny', `${ratio(median(showBig), median(showTiny))}  (goal ≈ 1×: independent of size)`);
  line('violet --version (start-up baseline)', `${ms(median(version))}  (${version.map((v) => fmt(v)).join(', ')} ms)`);

  section('4. memory: violet peak RSS during a first push (VmHWM/VmRSS sampled every 50 ms)');
  const smallRun = await violetPush(small, platform, env);
  line(`${fmt(SMALL_MIB)} MiB package (${mib(small.bytes)} of images)`, `violet ${mib(smallRun.peakRss)}, platform ${mib(smallRun.watchedPeakRss)}  (push ${secs(smallRun.wallMs)}, ${fmt(mbps(small.bytes, smallRun.wallMs), 1)} MB/s)`);
  line(`${fmt(TOTAL_MIB)} MiB package (${mib(big.bytes)} of images)`, `violet ${mib(first.peakRss)}, platform ${mib(first.watchedPeakRss)}`);
  line(`violet peak, ${fmt(TOTAL_MIB)} / ${fmt(SMALL_MIB)} MiB`, `${ratio(first.peakRss, smallRun.peakRss)}  (goal ≈ 1×: flat with package size)`);
  line('skopeo peak RSS (largest of its runs)', mib(skopeo.peakRss));
  line('platform VmRSS now / this bench VmHWM', `${mib(procMemory(platform.pid).rss)} / ${mib(procMemory('self').hwm)}`);

  await stopChild(platform.child);
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}

await runBench(main, OVERALL_CAP_MS);
