/**
 * Vendor portal download benchmark: 8 packages of random bytes (with .sha256 side files) served by a real
 * `marketplace portal` subprocess, downloaded by `violet ac download-app` (parallel, resumable, sha256
 * verified before the final rename) and by `curl` (4 parallel transfers, no verification; then again
 * followed by `sha256sum -c`), from the same portal in the same run. Then resume: every file already half
 * there as a `.part`, and a re-run with everything present. Prints figures, asserts nothing.
 *
 * Run: node bench/portal.ts          (1024 MiB across 8 packages)
 *      node bench/portal.ts 256      (smaller, for a quick look)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { flatCatalogue, writeCatalogue, writeRandomFile } from '../src/portal/testing.ts';
import { addAccount } from '../src/portal/index.ts';
import { runBench, tempDir, track } from './lib/cleanup.ts';
import { ROOT } from './lib/platform.ts';
import { capFor, measured, syncDisks, tail, toolVersion } from './lib/proc.ts';
import type { Run } from './lib/proc.ts';
import { MiB, fmt, lineWriter, mib, ratio, secs, section } from './lib/report.ts';
import { mbps, median } from './lib/stats.ts';

const TOTAL_MIB = Math.max(8, Math.min(8192, Math.round(Number(process.argv[2] ?? 1024) || 1024)));
const FILES = 8;
const ROUNDS = 3;
const CLI = join(ROOT, 'bin', 'marketplace.js');
const VIOLET = join(ROOT, 'bin', 'violet.js');
const PASSWORD = `Bench-${randomBytes(8).toString('hex')}`;
const line = lineWriter(56);

interface Store {
  dir: string;
  files: string[];
  bytes: number;
}

async function generateStore(): Promise<Store> {
  const dir = tempDir('bench-portal-store-');
  const each = Math.floor((TOTAL_MIB * MiB) / FILES);
  const files = Array.from({ length: FILES }, (_, i) => `bench-app-${i + 1}.amd64.v1.0.0.tgz`);
  for (const f of files) await writeRandomFile(dir, f, each);
  writeCatalogue(dir, flatCatalogue(files));
  addAccount(join(dir, 'accounts.yaml'), 'bench', 'bench', PASSWORD);
  return { dir, files, bytes: each * FILES };
}

async function startPortal(dir: string): Promise<{ url: string; pid: number }> {
  const child = track(spawn(process.execPath, [CLI, 'portal', '--packages', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = tail();
  child.stderr.on('data', out.add);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal not ready in 30 s:\n${out.text()}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out.add(c);
      const m = /marketplace portal ready at (\S+)/.exec(out.text());
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid! });
      }
    });
    child.once('exit', (code) => reject(new Error(`portal exited with ${code}:\n${out.text()}`)));
  });
}

const env = (home: string) => ({ PATH: process.env.PATH, HOME: home });

async function violetLogin(home: string, url: string): Promise<string> {
  const r = await measured(process.execPath, [VIOLET, 'ac', 'login', '--account=bench', '--username=bench', `--password=${PASSWORD}`, `--ac-url=${url}`], { env: env(home), capMs: 60_000 });
  if (r.code !== 0) throw new Error(`violet ac login failed: ${r.stderr}`);
  const res = await fetch(`${url}/api/v1/login`, { method: 'POST', body: JSON.stringify({ account: 'bench', username: 'bench', password: PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}

function violetDownload(home: string, out: string, portalPid: number, bytes: number): Promise<Run> {
  return measured(process.execPath, [VIOLET, 'ac', 'download-app', '--arch=amd64', '--platformVersion=v4.1.0', '--scenario=all', `--output-dir=${out}`], { env: env(home), capMs: capFor(bytes), watchPid: portalPid });
}

function curlDownload(store: Store, url: string, token: string, out: string, portalPid: number): Promise<Run> {
  const pairs = store.files.flatMap((f) => ['-o', join(out, f), `${url}/files/${f}`]);
  return measured('curl', ['-sSf', '--parallel', '--parallel-max', '4', '-H', `Authorization: Bearer ${token}`, ...pairs], { env: env(out), capMs: capFor(store.bytes), watchPid: portalPid });
}

function sha256Check(store: Store, dir: string): Promise<Run> {
  return measured('bash', ['-c', `cd ${dir} && for f in ${store.files.join(' ')}; do cp ${store.dir}/$f.sha256 .; done && sha256sum -c --quiet *.sha256`], { env: env(dir), capMs: capFor(store.bytes) });
}

/** Copies the first half of every package into `<out>/<file>.part`, as an interrupted run leaves it. */
function halfParts(store: Store, out: string): number {
  let kept = 0;
  const buf = Buffer.alloc(4 * MiB);
  for (const f of store.files) {
    const src = openSync(join(store.dir, f), 'r');
    const dst = openSync(join(out, `${f}.part`), 'w');
    const half = Math.floor(store.bytes / FILES / 2);
    for (let done = 0; done < half; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, half - done), done);
      writeSync(dst, buf, 0, n);
      done += n;
    }
    closeSync(src);
    closeSync(dst);
    kept += half;
  }
  return kept;
}

