import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ok } from './harness.ts';
import { WIDGET_CRD } from './fixtures.ts';

const p = new PlatformProcess();
before(() => p.start());
after(async () => {
  await p.stop();
  p.cleanup();
});

/** A small chart with a CRD, a Deployment, a ConfigMap and a custom resource. */
function writeChart(values: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mp-chart-'));
  const chart = join(dir, 'demo');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  mkdirSync(join(chart, 'crds'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.0"\n');
  writeFileSync(join(chart, 'values.yaml'), values);
  writeFileSync(join(chart, 'crds', 'widgets.yaml'), WIDGET_CRD);
  writeFileSync(
    join(chart, 'templates', 'configmap.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
{{- range $k, $v := .Values.data }}
  {{ $k }}: {{ $v | quote }}
{{- end }}
`,
  );
  writeFileSync(
    join(chart, 'templates', 'deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 1
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
`,
  );
  writeFileSync(
    join(chart, 'templates', 'widget.yaml'),
    `apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-w
spec:
  size: {{ .Values.size }}
`,
  );
  return chart;
}

for (const version of [4, 3] as const) {
  test(`helm ${version}: install, upgrade removing a key, list, rollback, uninstall`, async () => {
    const release = `demo${version}`;
    const ns = `helm${version}`;
    const v1 = writeChart('image: nginx:1.25\nsize: 2\ndata:\n  keep: "yes"\n  drop: "soon"\n');
    ok(await p.helm(['install', release, v1, '-n', ns, '--create-namespace'], version), 'install');
    const cm1 = JSON.parse(ok(await p.kubectl(['-n', ns, 'get', 'cm', `${release}-cm`, '-o', 'json']), 'get cm'));
    assert.deepEqual(cm1.data, { keep: 'yes', drop: 'soon' });
    assert.equal(ok(await p.kubectl(['-n', ns, 'get', 'widget', `${release}-w`, '-o', 'jsonpath={.spec.size}']), 'widget'), '2');

    const v2 = writeChart('image: nginx:1.26\nsize: 3\ndata:\n  keep: "yes"\n');
    ok(await p.helm(['upgrade', release, v2, '-n', ns], version), 'upgrade');
    const cm2 = JSON.parse(ok(await p.kubectl(['-n', ns, 'get', 'cm', `${release}-cm`, '-o', 'json']), 'get cm'));
    assert.deepEqual(cm2.data, { keep: 'yes' }, 'the key removed from the chart is gone from the live object');
    assert.equal(ok(await p.kubectl(['-n', ns, 'get', 'deploy', `${release}-web`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'deploy'), 'nginx:1.26');

    const list = ok(await p.helm(['list', '-n', ns], version), 'list');
    assert.match(list, new RegExp(`${release}\\s+${ns}\\s+2\\s`));

    ok(await p.helm(['rollback', release, '1', '-n', ns], version), 'rollback');
    const cm3 = JSON.parse(ok(await p.kubectl(['-n', ns, 'get', 'cm', `${release}-cm`, '-o', 'json']), 'get cm'));
    assert.deepEqual(cm3.data, { keep: 'yes', drop: 'soon' });

    ok(await p.helm(['uninstall', release, '-n', ns], version), 'uninstall');
    assert.notEqual((await p.kubectl(['-n', ns, 'get', 'cm', `${release}-cm`])).code, 0);
    assert.equal(ok(await p.helm(['list', '-n', ns, '-q'], version), 'list').trim(), '');
  });
}
