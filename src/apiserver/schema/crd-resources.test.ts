import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { ALL_VERBS } from '../resource.ts';
import { defaultCRD, resourceDefsFromCRD } from './index.ts';
import { widgetCRD, widgetSchema } from './testdata.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('defaultCRD', () => {
  const cases: { name: string; edit: (c: Json) => void; check: (c: Json) => void }[] = [
    { name: 'singular from kind', edit: (c) => delete c.spec.names.singular, check: (c) => assert.equal(c.spec.names.singular, 'widget') },
    { name: 'listKind from kind', edit: (c) => delete c.spec.names.listKind, check: (c) => assert.equal(c.spec.names.listKind, 'WidgetList') },
    { name: 'conversion None', edit: () => {}, check: (c) => assert.deepEqual(c.spec.conversion, { strategy: 'None' }) },
    { name: 'explicit values kept', edit: (c) => (c.spec.names.singular = 'wdgt'), check: (c) => assert.equal(c.spec.names.singular, 'wdgt') },
    { name: 'no scope default', edit: (c) => delete c.spec.scope, check: (c) => assert.equal(c.spec.scope, undefined) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const crd = widgetCRD() as Json;
      c.edit(crd);
      const before = structuredClone(crd);
      c.check(defaultCRD(crd as KubeObject) as Json);
      assert.deepEqual(crd, before, 'input must not be modified');
    });
  }
});

describe('resourceDefsFromCRD', () => {
  it('describes the Widget v1 resource', () => {
    assert.deepEqual(resourceDefsFromCRD(widgetCRD()), [
      {
        group: 'example.com',
        version: 'v1',
        kind: 'Widget',
        listKind: 'WidgetList',
        plural: 'widgets',
        singular: 'widget',
        shortNames: ['wd'],
        categories: ['all'],
        namespaced: true,
        verbs: ALL_VERBS,
        statusSubresource: true,
        scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
        schema: widgetSchema(),
        printerColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }],
        builtin: false,
        allowUnconditionalUpdate: false,
      },
    ]);
  });

  it('one def per served version, storageVersion when it differs', () => {
    const crd = widgetCRD() as Json;
    const v1 = crd.spec.versions[0];
    crd.spec.versions = [
      { ...structuredClone(v1), name: 'v1alpha1', storage: false, served: true, subresources: undefined },
      { ...structuredClone(v1), name: 'v1beta1', storage: false, served: false },
      v1,
    ];
    crd.spec.scope = 'Cluster';
    const defs = resourceDefsFromCRD(crd as KubeObject);
    assert.deepEqual(defs.map((d) => [d.version, d.storageVersion, d.namespaced, d.statusSubresource]), [
      ['v1alpha1', 'v1', false, false],
      ['v1', undefined, false, true],
    ]);
  });
});
