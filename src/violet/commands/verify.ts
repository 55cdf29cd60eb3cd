import type { Command } from 'commander';
import { formatVerifySummary, loadKeyring, packagesAt, verifyPackage } from '../../packages/index.ts';
import type { VerifyResult } from '../../packages/index.ts';
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';

/** `violet verify FILE|DIR`: GPG (.sig) or checksum side files; the four-bucket summary. */
export function registerVerify(program: Command): void {
  program
    .command('verify <path>')
    .description('verify packages by their .sig (GPG) or .sha256/.sha512/.md5 side files')
    .option('--keyring <file>', 'GPG public keys to trust (armored or binary export); default: keyring in ~/.violet/config.yaml')
    .option('--debug', 'print why each file passed or failed')
    .action(async (path: string, opts: { keyring?: string; debug?: boolean }) => {
      const keyringFile = opts.keyring ?? process.env.VIOLET_KEYRING ?? loadConfig().keyring;
      const keyring = keyringFile ? await loadKeyring(keyringFile) : undefined;
      const results: VerifyResult[] = [];
      for (const file of await packagesAt(path)) results.push(await verifyPackage(file, keyring));
      process.stdout.write(formatVerifySummary(resolve(path), results) + '\n');
      for (const r of results) {
        if (r.outcome === 'failed' || opts.debug) process.stderr.write(`${r.file}: ${r.outcome === 'failed' ? 'FAILED' : r.outcome} — ${r.detail}\n`);
      }
      if (results.some((r) => r.outcome === 'failed')) process.exitCode = 1;
    });
}
