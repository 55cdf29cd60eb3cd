import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where a platform keeps its state: `--data-dir`, else $MARKETPLACE_DATA_DIR, else ~/.marketplace. */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env.MARKETPLACE_DATA_DIR ?? join(homedir(), '.marketplace'));
}

export function ensureDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** What a running `marketplace up` publishes for the other subcommands. */
export interface RuntimeInfo {
  pid: number;
  host: string;
  port: number;
  url: string;
  startedAt: string;
}

export function writeRuntime(dir: string, info: RuntimeInfo): void {
  writeJsonAtomic(join(dir, 'runtime.json'), info);
}

export function readRuntime(dir: string): RuntimeInfo {
  const file = join(dir, 'runtime.json');
  if (!existsSync(file)) {
    throw new Error(`no running platform found in ${dir} (missing runtime.json): start it with \`marketplace up --data-dir ${dir}\` or pass the right --data-dir`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
}

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  renameSync(tmp, file);
}
