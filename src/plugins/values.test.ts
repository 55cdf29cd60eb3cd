import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createValuesRenderer, renderValuesTemplates, toHelmSyntax } from './values.ts';

test('<< >> delimiters become Helm actions; literal {{ }} stays literal', () => {
  assert.equal(toHelmSyntax('a: << .X >>'), 'a: {{ .X }}');
  assert.equal(toHelmSyntax('b: "{{ x }}"'), 'b: "{{ "{{" }} x {{ "}}" }}"');
});

test('renders valuesTemplates with the real helm engine and the plugin context', async () => {
  const out = await renderValuesTemplates(
    {
      'acp/chart-gpu': 'mps: << .MiConfig.custom.mps_enable >>\nregion: << .ClusterName | quote >>\n<< if .IsGlobal >>global: yes<< else >>global: no<< end >>\nliteral: "{{ keep }}"\n',
      'acp/chart-other': 'replicas: << .Replicas >>',
      empty: '',
    },
    { MiConfig: { custom: { mps_enable: true } }, ClusterName: 'business', IsGlobal: false, Replicas: 2 },
  );
  assert.deepEqual(out['acp/chart-gpu'], { mps: true, region: 'business', global: 'no', literal: '{{ keep }}' });
  assert.deepEqual(out['acp/chart-other'], { replicas: 2 });
  assert.deepEqual(out.empty, {});
});

test('a broken template fails with helm\'s message', async () => {
  await assert.rejects(renderValuesTemplates({ x: 'a: << .Nope.deeper.still >>' }, {}), /rendering valuesTemplates with helm failed: .*nil pointer|rendering valuesTemplates with helm failed/);
  await assert.rejects(renderValuesTemplates({ x: 'a: << if >>' }, {}), /helm failed/);
});

test('a burst of renders shares one helm run; a broken template fails only its own request', async () => {
  const render = createValuesRenderer({ windowMs: 30 });
  const results = await Promise.allSettled([
    render({ a: 'x: << .ClusterName >>' }, { ClusterName: 'one' }),
    render({ a: 'x: << .ClusterName >>', b: 'y: << .Replicas >>' }, { ClusterName: 'two', Replicas: 3 }),
    render({ a: 'x: << if >>' }, {}),
    render({}, {}),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual((results[0] as PromiseFulfilledResult<unknown>).value, { a: { x: 'one' } });
  assert.deepEqual((results[1] as PromiseFulfilledResult<unknown>).value, { a: { x: 'two' }, b: { y: 3 } });
  assert.match(String((results[2] as PromiseRejectedResult).reason), /helm failed/);
});
