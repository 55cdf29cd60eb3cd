/**
 * The vendor portal (`marketplace portal`, SPEC §10): accounts and 24-hour access tokens, scenarios, the
 * package catalogue, platform bundles, resumable downloads with checksum/signature side files, and the
 * apps.yaml scenario check that `violet ac` talks to. See README.md beside this file.
 *
 * @example
 * const portal = await startPortal({ packagesDir: '/srv/store', port: 0 });
 * console.log(portal.url); // http://127.0.0.1:41234
 * await portal.close();
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addAccount, createAccountStore, DEFAULT_TOKEN_TTL_MS } from './accounts.ts';
import { startPortalServer } from './server.ts';

export { addAccount, hashPassword } from './accounts.ts';
export { CATALOGUE_FILE, platformVersionsMatch } from './catalogue.ts';
export type { Catalogue, Arch, BundleType } from './catalogue.ts';
export type { CheckResult, PackageItem, ScenarioItem } from './queries.ts';

export interface PortalOptions {
  /** The store: `catalogue.yaml` and every file it names. */
  packagesDir: string;
  port?: number;
  host?: string;
  /** Default `<packagesDir>/accounts.yaml`. */
  accountsFile?: string;
  tokenTtlMs?: number;
  tls?: { cert: string; key: string };
  log?: (line: string) => void;
}

export interface Portal {
  url: string;
  /** Body bytes served per file name since start (tests and benchmarks count re-fetched bytes with it). */
  bytesServed(file: string): number;
  close(): Promise<void>;
}

export const defaultAccountsFile = (packagesDir: string) => join(packagesDir, 'accounts.yaml');

export async function startPortal(opts: PortalOptions): Promise<Portal> {
  const packagesDir = resolve(opts.packagesDir);
  const accounts = createAccountStore({ file: opts.accountsFile ?? defaultAccountsFile(packagesDir), tokenTtlMs: opts.tokenTtlMs });
  const server = await startPortalServer({ packagesDir, accounts, tls: opts.tls, host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080, log: opts.log ?? (() => undefined) });
  return { url: server.url, bytesServed: (file) => server.files().bytesServed.get(file) ?? 0, close: server.close };
}

/** `marketplace portal …` and `marketplace portal account add …`. */
export function registerPortal(program: Command): void {
  const portal = program
    .command('portal')
    .description('serve the vendor portal (Customer Portal) over a package store, for violet ac')
    .option('--packages <dir>', 'the package store: catalogue.yaml (docs/portal-catalogue.md) and the files it names')
    .option('--port <port>', 'port to listen on (0 = random)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--accounts <file>', 'accounts file (default <packages>/accounts.yaml; add accounts with: marketplace portal account add)')
    .option('--token-ttl <seconds>', 'lifetime of access tokens', String(DEFAULT_TOKEN_TTL_MS / 1000))
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .action(async (opts) => {
      if (!opts.packages) throw new Error('--packages DIR is required: the directory holding catalogue.yaml and the package files');
      if (!!opts.tlsCert !== !!opts.tlsKey) throw new Error('--tls-cert and --tls-key go together: give both or neither');
      const tls = opts.tlsCert ? { cert: readFileSync(opts.tlsCert, 'utf8'), key: readFileSync(opts.tlsKey, 'utf8') } : undefined;
      const ttl = Number(opts.tokenTtl);
      if (!(ttl > 0)) throw new Error(`--token-ttl must be a positive number of seconds, not "${opts.tokenTtl}"`);
      const p = await startPortal({ packagesDir: opts.packages, port: Number(opts.port), host: opts.host, accountsFile: opts.accounts, tokenTtlMs: ttl * 1000, tls, log: (l) => console.log(l) });
      console.log(`marketplace portal ready at ${p.url}`);
      const stop = () => void p.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  portal
    .command('account')
    .description('manage portal accounts')
    .command('add')
    .description('add or replace a portal account (tenant account, username, password; stored as a scrypt hash)')
    .requiredOption('--account <account>', 'tenant account')
    .requiredOption('--username <username>', 'user name')
    .requiredOption('--password <password>', 'password')
    .action((_opts, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { account: string; username: string; password: string; accounts?: string; packages?: string };
      const file = o.accounts ?? (o.packages ? defaultAccountsFile(resolve(o.packages)) : undefined);
      if (!file) throw new Error('say where the accounts are: --accounts FILE or --packages DIR (uses DIR/accounts.yaml)');
      addAccount(file, o.account, o.username, o.password);
      console.log(`account ${o.account}/${o.username} saved in ${file}`);
    });
}
