import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Yaml from 'yaml';

/** yaml is loaded only when a config file exists: a no-op re-push is mostly start-up (about 30 ms saved). */
const requireYaml = () => createRequire(import.meta.url)('yaml') as typeof Yaml;

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
    return (requireYaml().parse(readFileSync(file, 'utf8')) ?? {}) as VioletConfig;
  } catch (err) {
    throw new Error(`cannot read violet config ${file}: ${(err as Error).message}; fix or remove the file`);
  }
}
