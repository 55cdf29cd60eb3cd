import type { Command } from 'commander';
import { DEFAULT_AC_URL, downloadApp, downloadPkg, importYaml, login, packages, scenarios, sessionClient } from '../ac/index.ts';
import type { Result } from '../ac/index.ts';
import type { PortalClient } from '../ac/client.ts';

/** `true`/`false` for the documented `--flag=true` booleans; a bare `--flag` means true. */
function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`expected true or false, not "${value}"`);
}

const ARCH_HELP = 'target architecture (amd64, arm64, hybrid)';

function print(r: Result): void {
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.exitCode) process.exitCode = r.exitCode;
}

async function withSession(run: (client: PortalClient) => Promise<Result>): Promise<void> {
  const client = sessionClient();
  try {
    print(await run(client));
  } finally {
    client.close();
  }
}

/** `violet ac login|scenarios|packages|download-pkg|download-app|import-yaml` (product document: 下载软件包). */
export function registerAc(program: Command): void {
  const ac = program.command('ac').description('download packages from the Customer Portal (AC)');
  ac.command('login')
    .description('log in to the Customer Portal and save the access token (valid 24 hours)')
    .option('--account <account>', 'account / tenant name')
    .option('--username <username>', 'user name')
    .option('--password <password>', 'password')
    .option('--ac-url <url>', `AC system URL (default: ${DEFAULT_AC_URL})`)
    .option('--access-token <token>', 'use this access token (from Customer Portal - Settings) instead of a username/password login')
    .option('--ca-file <file>', 'CA certificate to trust for an https portal with a private CA')
    .action(async (opts) => print(await login(opts)));

  ac.command('scenarios')
    .description('list the available scenarios: ID, Name, Description')
    .option('--arch <arch>', `${ARCH_HELP}`, 'amd64')
    .option('--platformVersion <version>', 'target platform version')
    .option('--upgrade [bool]', 'only scenarios for upgrades (ACP 3.x to 4.x)', parseBool, false)
    .action((opts) => withSession((c) => scenarios(c, opts)));

  ac.command('packages')
    .description('list the available packages: APP ID, APP Name, Channel And Version, Package')
    .option('--arch <arch>', ARCH_HELP, 'amd64')
    .option('--platformVersion <version>', 'target platform version')
    .option('--appID <id>', 'only this application')
    .option('--scenario <scenario>', 'only the packages of this scenario (default: all packages)')
    .action((opts) => withSession((c) => packages(c, opts)));

  ac.command('download-pkg')
    .description('download the platform package of an arch and platform version, with its signature files')
    .option('--arch <arch>', 'target architecture (x86, arm, hybrid)', 'x86')
    .option('--platformVersion <version>', 'target platform version')
    .option('--type <type>', 'package type (core, extensions, standard)', 'core')
    .option('--output-dir <dir>', 'where to save the files', '.')
    .action((opts) => withSession((c) => downloadPkg(c, { ...opts, dir: opts.outputDir })));

  ac.command('download-app')
    .description('download application packages (by scenario, or by --appID/--appVersion) with their checksum files')
    .option('--arch <arch>', ARCH_HELP, 'amd64')
    .option('--platformVersion <version>', 'target platform version')
    .option('--appID <id>', 'application ID')
    .option('--appVersion <versions>', 'application versions, comma separated')
    .option('--check [bool]', 'do not download; report each package as Downloaded or Download Failed', parseBool, false)
    .option('--scenario <scenario>', 'scenario name (downloads its latest versions; default: all packages)')
    .option('--output-dir <dir>', 'where to save the files', '.')
    .action((opts) => {
      if (opts.appVersion && !opts.appID) throw new Error('--appVersion needs --appID');
      return withSession((c) => downloadApp(c, { ...opts, dir: opts.outputDir }));
    });

  ac.command('import-yaml')
    .description('check an apps.yaml (from violet list) against the portal for a target platform version; optionally download what passed')
    .option('--arch <arch>', ARCH_HELP, 'amd64')
    .option('--platformVersion <version>', 'target platform version')
    .option('--download [bool]', 'download the packages that passed the check', parseBool, false)
    .option('--path <file>', 'the YAML file', './apps.yaml')
    .option('--output-dir <dir>', 'where to save downloads', '.')
    .action((opts) => withSession((c) => importYaml(c, { ...opts, dir: opts.outputDir })));
}
