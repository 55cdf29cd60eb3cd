import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KUBECTL = join(ROOT, '.tools', 'bin', 'kubectl');
export const HELM = join(ROOT, '.tools', 'bin', 'helm');
export const HELM3 = join(ROOT, '.tools', 'bin', 'helm3');
const CLI = join(ROOT, 'bin', 'marketplace.js');
const VIOLET = join(ROOT, 'bin', 'violet.js');

/** Runs the real `violet` CLI (a subprocess) with its own HOME so user config never leaks in. */
export function violet(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [VIOLET, ...args], { env: { PATH: process.env.PATH, HOME: env.HOME ?? mkdtempSync(join(tmpdir(), 'mp-violet-home-')), ...env } });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real `marketplace up` subprocess on a temp data dir and a random port. */
export class PlatformProcess {
  readonly dataDir: string;
  readonly home: string;
  url = '';
  kubeconfig = '';
  readyMs = 0;
  private child?: ChildProcess;
  private output = '';

  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'mp-e2e-'));
    this.home = mkdtempSync(join(tmpdir(), 'mp-home-'));
  }

  /** Starts the platform and resolves once it prints its ready line. */
  async start(extraArgs: string[] = []): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'up', '--data-dir', this.dataDir, '--port', '0', '--admin-password', 'Passw0rd!', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`platform not ready in 20s:\n${this.output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const m = /marketplace ready at (\S+) in (\d+) ms/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          this.url = m[1];
          this.readyMs = Number(m[2]);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`platform exited with ${code}:\n${this.output}`));
      });
    });
    this.kubeconfig = join(this.dataDir, 'kubeconfig');
  }

  get logs(): string {
    return this.output;
  }

  /** Runs `marketplace <args>` against this platform's data dir. */
  marketplace(args: string[]): Promise<RunResult> {
    return run(process.execPath, [CLI, ...args, '--data-dir', this.dataDir], { env: this.env() });
  }

  kubectl(args: string[], input?: string): Promise<RunResult> {
    return run(KUBECTL, args, { env: this.env(), input });
  }

  helm(args: string[], version: 3 | 4 = 4): Promise<RunResult> {
    return run(version === 4 ? HELM : HELM3, args, { env: { ...this.env(), HELM_CACHE_HOME: join(this.home, 'helm-cache'), HELM_CONFIG_HOME: join(this.home, 'helm-config'), HELM_DATA_HOME: join(this.home, 'helm-data') } });
  }

  env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: this.home, KUBECONFIG: this.kubeconfig, KUBECACHEDIR: join(this.home, '.kube', 'cache') };
  }

  token(): string {
    return readFileSync(join(this.dataDir, 'admin.token'), 'utf8').trim();
  }

  /** Sends a signal (default kill -9) and resolves with the exit code (null when killed by the signal). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  }

  async stop(): Promise<number | null> {
    return this.kill('SIGTERM');
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.home, { recursive: true, force: true });
  }
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: opts.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Writes a file into a temp dir and returns its path. */
export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mp-file-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Asserts success, with the command's output in the failure message. */
export function ok(r: RunResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Runs one shell line (as the product document writes it) with the real kubectl/helm first on PATH. */
export async function shell(p: PlatformProcess, line: string): Promise<string> {
  return ok(await run('bash', ['-c', line], { env: { ...p.env(), PATH: `${join(ROOT, '.tools', 'bin')}:${process.env.PATH}` } }), line);
}

/** Polls `check` until it holds (errors count as "not yet"); fails the test after `ms`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 30_000, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${detail() ? `\n${detail()}` : ''}`);
}

/** `violet push PATH` into this platform as admin (the harness's --admin-password); fails on a non-zero exit. */
export async function violetPush(p: PlatformProcess, path: string, password = 'Passw0rd!'): Promise<RunResult> {
  const r = await violet(['push', path, '--platform-address', p.url, '--platform-username', 'admin', '--platform-password', password, '--ca-file', join(p.dataDir, 'ca.crt')]);
  if (r.code !== 0) throw new Error(`violet push ${path} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}
