import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage, readPackageManifest } from '../../packages/index.ts';
import { buildExamples } from './examples.ts';
import { detectSourceType, packageSource } from './build.ts';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

test('every example builds into a consistent package with the documented metadata', async () => {
  const out = tmp('ex-out-');
  const files = await buildExamples(EXAMPLES, out, tmp('ex-work-'));
  assert.equal(files.length, 10);
  const byName = new Map<string, Awaited<ReturnType<typeof checkPackage>>>();
  for (const f of files) byName.set(`${(await checkPackage(f)).name}@${(await readPackageManifest(f)).version}`, await readPackageManifest(f));
  const byType = new Map([['bundle', byName.get('demo-operator@0.1.0')!], ['plugin', byName.get('demo-plugin@4.0.4')!], ['chart', byName.get('demo-chart@1.2.0')!]]);
  assert.equal(byName.get('harbor-ce-operator@2.12.11')!.displayName, 'Alauda Build of Harbor');
  assert.equal(byName.get('harbor-ce-operator@2.12.11')!.bundle!.replaces, 'harbor-ce-operator.v2.12.10');
  assert.equal(byName.get('harbor-ce-operator@2.12.11')!.bundle!.sourceType, 'Alauda');
  const bundle = byType.get('bundle')!;
  assert.deepEqual(bundle.bundle, { package: 'demo-operator', channels: ['stable'], defaultChannel: 'stable', csvName: 'demo-operator.v0.1.0', csvVersion: '0.1.0', sourceType: 'Custom', provider: 'Marketplace Examples' });
  assert.equal(bundle.artifact, 'registry.example.com/demo/demo-operator-bundle:v0.1.0');
  assert.deepEqual(bundle.relatedImages, ['registry.example.com/demo/demo-operator:v0.1.0']);
  const plugin = byType.get('plugin')!;
  assert.equal(plugin.displayName, 'Demo Plugin');
  assert.equal(plugin.plugin!.lifecycleType, 'Agnostic');
  assert.match(plugin.plugin!.modulePlugin, /kind: ModulePlugin/);
  assert.deepEqual(plugin.relatedImages, ['registry.example.com/acp/demo-agent:v4.0.4']);
  assert.equal(byType.get('chart')!.chart!.chartVersion, '1.2.0');
});

test('authoring errors say what is wrong and what to do', async () => {
  const out = tmp('ex-err-');
  await assert.rejects(packageSource(join(EXAMPLES, 'operator', 'demo-operator'), { outDir: out }), /images are not in any image source: registry.example.com\/demo\/demo-operator:v0.1.0\. Put them in an OCI layout .* and pass --images DIR/);
  assert.throws(() => detectSourceType(tmp('empty-')), /cannot tell what .* is: expected an operator bundle/);
  const badChart = tmp('bad-chart-');
  cpSync(join(EXAMPLES, 'chart', 'demo-chart'), badChart, { recursive: true });
  writeFileSync(join(badChart, 'Chart.yaml'), 'apiVersion: v2\nname: Demo_Chart\nversion: one\n');
  await assert.rejects(packageSource(badChart, { outDir: out }), /chart name "Demo_Chart" must be lowercase/);
});
