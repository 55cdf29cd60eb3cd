import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { formatPath, sortedPaths, toFieldsV1 } from './fieldpath.ts';
import { mergeValues, removeItems } from './merge.ts';
import { rootSchema } from './schema.ts';
import { CONFIGMAP, DEPLOYMENT, WIDGET } from './testschemas.ts';
import { compareObjects, fieldSetFromObject } from './typed.ts';

const meta = { name: 'x', namespace: 'd', uid: 'u', resourceVersion: '5', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [] };

describe('fieldSetFromObject', () => {
  const cases: { name: string; obj: JsonObject; schema?: JSONSchemaProps; fields: JsonObject }[] = [
    {
      name: 'ConfigMap data and labels; server metadata, apiVersion, kind untracked',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta, labels: { tier: 'web' } }, data: { a: '1', c: '3' } },
      schema: CONFIGMAP,
      fields: { 'f:data': { 'f:a': {}, 'f:c': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
    },
    {
      name: 'containers keyed by name (patch merge key)',
      obj: { metadata: { name: 'x' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'nginx' }] } } } },
      schema: DEPLOYMENT,
      fields: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
    },
    {
      name: 'multi-key map list with defaulted key, plain list atomic',
      obj: { spec: { template: { spec: { containers: [{ name: 'app', args: ['a', 'b'], ports: [{ containerPort: 80 }] }] } } } },
      schema: DEPLOYMENT,
      fields: {
        'f:spec': {
          'f:template': {
            'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
          },
        },
      },
    },
    {
      name: 'CRD: list without type is atomic, set items, map list, atomic map, preserved unknown',
      obj: { spec: { items: [{ name: 'a' }], tags: ['x'], ports: [{ name: 'http', port: 80 }], config: { k: 'v' }, extra: { free: { n: 1 } } } },
      schema: WIDGET,
      fields: {
        'f:spec': {
          'f:config': {},
          'f:extra': { 'f:free': { '.': {}, 'f:n': {} } },
          'f:items': {},
          'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
          'f:tags': { 'v:"x"': {} },
        },
      },
    },
    {
      name: 'no schema: top level is a struct, nested maps granular, lists atomic',
      obj: { apiVersion: 'example.com/v1', kind: 'W', metadata: { name: 'x', finalizers: ['f'] }, spec: { a: { b: 1 }, l: [1] } },
      fields: { 'f:metadata': { 'f:finalizers': { 'v:"f"': {} } }, 'f:spec': { 'f:a': { '.': {}, 'f:b': {} }, 'f:l': {} } },
    },
    { name: 'empty struct value is a member', obj: { spec: {} }, schema: WIDGET, fields: { 'f:spec': {} } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toFieldsV1(fieldSetFromObject(c.obj, c.schema)), c.fields));
});

describe('compareObjects', () => {
  const cases: { name: string; lhs: JsonObject; rhs: JsonObject; schema?: JSONSchemaProps; added: string[]; removed: string[]; modified: string[] }[] = [
    { name: 'changed, added and removed keys', lhs: { data: { a: '1', b: '2' } }, rhs: { data: { a: '9', c: '3' } }, schema: CONFIGMAP, added: ['.data.c'], removed: ['.data.b'], modified: ['.data.a'] },
    { name: 'new map counts as added with its leaves', lhs: {}, rhs: { data: { a: '1' } }, schema: CONFIGMAP, added: ['.data', '.data.a'], removed: [], modified: [] },
    { name: 'atomic list is one leaf', lhs: { spec: { items: [{ name: 'a' }] } }, rhs: { spec: { items: [{ name: 'b' }] } }, schema: WIDGET, added: [], removed: [], modified: ['.spec.items'] },
    {
      name: 'keyed items compared by key, not position',
      lhs: { spec: { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] } },
      rhs: { spec: { ports: [{ name: 'b', port: 3 }] } },
      schema: WIDGET,
      added: [],
      removed: ['.spec.ports[name="a"]', '.spec.ports[name="a"].name', '.spec.ports[name="a"].port'],
      modified: ['.spec.ports[name="b"].port'],
    },
  ];
  const show = (s: Parameters<typeof sortedPaths>[0]): string[] => sortedPaths(s).map(formatPath).sort();
  for (const c of cases) {
    it(c.name, () => {
      const r = compareObjects(c.lhs, c.rhs, c.schema);
      assert.deepEqual({ added: show(r.added), removed: show(r.removed), modified: show(r.modified) }, { added: c.added.sort(), removed: c.removed.sort(), modified: c.modified.sort() });
    });
  }
});

describe('mergeValues', () => {
  const root = rootSchema(WIDGET);
  const cases: { name: string; live: JsonObject; applied: JsonObject; want: JsonObject }[] = [
    { name: 'maps merge, scalars replaced', live: { spec: { size: 1, extra: { a: 1 } } }, applied: { spec: { size: 2, extra: { b: 2 } } }, want: { spec: { size: 2, extra: { a: 1, b: 2 } } } },
    { name: 'atomic list replaced', live: { spec: { items: [{ name: 'a' }, { name: 'b' }] } }, applied: { spec: { items: [{ name: 'c' }] } }, want: { spec: { items: [{ name: 'c' }] } } },
    { name: 'atomic map replaced', live: { spec: { config: { a: '1' } } }, applied: { spec: { config: { b: '2' } } }, want: { spec: { config: { b: '2' } } } },
    {
      name: 'map list merged by key, live-only items kept',
      live: { spec: { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] } },
      applied: { spec: { ports: [{ name: 'b', port: 3 }, { name: 'c', port: 4 }] } },
      want: { spec: { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 3 }, { name: 'c', port: 4 }] } },
    },
    { name: 'set union', live: { spec: { tags: ['x', 'y'] } }, applied: { spec: { tags: ['z', 'x'] } }, want: { spec: { tags: ['z', 'x', 'y'] } } },
    { name: 'null leaf removes the field', live: { spec: { size: 1 } }, applied: { spec: { size: null } }, want: { spec: {} } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeValues(c.live, c.applied, root), c.want));
});

describe('removeItems', () => {
  it('removes keys and keyed items, keeps the rest', () => {
    const obj = { spec: { size: 1, ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }], extra: { k: 1, j: 2 } } };
    const set = fieldSetFromObject({ spec: { ports: [{ name: 'a' }], extra: { k: 0 } } }, WIDGET);
    const only = new Map([...set].filter(([, p]) => p.length === 3));
    assert.deepEqual(removeItems(obj, only, rootSchema(WIDGET)), { spec: { size: 1, ports: [{ name: 'b', port: 2 }], extra: { j: 2 } } });
  });
});
