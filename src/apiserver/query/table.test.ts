import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import type { ResourceDef } from '../resource.ts';
import { crdTable, parseIncludeObject } from './index.ts';

const now = Date.parse('2024-05-01T12:00:00Z');

function widgetDef(printerColumns?: ResourceDef['printerColumns']): ResourceDef {
  return {
    group: 'example.com', version: 'v1', kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget',
    shortNames: [], categories: [], namespaced: true, verbs: ['get', 'list'], statusSubresource: true, builtin: false,
    allowUnconditionalUpdate: false, printerColumns,
  };
}

const widget: KubeObject = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w1', namespace: 'default', uid: 'u1', creationTimestamp: '2024-05-01T11:00:00Z' },
  spec: { size: 3.7, ratio: 2, color: 'red', enabled: true, tags: { b: 1, a: 2 }, when: 'bad date' },
  status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T11:58:00Z' }] },
};

describe('crdTable with printer columns', () => {
  const def = widgetDef([
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio', description: 'the ratio' },
    { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
    { name: 'Enabled', type: 'boolean', jsonPath: '.spec.enabled' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Since', type: 'date', jsonPath: '.status.conditions[0].lastTransitionTime' },
    { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
    { name: 'SizeText', type: 'string', jsonPath: '.spec.size' },
    { name: 'When', type: 'date', jsonPath: '.spec.when' },
    { name: 'Mismatch', type: 'integer', jsonPath: '.spec.color' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
  ]);
  const table = crdTable(def, [widget], { now, resourceVersion: '42' });

  it('has Name then the printer columns, no Age', () => {
    assert.deepEqual(table.columnDefinitions?.map((c) => c.name), ['Name', 'Size', 'Ratio', 'Color', 'Enabled', 'Ready', 'Since', 'Tags', 'SizeText', 'When', 'Mismatch', 'Missing']);
    assert.deepEqual(table.columnDefinitions?.[0], {
      name: 'Name', type: 'string', format: 'name', priority: 0,
      description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
    });
    assert.equal(table.columnDefinitions?.[1].description, 'Custom resource definition column (in JSONPath format): .spec.size');
    assert.equal(table.columnDefinitions?.[2].description, 'the ratio');
    assert.equal(table.columnDefinitions?.[3].priority, 1);
  });

  it('converts cells by type', () => {
    assert.deepEqual(table.rows[0].cells, ['w1', 3, 2, 'red', true, 'True', '2m', '{"a":2,"b":1}', '3.7', '<invalid>', null, null]);
  });

  it('carries list metadata and PartialObjectMetadata by default', () => {
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '42' });
    assert.deepEqual(table.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: widget.metadata });
  });
});

describe('crdTable without printer columns', () => {
  it('has Name and Age (date)', () => {
    const table = crdTable(widgetDef(), [widget, { metadata: { name: 'w2' } }], { now, includeObject: 'Object' });
    assert.deepEqual(table.columnDefinitions?.map((c) => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
    assert.deepEqual(table.rows.map((r) => r.cells), [['w1', '60m'], ['w2', null]]);
    assert.equal(table.rows[0].object, widget);
  });
});

describe('table options', () => {
  it('omits column definitions with noHeaders and objects with None', () => {
    const table = crdTable(widgetDef(), [widget], { now, noHeaders: true, includeObject: 'None' });
    assert.equal(table.columnDefinitions, undefined);
    assert.equal('object' in table.rows[0], false);
  });

  const includeCases: Array<[string | undefined, string]> = [[undefined, 'Metadata'], ['', 'Metadata'], ['Metadata', 'Metadata'], ['Object', 'Object'], ['None', 'None']];
  for (const [value, want] of includeCases) it(`includeObject ${value} → ${want}`, () => assert.equal(parseIncludeObject(value), want));

  it('rejects an unknown includeObject', () => {
    assert.throws(() => crdTable(widgetDef(), [widget], { includeObject: 'x' }), { code: 400, message: 'unrecognized includeObject value: "x"' });
  });
});
