import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { KUBECTL, PlatformProcess, ROOT, ok, run, violet } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';

const p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgs = '';

before(async () => {
  await p.start();
  pkgs = mkdtempSync(join(tmpdir(), 'mp-olm-pkgs-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-olm-work-')));
});
after(async () => {
  await p.stop();
  p.cleanup();
});

/** The product document's pipeline, verbatim, run by bash with the real kubectl and jq. */
const VERSIONS_TABLE = `kubectl get packagemanifest "$PKG" -o json | jq -r '
    .status.channels[] |
    .name as $channel |
    .entries[] |
    [$channel, .name, .version] | @tsv
  '`;

async function versions(pkg: string): Promise<string> {
  const env = { ...p.env(), PATH: `${join(ROOT, '.tools', 'bin')}:${process.env.PATH}`, PKG: pkg };
  return ok(await run('bash', ['-c', VERSIONS_TABLE], { env }), `versions of ${pkg}`);
}

test('kubectl get packagemanifests -w sees a pushed package arrive (live watch through the aggregator)', async () => {
  const watch = spawn(KUBECTL, ['get', 'packagemanifests', '-n', 'default', '-w', '--output-watch-events'], { env: p.env() });
  let out = '';
  watch.stdout.on('data', (c: Buffer) => (out += c.toString()));
  watch.stderr.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await new Promise((r) => setTimeout(r, 1000)); // the watch is open (no packages yet)
    const push = await violet(['push', join(pkgs, 'demo-operator.stable.ALL.v0.1.0.tgz'), '--platform-address', p.url, '--platform-username', 'admin', '--platform-password', PW, '--ca-file', join(p.dataDir, 'ca.crt')]);
    assert.equal(push.code, 0, push.stdout + push.stderr);
    const started = Date.now();
    while (Date.now() - started < 10_000 && !/ADDED\s+demo-operator/.test(out)) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /ADDED\s+demo-operator/);
  } finally {
    watch.kill();
  }
});

test('after violet push, PackageManifests show the documented versions and catalog source', async () => {
  const push = await violet(['push', pkgs, '--platform-address', p.url, '--platform-username', 'admin', '--platform-password', PW, '--ca-file', join(p.dataDir, 'ca.crt')]);
  assert.equal(push.code, 0, push.stdout + push.stderr);
  const started = Date.now();
  let table = '';
  while (Date.now() - started < 10_000 && !table.includes('harbor-ce-operator.v2.12.10')) table = await versions('harbor-ce-operator').catch(() => '');
  assert.equal(
    table,
    ['harbor-2\tharbor-ce-operator.v2.12.11\t2.12.11', 'harbor-2\tharbor-ce-operator.v2.12.10\t2.12.10', 'stable\tharbor-ce-operator.v2.12.11\t2.12.11', 'stable\tharbor-ce-operator.v2.12.10\t2.12.10', ''].join('\n'),
  );
  assert.equal(await versions('clickhouse-operator'), 'stable\tclickhouse-operator.v0.18.3\t0.18.3\nstable\tclickhouse-operator.v0.18.2\t0.18.2\n');
  assert.equal(ok(await p.kubectl(['get', 'packagemanifests', 'harbor-ce-operator', '-ojsonpath={.status.catalogSource}']), 'catalogSource'), 'platform');
  const list = ok(await p.kubectl(['get', 'packagemanifests']), 'list');
  assert.match(list, /^NAME\s+CATALOG\s+AGE/);
  assert.match(list, /harbor-ce-operator\s+Platform/);
});

test('PackageManifests are visible from every namespace and carry the CSV description and source type', async () => {
  ok(await p.kubectl(['create', 'namespace', 'harbor-ce-operator']), 'ns');
  const pm = JSON.parse(ok(await p.kubectl(['-n', 'harbor-ce-operator', 'get', 'packagemanifest', 'harbor-ce-operator', '-o', 'json']), 'get'));
  assert.equal(pm.metadata.namespace, 'harbor-ce-operator');
  assert.equal(pm.status.catalogSourceNamespace, 'cpaas-system');
  assert.equal(pm.status.defaultChannel, 'stable');
  assert.equal(pm.metadata.labels['cpaas.io/source-type'], 'Alauda');
  let display = '';
  for (let i = 0; i < 50 && display !== 'Alauda Build of Harbor'; i++) {
    display = ok(await p.kubectl(['get', 'packagemanifest', 'harbor-ce-operator', '-o', 'jsonpath={.status.channels[0].currentCSVDesc.displayName}']), 'desc');
    if (display !== 'Alauda Build of Harbor') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(display, 'Alauda Build of Harbor', 'the bundle image was unpacked for the CSV description');
  const missing = await p.kubectl(['get', 'packagemanifest', 'nope']);
  assert.match(missing.stderr, /packagemanifests.packages.operators.coreos.com "nope" not found/);
});
