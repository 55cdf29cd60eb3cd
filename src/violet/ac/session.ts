import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import { configPath } from '../config.ts';

/**
 * The portal login of `violet ac login`, kept under `ac:` in the violet config (~/.violet/config.yaml or
 * $VIOLET_CONFIG), which is written with mode 0600 because it holds the access token.
 */
export interface AcSession {
  url: string;
  token: string;
  account?: string;
  username?: string;
  /** ISO time the token stops working (24 hours after login). */
  expiresAt?: string;
  caFile?: string;
}

export const DEFAULT_AC_URL = 'https://cloud.alauda.io';

function readConfigDoc(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot read violet config ${file}: ${(err as Error).message}; fix or remove the file`);
  }
}

/** Saves the session, keeping the config's other keys; returns the config file's path. */
export function saveSession(session: AcSession): string {
  const file = configPath();
  const doc = { ...readConfigDoc(file), ac: session };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
  return file;
}

export function loadSession(): AcSession | undefined {
  const ac = readConfigDoc(configPath()).ac as AcSession | undefined;
  return ac?.token && ac.url ? ac : undefined;
}

/** The saved session, refused with what to do when there is none or its token has expired. */
export function requireSession(now = Date.now()): AcSession {
  const s = loadSession();
  if (!s) throw new Error(`not logged in to the Customer Portal: run violet ac login --account=<account> --username=<username> --password=<password> --ac-url=<url> first (no token in ${configPath()})`);
  if (s.expiresAt && Date.parse(s.expiresAt) <= now) throw new Error(`the access token saved by violet ac login expired at ${s.expiresAt}: log in again with violet ac login`);
  return s;
}
