import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { track, untrack } from './cleanup.ts';
import { ROOT } from './platform.ts';
import type { Platform } from './platform.ts';
import { tail } from './proc.ts';

export const VIOLET = join(ROOT, 'bin', 'violet.js');

export interface VioletPushRun {
  code: number | null;
  wallMs: number;
  /** When the first stderr line matching `registered` arrived here (NaN if none did). */
  registeredAt: number;
  stderr: string;
}

/** `violet push <file>` into `platform` as admin, as a subprocess (killed after 60 s). */
export async function violetPush(platform: Platform, file: string, password: string, registered: RegExp): Promise<VioletPushRun> {
  const args = [VIOLET, 'push', file, '--platform-address', platform.url, '--platform-username', 'admin', '--platform-password', password, '--ca-file', join(platform.dataDir, 'ca.crt')];
  const t0 = performance.now();
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const err = tail();
  let registeredAt = NaN;
  let text = '';
  child.stdout.on('data', () => {});
  child.stderr.on('data', (c: Buffer) => {
    err.add(c);
    text += c.toString();
    if (Number.isNaN(registeredAt) && registered.test(text)) registeredAt = performance.now();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  untrack(child);
  return { code, wallMs: performance.now() - t0, registeredAt, stderr: err.text() };
}
