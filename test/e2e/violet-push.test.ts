import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, run, violet, tempFile } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';
import { buildTestBundle } from '../../src/packages/testing.ts';
import { startDockerRegistry } from '../../src/oci/testing.ts';
import type { TestRegistry } from '../../src/oci/testing.ts';
import { TarGzWriter } from '../../src/packages/index.ts';

const p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgDir = '';
let docker: TestRegistry | undefined;

const platformFlags = () => ['--platform-address', p.url, '--platform-username', 'admin', '--platform-password', PW, '--ca-file', join(p.dataDir, 'ca.crt')];

before(async () => {
  await p.start();
  ok(await p.marketplace(['cluster', 'create', 'business', '--label', 'cpaas.io/arch-amd64=true']), 'cluster');
  pkgDir = mkdtempSync(join(tmpdir(), 'mp-push-pkgs-'));
  await buildExamples(join(ROOT, 'examples'), pkgDir, mkdtempSync(join(tmpdir(), 'mp-push-work-')));
});
after(async () => {
  await p.stop();
  p.cleanup();
  await docker?.stop();
});

test('violet push DIR: images land in the registry and Artifacts/ArtifactVersions in both clusters', async () => {
  const r = await violet(['push', pkgDir, ...platformFlags(), '--clusters', 'global,business']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /10 succeeded, 0 failed/);
  assert.match(r.stderr, /moduleplugin demo-plugin has been updated successfully/);
  const host = new URL(p.url).host;
  const inspect = await run('skopeo', ['inspect', '--raw', '--cert-dir', join(p.dataDir, 'certs'), '--creds', `admin:${PW}`, `docker://${host}/demo/demo-operator:v0.1.0`], { env: { PATH: process.env.PATH, HOME: p.home } });
  assert.match(ok(inspect, 'skopeo inspect'), /image.index/);
  for (const cluster of ['global', 'business']) {
    const kc = tempFile(`${cluster}.kubeconfig`, ok(await p.marketplace(['kubeconfig', '--cluster', cluster]), 'kubeconfig'));
    const out = ok(await p.kubectl(['--kubeconfig', kc, 'get', 'artifacts,artifactversions', '-n', 'cpaas-system']), 'get');
    assert.match(out, /artifact.app.alauda.io\/demo-operator\s+bundle\s+demo\/demo-operator-bundle\s+true/);
    assert.match(out, /artifactversion.app.alauda.io\/demo-operator.v0.1.0/);
    assert.match(out, /artifactversion.app.alauda.io\/demo-chart.v1.2.0/);
    const av = JSON.parse(ok(await p.kubectl(['--kubeconfig', kc, 'get', 'artifactversion', 'demo-operator.v0.1.0', '-n', 'cpaas-system', '-o', 'json']), 'av'));
    assert.equal(av.metadata.ownerReferences[0].kind, 'Artifact');
    assert.equal(av.metadata.labels['cpaas.io/default-channel'], 'stable');
    assert.equal(av.metadata.annotations['cpaas.io/csv-name'], 'demo-operator.v0.1.0');
  }
  assert.match(ok(await p.kubectl(['get', 'moduleplugins']), 'mplugin'), /demo-plugin/);
});

test('a second push is a no-op for images and converges the resources', async () => {
  const r = await violet(['push', pkgDir, ...platformFlags()]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[1-9]\d* blob\(s\) pushed/);
  assert.match(r.stdout, /demo-operator.stable.ALL.v0.1.0.tgz: 2 image\(s\), 2 already present, 0 blob\(s\) pushed/);
  const avs = JSON.parse(ok(await p.kubectl(['get', 'artifactversions', '-n', 'cpaas-system', '-o', 'json']), 'list')).items;
  assert.equal(avs.filter((a: { metadata: { name: string } }) => a.metadata.name === 'demo-operator.v0.1.0').length, 1);
});

