import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** ~/.violet/config.yaml (or $VIOLET_CONFIG): defaults for flags. Written with mode 0600 by logins. */
export interface VioletConfig {
  keyring?: string;
  platformAddress?: string;
  caFile?: string;
}

export function configPath(): string {
  return process.env.VIOLET_CONFIG ?? join(homedir(), '.violet', 'config.yaml');
}

export function loadConfig(): VioletConfig {
  const file = configPath();
  if (!existsSync(file)) return {};
  try {
    return (parse(readFileSync(file, 'utf8')) ?? {}) as VioletConfig;
  } catch (err) {
    throw new Error(`cannot read violet config ${file}: ${(err as Error).message}; fix or remove the file`);
  }
}
