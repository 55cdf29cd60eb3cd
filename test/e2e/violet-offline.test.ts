import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { run, ok, violet } from './harness.ts';
import { buildTestBundle } from '../../src/packages/testing.ts';

let pkg = '';
const dir = mkdtempSync(join(tmpdir(), 'mp-verify-'));
const gnupg = mkdtempSync(join(tmpdir(), 'mp-gnupg-'));

before(async () => {
  pkg = (await buildTestBundle()).file;
});

test('violet show prints the documented fields; --all adds artifact and related images', async () => {
  assert.equal(ok(await violet(['show', pkg]), 'show'), 'Name: NativeStor\nType: bundle\nArch: [linux/amd64 linux/arm64]\nVersion: 2.3.0\n');
  const all = ok(await violet(['show', pkg, '--all']), 'show --all');
  assert.match(all, /^Artifact: harbor\.demo\.io\/acp\/topolvm-operator-bundle:v2\.3\.0$/m);
  assert.match(all, /^RelateImages: \[harbor\.demo\.io\/acp\/topolvm-operator:v2\.3\.0\]$/m);
  const missing = await violet(['show', join(dir, 'nope.tgz')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Error: cannot read package .*nope\.tgz/);
});

test('violet verify sorts a directory into the four buckets (real gpg signature)', async () => {
  const gpg = (args: string[]) => run('gpg', ['--homedir', gnupg, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  ok(await gpg(['--quick-gen-key', 'Marketplace Test <test@example.com>', 'ed25519', 'sign', 'never']), 'gen key');
  const names = ['redis-operator.tgz', 'nginx-controller.tgz', 'demo-plugin.tgz', 'etcd-operator.tgz'];
  for (const n of names) copyFileSync(pkg, join(dir, n));
  ok(await gpg(['--detach-sign', '--output', join(dir, 'redis-operator.tgz.sig'), join(dir, 'redis-operator.tgz')]), 'sign');
  const keyring = join(gnupg, 'pub.asc');
  writeFileSync(keyring, ok(await gpg(['--export', '--armor']), 'export'));
  const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  writeFileSync(join(dir, 'nginx-controller.tgz.sha256'), `${sha(join(dir, 'nginx-controller.tgz'))}  nginx-controller.tgz\n`);
  writeFileSync(join(dir, 'etcd-operator.tgz.sha256'), `${sha(join(dir, 'etcd-operator.tgz'))}  etcd-operator.tgz\n`);
  writeFileSync(join(dir, 'etcd-operator.tgz'), Buffer.concat([readFileSync(join(dir, 'etcd-operator.tgz')), Buffer.from('corrupted')]));

  const r = await violet(['verify', dir, '--keyring', keyring]);
  assert.equal(r.code, 1, 'a failed file makes the exit code non-zero');
  const file = (n: string) => `  - ${join(dir, n)}`;
  assert.equal(
    r.stdout,
    [
      `verify path: ${dir}`,
      '===== Verification Summary =====',
      'Verified successfully with GPG: 1 file(s)',
      file('redis-operator.tgz'),
      '',
      'Verified successfully with checksum: 1 file(s)',
      file('nginx-controller.tgz'),
      '',
      'Verification failed: 1 file(s)',
      file('etcd-operator.tgz'),
      '',
      'No verification file found: 1 file(s)',
      file('demo-plugin.tgz'),
      '',
    ].join('\n'),
  );
  assert.match(r.stderr, /etcd-operator\.tgz: FAILED — sha256 mismatch/);

  // A signature that does not match the content fails; without a keyring a .sig cannot pass.
  writeFileSync(join(dir, 'redis-operator.tgz'), 'tampered');
  const tampered = await violet(['verify', join(dir, 'redis-operator.tgz'), '--keyring', keyring]);
  assert.match(tampered.stdout, /Verification failed: 1 file\(s\)/);
  const noKeyring = await violet(['verify', join(dir, 'redis-operator.tgz')]);
  assert.match(noKeyring.stderr, /no GPG public keyring is configured: pass --keyring FILE/);
  assert.equal(basename(pkg).endsWith('.tgz'), true);
});

test('show on the three example packages prints their documented fields', async () => {
  const { buildExamples } = await import('../../src/violet/authoring/examples.ts');
  const out = mkdtempSync(join(tmpdir(), 'mp-show-ex-'));
  const files = await buildExamples(join(import.meta.dirname, '..', '..', 'examples'), out, mkdtempSync(join(tmpdir(), 'mp-show-work-')));
  const shown = await Promise.all(files.map(async (f) => ok(await violet(['show', f, '--all']), `show ${f}`)));
  assert.ok(shown.some((s) => s.startsWith('Name: Demo Operator\nType: bundle\nArch: [linux/amd64 linux/arm64]\nVersion: 0.1.0\nArtifact: registry.example.com/demo/demo-operator-bundle:v0.1.0\nRelateImages: [registry.example.com/demo/demo-operator:v0.1.0]\n')));
  assert.ok(shown.some((s) => s.startsWith('Name: Demo Plugin\nType: plugin\nArch: [linux/amd64 linux/arm64]\nVersion: 4.0.4\nArtifact: registry.example.com/acp/chart-demo-plugin:v4.0.4\n')));
  assert.ok(shown.some((s) => s.startsWith('Name: demo-chart\nType: chart\nArch: []\nVersion: 1.2.0\n')));
});

test('violet package --pull takes images from a registry (the real docker-registry)', async () => {
  const { startDockerRegistry } = await import('../../src/oci/testing.ts');
  const { writeTestImageLayout } = await import('../../src/oci/fixtures.ts');
  const { copyImage, createRegistryClient } = await import('../../src/oci/index.ts');
  const registry = await startDockerRegistry();
  try {
    const layout = mkdtempSync(join(tmpdir(), 'mp-pull-src-'));
    await writeTestImageLayout(layout, { tag: 'v0.1.0', layers: [4096], platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] });
    const client = createRegistryClient({ registry: registry.host, plain: true });
    await copyImage({ from: { layout, tag: 'v0.1.0' }, to: { client, repository: 'demo/demo-operator', ref: 'v0.1.0' } });
    const source = mkdtempSync(join(tmpdir(), 'mp-pull-bundle-'));
    cpSync(join(import.meta.dirname, '..', '..', 'examples', 'operator', 'demo-operator'), source, { recursive: true });
    const csv = join(source, 'manifests', 'demo-operator.clusterserviceversion.yaml');
    writeFileSync(csv, readFileSync(csv, 'utf8').replaceAll('registry.example.com', registry.host));
    const out = mkdtempSync(join(tmpdir(), 'mp-pull-out-'));
    const missing = await violet(['package', source, '--out', out]);
    assert.match(missing.stderr, /or pass --pull to fetch them from their registries/);
    ok(await violet(['package', source, '--out', out, '--pull', '--src-plain', registry.host]), 'package --pull');
    const shown = ok(await violet(['show', join(out, 'demo-operator.stable.ALL.v0.1.0.tgz')]), 'show');
    assert.match(shown, /Arch: \[linux\/amd64 linux\/arm64\]/);
  } finally {
    await registry.stop();
  }
});