test('--dest-repo pushes into a real docker-registry', async () => {
  docker = await startDockerRegistry();
  const r = await violet(['push', join(pkgDir, 'demo-operator.stable.ALL.v0.1.0.tgz'), ...platformFlags(), '--dest-repo', `${docker.host}/mirror`, '--no-auth', '--plain']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${docker.host}/mirror/demo/demo-operator`], { env: { PATH: process.env.PATH, HOME: p.home } });
  assert.match(ok(tags, 'list-tags'), /v0.1.0/);
  const missingAuth = await violet(['push', join(pkgDir, 'demo-operator.stable.ALL.v0.1.0.tgz'), ...platformFlags(), '--dest-repo', docker.host]);
  assert.match(missingAuth.stderr, /--dest-repo needs the registry credentials \(--username and --password\) or --no-auth/);
});

test('refusals: non-admin user, IPv6 address, conflicting flags', async () => {
  ok(await p.marketplace(['user', 'create', 'dev', '--password', 'devpw', '--role-property', 'Custom', '--role', 'developer']), 'user');
  const dev = await violet(['push', pkgDir, '--platform-address', p.url, '--platform-username', 'dev', '--platform-password', 'devpw', '--ca-file', join(p.dataDir, 'ca.crt')]);
  assert.equal(dev.code, 1);
  assert.match(dev.stderr, /user "dev" cannot use violet: the account needs role property System and the role platform-admin-system \(it has role property Custom, roles: developer\)/);
  const v6 = await violet(['push', pkgDir, '--platform-address', 'https://[::1]:6443', '--platform-username', 'admin', '--platform-password', PW]);
  assert.match(v6.stderr, /is an IPv6 address, which violet does not support: use an IPv4 address or a domain name/);
  const both = await violet(['push', pkgDir, ...platformFlags(), '--skip-push', '--skip-crs']);
  assert.match(both.stderr, /--skip-push and --skip-crs cannot be used together/);
});

test('hostile packages are refused and nothing is registered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-push-evil-'));
  const w = new TarGzWriter(join(dir, 'evil.tgz'));
  await w.addBuffer('../../etc/cron.d/x', Buffer.from('boom'));
  await w.finish();
  const r = await violet(['push', join(dir, 'evil.tgz'), ...platformFlags()]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAILED {2}evil.tgz: invalid package .*evil.tgz: entry "..\/..\/etc\/cron.d\/x" escapes the archive/);
});

test('kill -9 violet mid-push, rerun: completes, nothing duplicated', async () => {
  const big = await buildTestBundle(mkdtempSync(join(tmpdir(), 'mp-push-big-')), 24 << 20);
  const renamed = join(big.outDir, 'big-operator.tgz');
  copyFileSync(big.file, renamed);
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'violet.js'), 'push', renamed, ...platformFlags(), '--concurrency', '1'], { stdio: 'ignore', env: { PATH: process.env.PATH, HOME: p.home } });
  await new Promise((r) => setTimeout(r, 1200));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const again = await violet(['push', renamed, ...platformFlags()]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const avs = JSON.parse(ok(await p.kubectl(['get', 'artifactversions', '-n', 'cpaas-system', '-l', 'cpaas.io/artifact=topolvm-operator', '-o', 'json']), 'list')).items;
  assert.equal(avs.length, 1);
  const third = await violet(['push', renamed, ...platformFlags()]);
  assert.match(third.stdout, /2 image\(s\), 2 already present, 0 blob\(s\) pushed/);
});

test('violet list writes the applications: file', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mp-list-')), 'apps.yaml');
  const r = await violet(['list', ...platformFlags(), '--clusters', 'global,business', '--output-file', out]);
  assert.equal(r.code, 0, r.stderr);
  const { parse } = await import('yaml');
  const apps = parse((await import('node:fs')).readFileSync(out, 'utf8')).applications;
  assert.deepEqual(apps['demo-operator'], { displayName: 'Demo Operator', type: 'OperatorBundle', installed: [] });
  assert.deepEqual(apps['demo-plugin'], { displayName: 'Demo Plugin', type: 'ModulePlugin', installed: [] });
  assert.equal(apps['demo-chart'].type, 'Chart');
});
