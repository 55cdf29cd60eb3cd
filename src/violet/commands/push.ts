import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { createRegistryClient } from '../../oci/index.ts';
import type { Credentials } from '../../oci/index.ts';
import { packagesAt } from '../../packages/discover.ts';
import { loadConfig } from '../config.ts';
import { connectPlatform, rejectIPv6 } from '../push/platform.ts';
import type { PushOutcome, PushSettings } from '../push/push.ts';
import { formatSummary, pushPackage } from '../push/push.ts';
import { reexecWithMallocTunables } from '../../oci/tunables.ts';

interface PushFlags {
  platformAddress?: string;
  platformUsername?: string;
  platformPassword?: string;
  platformToken?: string;
  caFile?: string;
  destRepo?: string;
  username?: string;
  password?: string;
  auth: boolean;
  plain?: boolean;
  clusters: string;
  targetCatalogSource: string;
  targetChartrepo: string;
  skipPush?: boolean;
  skipCrs?: boolean;
  force?: boolean;
  concurrency: string;
}

/** `violet push PKG|DIR` with the platform and registry flags of the product document. */
export function registerPush(program: Command): void {
  program
    .command('push <path>')
    .description('push a package (or every package in a directory) to the platform: images into the registry, then Artifacts/ArtifactVersions or the ModulePlugin')
    .option('--platform-address <url>', 'platform access address, e.g. "https://example.com"')
    .option('--platform-username <user>', 'platform user name')
    .option('--platform-password <password>', 'platform user password')
    .option('--platform-token <token>', 'platform access token (instead of username/password)')
    .option('--ca-file <file>', 'CA certificate to trust for the platform (default: caFile in ~/.violet/config.yaml, NODE_EXTRA_CA_CERTS)')
    .option('--dest-repo <host[:port][/prefix]>', 'push images to this registry instead of the platform registry')
    .option('--username <user>', 'registry user name (with --dest-repo)')
    .option('--password <password>', 'registry password (with --dest-repo)')
    .option('--no-auth', 'the registry needs no authentication')
    .option('--plain', 'the registry speaks plain HTTP instead of HTTPS')
    .option('--clusters <names>', 'target clusters for operators and charts, comma separated (ignored for plugins)', 'global')
    .option('--target-catalog-source <name>', 'catalog source for operators', 'platform')
    .option('--target-chartrepo <name>', 'chart repository that chart packages are uploaded to', 'public-charts')
    .option('--skip-push', 'do not push images, only create the resources')
    .option('--skip-crs', 'only push images, do not create resources')
    .option('--force', 'overwrite tags and chart versions that already hold different content')
    .option('--concurrency <n>', 'parallel blob uploads', '4')
    .action(async (path: string, flags: PushFlags) => {
      const outcomes = await runPush(path, flags);
      process.stdout.write(formatSummary(outcomes) + '\n');
      if (outcomes.some((o) => o.error)) process.exitCode = 1;
    });
}

/** Uploads at least this big are worth a second process start-up (about 0.1 s). */
const TUNE_ABOVE_BYTES = 64 << 20;

async function runPush(path: string, flags: PushFlags): Promise<PushOutcome[]> {
  const config = loadConfig();
  if (flags.skipPush && flags.skipCrs) throw new Error('--skip-push and --skip-crs cannot be used together: there would be nothing to do');
  const address = flags.platformAddress ?? config.platformAddress;
  if (!address) throw new Error('--platform-address is required (e.g. --platform-address https://example.com)');
  const caFile = flags.caFile ?? config.caFile;
  const session = await connectPlatform({ address, username: flags.platformUsername, password: flags.platformPassword, token: flags.platformToken, caFile });
  const files = await packagesAt(resolve(path));
  if (files.length === 0) throw new Error(`no .tgz packages in ${path}`);
  const { client, registryHost, repositoryPrefix } = registryFor(flags, session.registryHost, caFile, { username: flags.platformUsername, password: flags.platformPassword, token: session.token });
  const settings: PushSettings = {
    session,
    client,
    registryHost,
    repositoryPrefix,
    clusters: flags.clusters.split(',').map((c) => c.trim()).filter(Boolean),
    catalogSource: flags.targetCatalogSource,
    chartRepo: flags.targetChartrepo,
    skipPush: !!flags.skipPush,
    skipCRs: !!flags.skipCrs,
    force: !!flags.force,
    concurrency: Math.max(1, Number(flags.concurrency) || 4),
    log: (line) => process.stderr.write(line + '\n'),
    // Big uploads run under malloc tunables (re-exec in place; what was done so far is redone as a no-op).
    beforeTransfer: (bytes) => bytes >= TUNE_ABOVE_BYTES && reexecWithMallocTunables(),
  };
  const outcomes: PushOutcome[] = [];
  for (const file of files) outcomes.push(await withProgress(file, settings));
  return outcomes;
}

function registryFor(flags: PushFlags, platformHost: string, caFile: string | undefined, platformCreds: { username?: string; password?: string; token: string }) {
  if (!flags.destRepo) {
    const credentials: Credentials = platformCreds.username && platformCreds.password ? { username: platformCreds.username, password: platformCreds.password } : { token: platformCreds.token };
    return { client: createRegistryClient({ registry: platformHost, ca: caFile ? readFileSync(caFile) : undefined, credentials, userAgent: 'violet' }), registryHost: platformHost, repositoryPrefix: '' };
  }
  rejectIPv6('--dest-repo', flags.destRepo);
  if (flags.auth && !(flags.username && flags.password)) throw new Error('--dest-repo needs the registry credentials (--username and --password) or --no-auth');
  const [host, ...prefix] = flags.destRepo.replace(/^[a-z]+:\/\//i, '').split('/');
  const credentials: Credentials | undefined = flags.auth ? { username: flags.username!, password: flags.password! } : undefined;
  return { client: createRegistryClient({ registry: host, plain: !!flags.plain, credentials, userAgent: 'violet' }), registryHost: host, repositoryPrefix: prefix.join('/') };
}

/** Progress bars on a terminal, a line per 10% otherwise. */
async function withProgress(file: string, s: PushSettings): Promise<PushOutcome> {
  const tty = process.stderr.isTTY;
  const bar = tty ? new SingleBar({ format: `${file.split('/').pop()} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr }) : undefined;
  let started = false;
  let lastTenth = -1;
  const outcome = await pushPackage(file, {
    ...s,
    onProgress: (_f, done, total) => {
      if (bar && !started) bar.start(total, 0);
      started = true;
      bar?.update(done);
      const tenth = Math.floor((done / Math.max(total, 1)) * 10);
      if (!bar && tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${file.split('/').pop()}: ${tenth * 10}% of ${total} bytes\n`);
      }
    },
  });
  bar?.stop();
  return outcome;
}
