/** A real `marketplace up` subprocess on a temp data dir, port 0, started as the e2e harness does. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from './cleanup.ts';
import { tail } from './proc.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'marketplace.js');

export interface Platform {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  /** `<dataDir>/certs`: holds only ca.crt (what skopeo --*-cert-dir wants). */
  certDir: string;
  /** From the ready line: `marketplace ready at <url> in <ms> ms`. */
  url: string;
  /** host:port of `url`. */
  host: string;
  /** `in <ms> ms` of the ready line: measured inside the CLI from the start of the `up` action. */
  printedMs: number;
  /** Spawn → the ready line arriving here. */
  wallMs: number;
  /** From the `registry:   <host:port>` line printed after the ready line. */
  registryHost: string;
}

/** Spawns `marketplace up` and resolves once it has printed its ready line and registry address (30 s cap). */
export async function startPlatform(dataDir: string, adminPassword: string): Promise<Platform> {
  const t0 = performance.now();
  const child = track(spawn(process.execPath, [CLI, 'up', '--data-dir', dataDir, '--port', '0', '--admin-password', adminPassword], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = tail();
  let all = '';
  let ready: RegExpExecArray | null = null;
  let wallMs = NaN;
  const registryHost = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`marketplace not ready in 30 s:\n${out.text()}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out.add(chunk);
      if (all.length < 65_536) all += chunk.toString();
      if (!ready && (ready = /marketplace ready at (\S+) in (\d+) ms/.exec(all))) wallMs = performance.now() - t0;
      const registry = /registry:\s+(\S+)\s/.exec(all);
      if (ready && registry) {
        clearTimeout(timer);
        resolve(registry[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`marketplace exited (${code ?? signal}):\n${out.text()}`));
    });
  });
  const url = ready![1];
  return { child, pid: child.pid!, dataDir, certDir: join(dataDir, 'certs'), url, host: new URL(url).host, printedMs: Number(ready![2]), wallMs, registryHost };
}