function check(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function main(): Promise<void> {
  const began = performance.now();
  section(`portal download benchmark: ${fmt(TOTAL_MIB)} MiB across ${FILES} packages (${toolVersion('curl', ['--version'])})`);
  const t0 = performance.now();
  const store = await generateStore();
  line('store generated (random bytes + .sha256)', `${mib(store.bytes)} in ${secs(performance.now() - t0)}`);
  const portal = await startPortal(store.dir);
  const home = tempDir('bench-portal-home-');
  const token = await violetLogin(home, portal.url);
  line('portal', portal.url);

  section(`1. full download, same portal, same run: ${ROUNDS} interleaved rounds, medians (page cache warm: the store was just written)`);
  const curlMs: number[] = [];
  const curlSumMs: number[] = [];
  const oursRuns: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    syncDisks();
    const curlDir = tempDir('bench-portal-curl-');
    curlMs.push(check(await curlDownload(store, portal.url, token, curlDir, portal.pid), 'curl').wallMs);
    curlSumMs.push(curlMs[curlMs.length - 1] + check(await sha256Check(store, curlDir), 'sha256sum -c').wallMs);
    rmSync(curlDir, { recursive: true, force: true });
    syncDisks();
    const ourDir = tempDir('bench-portal-violet-');
    oursRuns.push(check(await violetDownload(home, ourDir, portal.pid, store.bytes), 'violet ac download-app'));
    rmSync(ourDir, { recursive: true, force: true });
  }
  const oursMs = median(oursRuns.map((r) => r.wallMs));
  const c = median(curlMs);
  const cs = median(curlSumMs);
  line('curl (4 parallel, no verification)', `${secs(c)}  ${fmt(mbps(store.bytes, c))} MB/s   (runs: ${curlMs.map(secs).join(', ')})`);
  line('curl, then sha256sum -c', `${secs(cs)}  ${fmt(mbps(store.bytes, cs))} MB/s`);
  line('violet ac download-app (4 parallel, sha256 verified)', `${secs(oursMs)}  ${fmt(mbps(store.bytes, oursMs))} MB/s   (runs: ${oursRuns.map((r) => secs(r.wallMs)).join(', ')})`);
  line('  violet client CPU / portal CPU (median)', `${secs(median(oursRuns.map((r) => r.cpuMs)))} / ${secs(median(oursRuns.map((r) => r.watchedCpuMs)))}`);
  line('ratio violet / curl (time; < 1 = violet faster)', ratio(oursMs, c));
  line('ratio violet / (curl + sha256sum -c) (time)', ratio(oursMs, cs));

  section('2. resume: every package already half downloaded (.part files)');
  const resumeDir = tempDir('bench-portal-resume-');
  const kept = halfParts(store, resumeDir);
  syncDisks();
  const resumed = check(await violetDownload(home, resumeDir, portal.pid, store.bytes), 'resume');
  const idealMs = oursMs * ((store.bytes - kept) / store.bytes);
  line('bytes already there / missing', `${mib(kept)} / ${mib(store.bytes - kept)}`);
  line('resumed download', `${secs(resumed.wallMs)} (a fresh download of the missing half would take ~${secs(idealMs)})`);
  line('resume overhead (re-hashing the kept half, Range requests)', `${secs(resumed.wallMs - idealMs)} = ${ratio(resumed.wallMs, idealMs)} of the ideal`);
  line('files', `${readdirSync(resumeDir).filter((f) => f.endsWith('.tgz')).length} complete, ${readdirSync(resumeDir).filter((f) => f.endsWith('.part')).length} .part left`);

  section('3. re-run with everything present (checksums only, nothing fetched)');
  const again = check(await violetDownload(home, resumeDir, portal.pid, store.bytes), 'rerun');
  line('violet ac download-app, all present', `${secs(again.wallMs)} (${fmt(mbps(store.bytes, again.wallMs))} MB/s hashed)`);
  process.stdout.write(`\ntotal bench wall time ${fmt((performance.now() - began) / 1000, 1)} s\n`);
}

await runBench(main, 600_000 + TOTAL_MIB * 600);
