import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PlatformProcess, ok, tempFile } from './harness.ts';
import { WIDGET_CRD, widget } from './fixtures.ts';

const platform = new PlatformProcess();

before(async () => {
  await platform.start();
  ok(await platform.marketplace(['cluster', 'create', 'business', '--label', 'cpaas.io/arch-amd64=true']), 'cluster create');
});
after(async () => {
  await platform.stop();
  platform.cleanup();
});

/** The same kubectl walk-through against each logical cluster (global at the root, business under /kubernetes/business). */
for (const cluster of ['global', 'business']) {
  describe(`kubectl against cluster ${cluster}`, () => {
    let kubeconfig = '';
    const p = {
      kubectl: (args: string[]) => platform.kubectl(['--kubeconfig', kubeconfig, ...args]),
    };
    before(async () => {
      kubeconfig = tempFile(`${cluster}.kubeconfig`, ok(await platform.marketplace(['kubeconfig', '--cluster', cluster]), 'kubeconfig'));
      ok(await p.kubectl(['apply', '-f', tempFile('crd.yaml', WIDGET_CRD)]), 'apply crd');
      ok(await p.kubectl(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']), 'wait crd');
    });

    test('create and get with the printer columns exactly', async () => {
      ok(await p.kubectl(['apply', '-f', tempFile('w1.yaml', widget('w1', 3, '  color: blue\n  msg: hello'))]), 'apply w1');
      const out = ok(await p.kubectl(['get', 'widgets']), 'get');
      const [header, row] = out.trim().split('\n');
      assert.match(header, /^NAME\s+SIZE\s+COLOR\s+READY\s+AGE$/);
      assert.match(row, /^w1\s+3\s+blue\s+\S*\s*\d+s$/);
      const wide = ok(await p.kubectl(['get', 'wd', '-o', 'wide']), 'get wide');
      assert.match(wide.split('\n')[0], /^NAME\s+SIZE\s+COLOR\s+READY\s+MSG\s+AGE$/);
      assert.match(wide, /hello/);
    });

    test('output formats: json, yaml, jsonpath, labels, all namespaces', async () => {
      const json = JSON.parse(ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'json']), 'json'));
      assert.equal(json.spec.size, 3);
      assert.equal(json.metadata.namespace, 'default');
      assert.ok(json.metadata.uid);
      assert.match(ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'yaml']), 'yaml'), /size: 3/);
      assert.equal(ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.color}']), 'jsonpath'), 'blue');
      assert.match(ok(await p.kubectl(['get', 'widgets', '-l', 'app=demo']), 'label'), /w1/);
      assert.match((await p.kubectl(['get', 'widgets', '-l', 'app=other'])).stderr, /No resources found in default namespace/);
      assert.match(ok(await p.kubectl(['get', 'widgets', '--show-labels']), 'labels'), /LABELS[\s\S]*app=demo/);
      const all = ok(await p.kubectl(['get', 'widgets', '-A']), '-A');
      assert.match(all.split('\n')[0], /^NAMESPACE\s+NAME/);
      assert.match(all, /default\s+w1/);
    });

    test('defaulting from the schema', async () => {
      ok(await p.kubectl(['apply', '-f', tempFile('w2.yaml', widget('w2', 2))]), 'apply w2');
      assert.equal(ok(await p.kubectl(['get', 'widget', 'w2', '-o', 'jsonpath={.spec.color}']), 'get'), 'red');
    });

    test('patch json, merge, status subresource; label; annotate', async () => {
      ok(await p.kubectl(['patch', 'widget', 'w1', '--type=json', '-p', '[{"op":"replace","path":"/spec/size","value":5}]']), 'json patch');
      ok(await p.kubectl(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"msg":"merged"}}']), 'merge patch');
      const smp = await p.kubectl(['patch', 'widget', 'w1', '-p', '{"spec":{"msg":"smp"}}']);
      assert.notEqual(smp.code, 0);
      assert.match(smp.stderr, /strategic-merge-patch\+json is not supported/);
      ok(await p.kubectl(['patch', 'widget', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']), 'status patch');
      const status = ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.size} {.spec.msg} {.status.conditions[0].status}']), 'get');
      assert.equal(status, '5 merged True');
      // A main-resource write cannot change status.
      ok(await p.kubectl(['patch', 'widget', 'w1', '--type=merge', '-p', '{"status":{"phase":"ignored"}}']), 'merge status via main');
      assert.equal(ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.status.phase}']), 'get'), '');
      ok(await p.kubectl(['label', 'widget', 'w1', 'tier=gold']), 'label');
      ok(await p.kubectl(['annotate', 'widget', 'w1', 'note=hi']), 'annotate');
      const meta = JSON.parse(ok(await p.kubectl(['get', 'widget', 'w1', '-o', 'json']), 'get')).metadata;
      assert.equal(meta.labels.tier, 'gold');
      assert.equal(meta.annotations.note, 'hi');
      assert.match(ok(await p.kubectl(['get', 'widgets']), 'get'), /w1\s+5\s+blue\s+True/);
    });

    test('apply twice is unchanged; server-side apply', async () => {
      const file = tempFile('w3.yaml', widget('w3', 4));
      assert.match(ok(await p.kubectl(['apply', '-f', file]), 'apply 1'), /widget.example.com\/w3 created/);
      assert.match(ok(await p.kubectl(['apply', '-f', file]), 'apply 2'), /widget.example.com\/w3 unchanged/);
      const ssaFile = tempFile('w4.yaml', widget('w4', 6));
      assert.match(ok(await p.kubectl(['apply', '--server-side', '-f', ssaFile]), 'ssa'), /serverside-applied/);
      const obj = JSON.parse(ok(await p.kubectl(['get', 'widget', 'w4', '-o', 'json', '--show-managed-fields']), 'get'));
      assert.ok(obj.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));
    });

    test('kubectl wait for condition and jsonpath', async () => {
      const waiting = p.kubectl(['wait', '--for=condition=Ready', 'widget/w3', '--timeout=20s']);
      await new Promise((r) => setTimeout(r, 300));
      ok(await p.kubectl(['patch', 'widget', 'w3', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}],"phase":"Done"}}']), 'status');
      ok(await waiting, 'wait condition');
      ok(await p.kubectl(['wait', '--for=jsonpath={.status.phase}=Done', 'widget/w3', '--timeout=20s']), 'wait jsonpath');
    });

    test('get -w streams events', async () => {
      const watcher = p.kubectl(['get', 'widgets', '-w', '--request-timeout=4s']);
      await new Promise((r) => setTimeout(r, 700));
      ok(await p.kubectl(['apply', '-f', tempFile('w5.yaml', widget('w5', 1))]), 'apply w5');
      const out = (await watcher).stdout;
      assert.match(out, /w1/);
      assert.match(out, /w5/);
    });

    test('delete with a finalizer waits until it is removed', async () => {
      ok(await p.kubectl(['apply', '-f', tempFile('wf.yaml', widget('wf', 1).replace('  labels:', '  finalizers: [example.com/hold]\n  labels:'))]), 'apply');
      ok(await p.kubectl(['delete', 'widget', 'wf', '--wait=false']), 'delete');
      const obj = JSON.parse(ok(await p.kubectl(['get', 'widget', 'wf', '-o', 'json']), 'still there'));
      assert.ok(obj.metadata.deletionTimestamp);
      ok(await p.kubectl(['patch', 'widget', 'wf', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']), 'drop finalizer');
      const gone = await p.kubectl(['get', 'widget', 'wf']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound/);
    });

    test('api-resources, explain, create namespace', async () => {
      const res = ok(await p.kubectl(['api-resources']), 'api-resources');
      assert.match(res, /widgets\s+wd\s+example.com\/v1\s+true\s+Widget/);
      assert.match(res, /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
      const explain = ok(await p.kubectl(['explain', 'widgets.spec']), 'explain');
      assert.match(explain, /size/);
      assert.match(explain, /How big/);
      ok(await p.kubectl(['create', 'namespace', 'team-a']), 'create ns');
      assert.match(ok(await p.kubectl(['get', 'ns', 'team-a']), 'get ns'), /team-a\s+Active/);
    });

    test('bad input: invalid object gets 422 with causes; unknown resource; no token', async () => {
      const bad = await p.kubectl(['apply', '-f', tempFile('bad.yaml', widget('bad', 0, '  color: pink'))]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /The Widget "bad" is invalid/);
      assert.match(bad.stderr, /spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1/);
      assert.match(bad.stderr, /spec.color: Unsupported value: "pink": supported values: "red", "blue"/);
      const unknown = await p.kubectl(['get', 'gizmos']);
      assert.match(unknown.stderr, /the server doesn't have a resource type "gizmos"/);
      const noAuth = await p.kubectl(['get', 'widgets', '--token=wrong']);
      assert.match(noAuth.stderr, /You must be logged in to the server|Unauthorized/);
    });
  });
}
