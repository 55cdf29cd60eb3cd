import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PlatformProcess, ROOT, ok, run } from './harness.ts';
import type { RunResult } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';
import { startCuttingProxy, writeCatalogue, writeRandomFile } from '../../src/portal/testing.ts';
import type { CuttingProxy } from '../../src/portal/testing.ts';

/**
 * The documented 下载软件包 workflow against a real `marketplace portal` over a store built from the
 * example packages, then verify and push of the downloads into a real `marketplace up`; plus resume and
 * the refusals (wrong password, expired token, unknown app/version/platform, arch mismatch, corrupt file).
 */

const MARKETPLACE = join(ROOT, 'bin', 'marketplace.js');
const VIOLET = join(ROOT, 'bin', 'violet.js');
const PW = 'Passw0rd!';
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

const store = tmp('mp-portal-store-');
const keyringFile = join(tmp('mp-portal-key-'), 'vendor.asc');
const platform = new PlatformProcess();
const portals: ChildProcess[] = [];
let portalUrl = '';
let proxy: CuttingProxy;

/** `violet <args>` run in `cwd` with its own HOME (so its ~/.violet/config.yaml is the test's). */
function violetIn(cwd: string, home: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VIOLET, ...args], { cwd, env: { PATH: process.env.PATH, HOME: home }, timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A user: a HOME and a working directory. */
function user(): { home: string; cwd: string; ac: (args: string[]) => Promise<RunResult> } {
  const home = tmp('mp-portal-home-');
  const cwd = tmp('mp-portal-cwd-');
  return { home, cwd, ac: (args) => violetIn(cwd, home, ['ac', ...args]) };
}

async function startPortalProcess(extra: string[] = []): Promise<string> {
  const child = spawn(process.execPath, [MARKETPLACE, 'portal', '--packages', store, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  portals.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal not ready in 20s:\n${out}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /marketplace portal ready at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`portal exited with ${code}:\n${out}`)));
  });
}

