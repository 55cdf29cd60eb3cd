import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcess, ok } from './harness.ts';

test('up reports readiness, SIGTERM exits cleanly, a restart keeps state, CA and tokens', async () => {
  const first = new PlatformProcess();
  try {
    await first.start();
    assert.ok(first.readyMs > 0, 'ready time printed');
    ok(await first.kubectl(['create', 'configmap', 'keep-me', '--from-literal=a=b']), 'create');
    const ca = readFileSync(join(first.dataDir, 'ca.crt'), 'utf8');
    const started = Date.now();
    assert.equal(await first.stop(), 0, 'exit code after SIGTERM');
    assert.ok(Date.now() - started < 5000, 'SIGTERM shutdown is prompt');

    const second = new PlatformProcess(first.dataDir);
    await second.start();
    try {
      assert.equal(readFileSync(join(second.dataDir, 'ca.crt'), 'utf8'), ca, 'the CA is reused');
      assert.match(ok(await second.kubectl(['get', 'cm', 'keep-me']), 'get after restart'), /keep-me/);
      assert.match(ok(await second.kubectl(['get', 'clusters.platform.tkestack.io', 'global', '--show-labels']), 'global'), /cpaas.io\/arch-amd64=true,cpaas.io\/os-linux=true,is-global=true/);
    } finally {
      await second.stop();
      second.cleanup();
    }
  } finally {
    first.cleanup();
  }
});

test('subcommands give clear errors for a data dir with no platform and for bad flags', async () => {
  const p = new PlatformProcess();
  try {
    const r = await p.marketplace(['kubeconfig']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no running platform found in .* start it with `marketplace up --data-dir/);
    const bad = await p.marketplace(['cluster', 'create', 'x', '--label', 'novalue']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid --label "novalue": expected key=value/);
  } finally {
    p.cleanup();
  }
});
