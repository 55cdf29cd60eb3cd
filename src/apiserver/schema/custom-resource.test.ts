import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldError } from '../../kube/errors.ts';
import { applyDefaults, prepareCustomResource, validateCustomResource } from './index.ts';
import { widget, widgetSchema } from './testdata.ts';

function lines(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

const base = { color: 'red' };

const validationCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'valid', spec: { ...base, size: 3, msg: 'hello', port: 80, when: '2024-01-02T03:04:05Z', note: null }, want: [] },
  { name: 'int-or-string accepts string', spec: { ...base, port: 'http' }, want: [] },
  { name: 'integer gets string', spec: { ...base, size: 'string' }, want: ['spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"'] },
  { name: 'integer gets float', spec: { ...base, size: 1.5 }, want: ['spec.size: Invalid value: "number": spec.size in body must be of type integer: "number"'] },
  { name: 'maximum', spec: { ...base, size: 11 }, want: ['spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10'] },
  { name: 'minimum', spec: { ...base, size: 0 }, want: ['spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1'] },
  { name: 'enum', spec: { color: 'pink' }, want: ['spec.color: Unsupported value: "pink": supported values: "red", "blue"'] },
  { name: 'required', spec: { size: 2 }, want: ['spec.color: Required value'] },
  { name: 'maxLength', spec: { ...base, msg: 'a very long message indeed' }, want: ['spec.msg: Too long: may not be more than 20 bytes'] },
  { name: 'minLength', spec: { ...base, msg: 'a' }, want: ['spec.msg: Invalid value: "a": spec.msg in body should be at least 2 chars long'] },
  { name: 'pattern', spec: { ...base, msg: 'HELLO' }, want: ["spec.msg: Invalid value: \"HELLO\": spec.msg in body should match '^[a-z ]+$'"] },
  { name: 'maxItems', spec: { ...base, items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] }, want: ['spec.items: Too many: 4: must have at most 3 items'] },
  { name: 'item required', spec: { ...base, items: [{ weight: 1 }] }, want: ['spec.items[0].name: Required value'] },
  { name: 'item type', spec: { ...base, items: [{ name: 5 }] }, want: ['spec.items[0].name: Invalid value: "integer": spec.items[0].name in body must be of type string: "integer"'] },
  { name: 'list-map duplicate', spec: { ...base, items: [{ name: 'a' }, { name: 'a' }] }, want: ['spec.items[1]: Duplicate value: map[string]interface {}{"name":"a"}'] },
  { name: 'list-set duplicate', spec: { ...base, tags: ['x', 'y', 'x'] }, want: ['spec.tags[2]: Duplicate value: "x"'] },
  { name: 'map value type', spec: { ...base, labels: { a: 1 } }, want: ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'] },
  { name: 'format date-time', spec: { ...base, when: 'yesterday' }, want: ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"'] },
  { name: 'null on non-nullable', spec: { ...base, msg: null }, want: ['spec.msg: Invalid value: "null": spec.msg in body must be of type string: "null"'] },
  { name: 'int-or-string gets bool', spec: { ...base, port: true }, want: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'] },
  {
    name: 'all problems at once',
    spec: { size: 'string', color: 'pink' },
    want: ['spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"', 'spec.color: Unsupported value: "pink": supported values: "red", "blue"'],
  },
];

describe('validateCustomResource', () => {
  for (const c of validationCases) {
    it(c.name, () => {
      assert.deepEqual(lines(validateCustomResource(widget(c.spec), widgetSchema())), c.want);
    });
  }

  it('types FieldValueTypeInvalid / NotSupported / Required causes', () => {
    const errs = validateCustomResource(widget({ size: 'x', color: 'pink' }), widgetSchema());
    assert.deepEqual(errs.map((e) => e.type), ['FieldValueTypeInvalid', 'FieldValueNotSupported']);
    assert.equal(validateCustomResource(widget({}), widgetSchema())[0].type, 'FieldValueRequired');
  });

  const junctorCases: { name: string; schema: object; value: unknown; want: string[] }[] = [
    { name: 'anyOf none', schema: { anyOf: [{ maximum: 1 }, { maximum: 2 }] }, value: 5, want: ['<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)', 'spec.x: Invalid value: 5: spec.x in body should be less than or equal to 1'] },
    { name: 'anyOf one', schema: { anyOf: [{ maximum: 1 }, { maximum: 9 }] }, value: 5, want: [] },
    { name: 'oneOf two', schema: { oneOf: [{ maximum: 8 }, { maximum: 9 }] }, value: 5, want: ['<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives'] },
    { name: 'not', schema: { not: { maximum: 9 } }, value: 5, want: ['<nil>: Invalid value: "": "spec.x" must not validate the schema (not)'] },
    { name: 'multipleOf', schema: { multipleOf: 2 }, value: 5, want: ['spec.x: Invalid value: 5: spec.x in body should be a multiple of 2'] },
    { name: 'exclusiveMaximum', schema: { maximum: 5, exclusiveMaximum: true }, value: 5, want: ['spec.x: Invalid value: 5: spec.x in body should be less than 5'] },
    { name: 'minProperties', schema: { type: 'object', minProperties: 1 }, value: {}, want: ['spec.x: Invalid value: 0: spec.x in body should have at least 1 properties'] },
    { name: 'embedded resource', schema: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }, value: { metadata: {} }, want: ['spec.x.apiVersion: Required value: must not be empty', 'spec.x.kind: Required value: must not be empty'] },
    { name: 'unknown format ignored', schema: { type: 'string', format: 'color' }, value: 'anything', want: [] },
  ];
  for (const c of junctorCases) {
    it(`keyword: ${c.name}`, () => {
      const schema = { type: 'object', properties: { spec: { type: 'object', properties: { x: c.schema } } } } as never;
      assert.deepEqual(lines(validateCustomResource({ metadata: {}, spec: { x: c.value } }, schema)), c.want);
    });
  }
});

describe('prepareCustomResource', () => {
  const cases: { name: string; input: Record<string, unknown>; mode: 'Strict' | 'Warn' | 'Ignore'; unknown: string[]; spec: Record<string, unknown> }[] = [
    { name: 'defaults size', input: { color: 'red' }, mode: 'Strict', unknown: [], spec: { color: 'red', size: 1 } },
    { name: 'prunes and reports spec.foo', input: { color: 'red', size: 2, foo: 1 }, mode: 'Strict', unknown: ['spec.foo'], spec: { color: 'red', size: 2 } },
    { name: 'Ignore prunes silently', input: { color: 'red', size: 2, foo: 1 }, mode: 'Ignore', unknown: [], spec: { color: 'red', size: 2 } },
    { name: 'prunes inside list items, defaults items', input: { color: 'red', size: 2, items: [{ name: 'a', bad: 1 }] }, mode: 'Warn', unknown: ['spec.items[0].bad'], spec: { color: 'red', size: 2, items: [{ name: 'a', weight: 0.5 }] } },
    { name: 'preserve-unknown-fields keeps', input: { color: 'red', size: 2, extra: { any: { deep: 1 } } }, mode: 'Strict', unknown: [], spec: { color: 'red', size: 2, extra: { any: { deep: 1 } } } },
    { name: 'null with default → default', input: { color: 'red', size: null }, mode: 'Strict', unknown: [], spec: { color: 'red', size: 1 } },
    { name: 'null without default dropped', input: { color: 'red', size: 2, msg: null }, mode: 'Strict', unknown: [], spec: { color: 'red', size: 2 } },
    { name: 'null on nullable kept', input: { color: 'red', size: 2, note: null }, mode: 'Strict', unknown: [], spec: { color: 'red', size: 2, note: null } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = widget(c.input);
      const before = structuredClone(input);
      const { object, unknownFields } = prepareCustomResource(input, widgetSchema(), c.mode);
      assert.deepEqual(unknownFields, c.unknown);
      assert.deepEqual(object.spec, c.spec);
      assert.deepEqual(input, before, 'input must not be modified');
    });
  }

  it('keeps apiVersion/kind, prunes metadata to ObjectMeta and unknown root fields', () => {
    const input = { ...widget({ color: 'red', size: 1 }), junk: true };
    input.metadata = { name: 'w', labels: { a: 'b' }, bogus: 1 };
    const { object, unknownFields } = prepareCustomResource(input, widgetSchema(), 'Strict');
    assert.deepEqual(unknownFields, ['metadata.bogus', 'junk']);
    assert.deepEqual(object, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec: { color: 'red', size: 1 } });
  });

  it('embedded resources keep apiVersion/kind/metadata', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { data: { type: 'object', properties: { a: { type: 'string' } } } } } } } } } as never;
    const input = { metadata: {}, spec: { tpl: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', what: 1 }, data: { a: 'b', c: 'd' } } } };
    const { object, unknownFields } = prepareCustomResource(input, schema, 'Warn');
    assert.deepEqual(unknownFields, ['spec.tpl.metadata.what', 'spec.tpl.data.c']);
    assert.deepEqual(object.spec, { tpl: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } } });
  });
});

describe('applyDefaults', () => {
  it('defaults map values and nested defaults of defaults', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: { type: 'object', default: {}, properties: { size: { type: 'integer', default: 3 } } },
        m: { type: 'object', additionalProperties: { type: 'object', properties: { n: { type: 'integer', default: 7 } } } },
      },
    } as never;
    assert.deepEqual(applyDefaults({ metadata: {}, m: { a: {}, b: { n: 1 } } }, schema), { metadata: {}, m: { a: { n: 7 }, b: { n: 1 } }, spec: { size: 3 } });
  });

  it('copies defaults instead of sharing them', () => {
    const schema = { type: 'object', properties: { a: { type: 'object', default: { x: 1 } }, b: { type: 'object', default: { x: 1 } } } } as never;
    const out = applyDefaults({} as Record<string, { x: number }>, schema);
    out.a.x = 2;
    assert.equal(out.b.x, 1);
    assert.equal((schema as { properties: { a: { default: { x: number } } } }).properties.a.default.x, 1);
  });
});