async function gpgSign(file: string): Promise<void> {
  const gnupg = tmp('mp-portal-gnupg-');
  const gpg = (args: string[]) => run('gpg', ['--homedir', gnupg, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  ok(await gpg(['--quick-gen-key', 'Vendor <vendor@example.com>', 'ed25519', 'sign', 'never']), 'gen key');
  ok(await gpg(['--detach-sign', '--output', `${file}.sig`, file]), 'sign');
  writeFileSync(keyringFile, ok(await gpg(['--export', '--armor']), 'export'));
}

const CORE = 'acp-core.amd64.v4.1.0.tgz';
const appVersion = (version: string, file: string, platformVersions = ['v4.0', 'v4.1'], channel = 'stable') => ({ version, channel, platformVersions, packages: { ALL: file } });

function catalogue(): unknown {
  return {
    platformVersions: ['v4.0.5', 'v4.1.0', 'v4.1.3'],
    apps: [
      { id: 'demo-operator', name: 'Demo Operator', type: 'OperatorBundle', versions: [appVersion('v0.1.0', 'demo-operator.stable.ALL.v0.1.0.tgz')] },
      { id: 'clickhouse-operator', name: 'ClickHouse', type: 'OperatorBundle', versions: [appVersion('v0.18.2', 'clickhouse-operator.stable.ALL.v0.18.2.tgz'), appVersion('v0.18.3', 'clickhouse-operator.stable.ALL.v0.18.3.tgz', ['v4.1'])] },
      { id: 'harbor-ce-operator', name: 'Harbor CE', type: 'OperatorBundle', versions: [appVersion('v2.12.10', 'harbor-ce-operator.stable.ALL.v2.12.10.tgz'), appVersion('v2.12.11', 'harbor-ce-operator.stable.ALL.v2.12.11.tgz', ['v4.1'])] },
      { id: 'demo-chart', name: 'Demo Chart', type: 'Chart', versions: [{ version: 'v1.2.0', platformVersions: ['v4.1'], packages: 'demo-chart.ALL.v1.2.0.tgz' }] },
      { id: 'demo-plugin', name: 'Demo Plugin', type: 'ModulePlugin', versions: [{ version: 'v4.0.4', platformVersions: ['v4.1'], packages: { amd64: 'demo-plugin.ALL.v4.0.4.tgz' } }] },
      { id: 'broken-operator', name: 'Broken', versions: [appVersion('v1.0.0', 'broken-operator.stable.ALL.v1.0.0.tgz')] },
    ],
    scenarios: [
      {
        id: 'my-scenario',
        name: 'Demo workloads',
        description: 'Operators, a chart and a plugin',
        platformVersions: ['v4.1'],
        apps: [{ appID: 'demo-operator' }, { appID: 'clickhouse-operator', version: 'v0.18.2' }, { appID: 'harbor-ce-operator', version: 'v2.12.10' }, { appID: 'demo-chart' }, { appID: 'demo-plugin' }],
      },
      { id: 'acp3-upgrade', name: 'ACP 3.x upgrade', description: 'What a 3.x to 4.x upgrade needs', upgrade: true, platformVersions: ['v4.1'], apps: [{ appID: 'demo-operator' }] },
    ],
    platformBundles: [{ platformVersion: 'v4.1.0', type: 'core', packages: { amd64: CORE } }],
  };
}

before(async () => {
  await platform.start();
  await buildExamples(join(ROOT, 'examples'), store, tmp('mp-portal-work-'));
  // A package whose bytes no longer match the checksum the vendor published.
  copyFileSync(join(store, 'demo-operator.stable.ALL.v0.1.0.tgz'), join(store, 'broken-operator.stable.ALL.v1.0.0.tgz'));
  writeFileSync(join(store, 'broken-operator.stable.ALL.v1.0.0.tgz.sha256'), `${'ab'.repeat(32)}  broken-operator.stable.ALL.v1.0.0.tgz\n`);
  await writeRandomFile(store, CORE, 512 * 1024);
  await gpgSign(join(store, CORE));
  writeCatalogue(store, catalogue());
  ok(await run(process.execPath, [MARKETPLACE, 'portal', 'account', 'add', '--packages', store, '--account', 'tenantA', '--username', 'admin', '--password', 'password']), 'account add');
  portalUrl = await startPortalProcess();
  proxy = await startCuttingProxy(portalUrl);
});

after(async () => {
  for (const p of portals) p.kill('SIGTERM');
  await proxy?.close();
  await platform.stop();
  platform.cleanup();
  rmSync(store, { recursive: true, force: true });
});

const platformFlags = () => ['--platform-address', platform.url, '--platform-username', 'admin', '--platform-password', PW, '--ca-file', join(platform.dataDir, 'ca.crt')];

test('the documented workflow: login, scenarios, download-pkg, download-app, --check, verify, push, violet list, import-yaml --download', async () => {
  const u = user();
  const login = ok(await u.ac(['login', '--account=tenantA', '--username=admin', '--password=password', `--ac-url=${portalUrl}`]), 'login');
  assert.match(login, /Login succeeded: tenantA\/admin/);
  assert.match(login, /it expires at \d{4}-\d\d-\d\dT/);
  const config = join(u.home, '.violet', 'config.yaml');
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.equal(parse(readFileSync(config, 'utf8')).ac.url, portalUrl);

  const scenarios = ok(await u.ac(['scenarios', '--arch=amd64', '--platformVersion=v4.1']), 'scenarios');
  assert.match(scenarios, /^ID\s+Name\s+Description\nmy-scenario\s+Demo workloads\s+Operators, a chart and a plugin\n$/);
  assert.match(ok(await u.ac(['scenarios', '--arch=amd64', '--platformVersion=v4.1', '--upgrade=true']), 'upgrade scenarios'), /acp3-upgrade\s+ACP 3.x upgrade/);

  const pkgs = ok(await u.ac(['packages', '--arch=amd64', '--platformVersion=v4.1.0', '--scenario=my-scenario']), 'packages');
  assert.match(pkgs, /^APP ID\s+APP Name\s+Channel And Version\s+Package\n/);
  assert.match(pkgs, /clickhouse-operator\s+ClickHouse\s+stable\/v0.18.2\s+clickhouse-operator.stable.ALL.v0.18.2.tgz/);
  assert.match(ok(await u.ac(['packages', '--appID=clickhouse-operator']), 'packages by app'), /v0.18.2[\s\S]*v0.18.3/);

  ok(await u.ac(['download-pkg', '--arch=x86', '--platformVersion=v4.1.0']), 'download-pkg');
  assert.deepEqual(readdirSync(u.cwd).sort(), [CORE, `${CORE}.sha256`, `${CORE}.sig`]);
  const gpgVerify = ok(await violetIn(u.cwd, u.home, ['verify', '.', '--keyring', keyringFile]), 'verify core');
  assert.match(gpgVerify, /Verified successfully with GPG: 1 file\(s\)/);

  const apps = tmp('mp-portal-apps-');
  const appsUser = { ...u, ac: (args: string[]) => violetIn(apps, u.home, ['ac', ...args]) };
  const dl = ok(await appsUser.ac(['download-app', '--arch=amd64', '--platformVersion=v4.1.0', '--scenario=my-scenario']), 'download-app');
  assert.match(dl, /5 package\(s\) in .*: 5 downloaded/);
  const check = ok(await appsUser.ac(['download-app', '--arch=amd64', '--platformVersion=v4.1.0', '--scenario=my-scenario', '--check=true']), 'check');
  assert.match(check, /^APP ID\s+APP Name\s+Channel And Version\s+Package\s+Status\n/);
  assert.equal(check.match(/ Downloaded$/gm)?.length, 5);
  const verify = ok(await violetIn(apps, u.home, ['verify', '.']), 'verify apps');
  assert.match(verify, /Verified successfully with checksum: 5 file\(s\)/);
  assert.match(verify, /Verification failed: 0 file\(s\)/);
  assert.match(ok(await violetIn(apps, u.home, ['push', '.', ...platformFlags()]), 'push'), /5 succeeded, 0 failed/);

  // Upgrade preparation: what the platform has, checked against the portal for the target version.
  const upgrade = tmp('mp-portal-upgrade-');
  ok(await violetIn(upgrade, u.home, ['list', ...platformFlags(), '--output-file', 'apps.yaml']), 'violet list');
  assert.ok(parse(readFileSync(join(upgrade, 'apps.yaml'), 'utf8')).applications['clickhouse-operator']);
  const imported = ok(await violetIn(upgrade, u.home, ['ac', 'import-yaml', '--arch=amd64', '--platformVersion=v4.1.3', '--download=true', '--path=./apps.yaml']), 'import-yaml');
  assert.match(imported, /^APP ID\s+APP Name\s+Installed\s+Result\s+Package\s+Message\n/);
  assert.match(imported, /clickhouse-operator\s+.*Passed\s+clickhouse-operator.stable.ALL.v0.18.3.tgz/);
  assert.match(imported, /5 passed, 0 failed/);
  assert.ok(existsSync(join(upgrade, 'harbor-ce-operator.stable.ALL.v2.12.11.tgz')));
  rmSync(join(upgrade, 'apps.yaml'));
  assert.match(ok(await violetIn(upgrade, u.home, ['verify', '.']), 'verify upgrade'), /Verified successfully with checksum: 5 file\(s\)/);
  assert.match(ok(await violetIn(upgrade, u.home, ['push', '.', ...platformFlags()]), 'push upgrade'), /5 succeeded, 0 failed/);
  const av = ok(await platform.kubectl(['get', 'artifactversions', '-n', 'cpaas-system']), 'get avs');
  assert.match(av, /clickhouse-operator.v0.18.3/);
});

test('import-yaml: applications without a compatible package fail the check (non-zero exit), the rest still download', async () => {
  const u = user();
  ok(await u.ac(['login', '--account=tenantA', '--username=admin', '--password=password', `--ac-url=${portalUrl}`]), 'login');
  const apps = { applications: { 'demo-plugin': { displayName: 'Demo Plugin', type: 'ModulePlugin', installed: [] }, 'demo-operator': { displayName: 'Demo', type: 'OperatorBundle', installed: [{ clusterName: 'global', version: '9.0.0' }] }, mystery: { displayName: 'Mystery', type: 'Chart', installed: [] } } };
  writeFileSync(join(u.cwd, 'apps.yaml'), stringify(apps));
  const r = await u.ac(['import-yaml', '--arch=amd64', '--platformVersion=v4.1.0', '--download=true']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /demo-operator\s+Demo\s+9.0.0\s+Failed\s+.*installed 9.0.0 is newer than the newest compatible package v0.1.0/);
  assert.match(r.stdout, /mystery\s+Mystery\s+-\s+Failed\s+-\s+not in the portal catalogue/);
  assert.match(r.stdout, /1 passed, 2 failed/);
  assert.ok(existsSync(join(u.cwd, 'demo-plugin.ALL.v4.0.4.tgz')));
  assert.equal(existsSync(join(u.cwd, 'demo-operator.stable.ALL.v0.1.0.tgz')), false);
  const missing = await violetIn(tmp('mp-portal-empty-'), u.home, ['ac', 'import-yaml', '--platformVersion=v4.1.0']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read \.\/apps\.yaml: ENOENT; export it from the platform with: violet list --output-file apps.yaml/);
});

test('a download cut off halfway resumes from where it stopped in the next run (bytes not re-fetched) and verifies', async () => {
  const u = user();
  ok(await u.ac(['login', '--account=tenantA', '--username=admin', '--password=password', `--ac-url=${proxy.url}`]), 'login via proxy');
  const file = 'clickhouse-operator.stable.ALL.v0.18.3.tgz';
  const size = statSync(join(store, file)).size;
  const args = ['download-app', '--arch=amd64', '--appID=clickhouse-operator', '--appVersion=v0.18.3'];
  proxy.cutAfter(Math.floor(size / 2), { refuse: true });
  const cut = await u.ac(args);
  assert.equal(cut.code, 1, `exit ${cut.code}; stdout: ${cut.stdout}; stderr: ${cut.stderr}`);
  assert.match(cut.stderr, /download of clickhouse-operator.stable.ALL.v0.18.3.tgz interrupted after 4 attempt\(s\): .* bytes are kept in .*\.part; run the same command again to resume/);
  assert.equal(existsSync(join(u.cwd, file)), false, 'nothing under the final name');
  const kept = statSync(join(u.cwd, `${file}.part`)).size;
  assert.ok(kept > 0 && kept < size, `kept ${kept} of ${size}`);

  proxy.cutAfter(undefined);
  proxy.reset();
  const resumed = ok(await u.ac(args), 'resume');
  assert.match(resumed, /1 downloaded/);
  assert.match(resumed + (await u.ac(args)).stdout, /1 already present/);
  // API calls, the .sha256 and HTTP headers are a few KiB; the package's first half is not fetched again.
  assert.ok(proxy.bytes() < size - kept + 16 * 1024, `relayed ${proxy.bytes()} bytes; ${size - kept} were missing`);
  assert.equal(existsSync(join(u.cwd, `${file}.part`)), false);
  assert.match(ok(await violetIn(u.cwd, u.home, ['verify', '.']), 'verify'), /Verified successfully with checksum: 1 file\(s\)/);
});

test('refusals: wrong password, not logged in, expired token, unknown app/version/platform, arch mismatch, corrupt file', async () => {
  const u = user();
  const wrong = await u.ac(['login', '--account=tenantA', '--username=admin', '--password=nope', `--ac-url=${portalUrl}`]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /login failed for user "admin" of account "tenantA": wrong account, username or password/);
  assert.equal(existsSync(join(u.home, '.violet', 'config.yaml')), false);
  const anonymous = await u.ac(['scenarios']);
  assert.equal(anonymous.code, 1);
  assert.match(anonymous.stderr, /not logged in to the Customer Portal: run violet ac login/);

  ok(await u.ac(['login', '--account=tenantA', '--username=admin', '--password=password', `--ac-url=${portalUrl}`]), 'login');
  const refusals: [string[], RegExp][] = [
    [['download-app', '--appID=nope'], /app ID "nope" is not in the portal catalogue/],
    [['download-app', '--appID=clickhouse-operator', '--appVersion=v0.18.2,v9.9.9'], /app "clickhouse-operator" has no version "v9.9.9": available versions are v0.18.2, v0.18.3/],
    [['scenarios', '--platformVersion=v9.9'], /unknown platform version "v9.9": the portal has packages for v4.0.5, v4.1.0, v4.1.3/],
    [['download-pkg', '--platformVersion=v3.16.0'], /unknown platform version "v3.16.0"/],
    [['download-app', '--arch=arm64', '--appID=demo-plugin'], /arch mismatch: no arm64 package of "demo-plugin" \(packages exist for amd64\)/],
    [['download-pkg', '--arch=arm', '--platformVersion=v4.1.0'], /arch mismatch: the core package of platform v4.1.0 exists for amd64, not arm64/],
    [['download-pkg', '--arch=sparc', '--platformVersion=v4.1.0'], /--arch "sparc" is not one of x86, arm, hybrid/],
    [['download-app', '--appID=broken-operator'], /checksum mismatch for broken-operator.stable.ALL.v1.0.0.tgz: the portal's .sha256 says (ab){32}/],
  ];
  for (const [args, message] of refusals) {
    const r = await u.ac(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.deepEqual(readdirSync(u.cwd), [], 'no file, .part or side file left behind');

  // Tokens expire: the saved expiry is checked first, and the portal refuses an expired token itself.
  const short = await startPortalProcess(['--token-ttl', '1']);
  ok(await u.ac(['login', '--account=tenantA', '--username=admin', '--password=password', `--ac-url=${short}`]), 'short login');
  await new Promise((r) => setTimeout(r, 1200));
  const local = await u.ac(['scenarios']);
  assert.equal(local.code, 1);
  assert.match(local.stderr, /the access token saved by violet ac login expired at .*: log in again with violet ac login/);
  const config = join(u.home, '.violet', 'config.yaml');
  const doc = parse(readFileSync(config, 'utf8'));
  doc.ac.expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  writeFileSync(config, stringify(doc));
  const remote = await u.ac(['scenarios']);
  assert.equal(remote.code, 1);
  assert.match(remote.stderr, /the access token expired at .*: log in again with violet ac login/);
});

test('--access-token login uses an exported token and shows its expiry', async () => {
  const res = await fetch(`${portalUrl}/api/v1/login`, { method: 'POST', body: JSON.stringify({ account: 'tenantA', username: 'admin', password: 'password' }) });
  const { token } = (await res.json()) as { token: string };
  const u = user();
  const out = ok(await u.ac(['login', `--access-token=${token}`, `--ac-url=${portalUrl}`]), 'token login');
  assert.match(out, /Login succeeded: tenantA\/admin .*\n.*expires at/);
  assert.match(ok(await u.ac(['packages', '--appID=demo-chart']), 'packages'), /demo-chart\s+Demo Chart\s+v1.2.0\s+demo-chart.ALL.v1.2.0.tgz/);
  const bad = await user().ac(['login', '--access-token=act.bogus.token', `--ac-url=${portalUrl}`]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /the access token is not valid for this portal/);
});
