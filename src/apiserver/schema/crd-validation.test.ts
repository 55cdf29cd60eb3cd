import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { validateCRD } from './index.ts';
import { widgetCRD } from './testdata.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function mutated(fn: (crd: Json, schema: Json) => void): KubeObject {
  const crd = widgetCRD() as Json;
  fn(crd, crd.spec.versions[0].schema.openAPIV3Schema);
  return crd as KubeObject;
}

const V0 = 'spec.versions[0]';
const S = `${V0}.schema.openAPIV3Schema`;
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Each case: a broken CRD and the `field: message` lines that must appear (message prefix match when it ends in `…`). */
const cases: { name: string; crd: KubeObject; want: string[] }[] = [
  { name: 'name not plural.group', crd: mutated((c) => (c.metadata.name = 'gadgets.example.com')), want: ['metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group'] },
  { name: 'group without dot', crd: mutated((c) => ((c.spec.group = 'example'), (c.metadata.name = 'widgets.example'))), want: ['spec.group: Invalid value: "example": should be a domain with at least one dot'] },
  { name: 'missing group', crd: mutated((c) => delete c.spec.group), want: ['spec.group: Required value'] },
  { name: 'bad scope', crd: mutated((c) => (c.spec.scope = 'Global')), want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'] },
  { name: 'missing scope', crd: mutated((c) => delete c.spec.scope), want: ['spec.scope: Required value'] },
  { name: 'uppercase plural', crd: mutated((c) => ((c.spec.names.plural = 'Widgets'), (c.metadata.name = 'Widgets.example.com'))), want: [`spec.names.plural: Invalid value: "Widgets": ${DNS1035}`] },
  { name: 'bad kind', crd: mutated((c) => (c.spec.names.kind = 'Wid get')), want: [`spec.names.kind: Invalid value: "Wid get": may have mixed case, but should otherwise match: ${DNS1035}`] },
  { name: 'kind equals listKind', crd: mutated((c) => (c.spec.names.listKind = 'Widget')), want: ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'] },
  { name: 'missing singular', crd: mutated((c) => delete c.spec.names.singular), want: ['spec.names.singular: Required value'] },
  { name: 'two storage versions', crd: mutated((c) => c.spec.versions.push({ ...structuredClone(c.spec.versions[0]), name: 'v2' })), want: ['spec.versions: Invalid value: …must have exactly one version marked as storage version'] },
  { name: 'no served version', crd: mutated((c) => (c.spec.versions[0].served = false)), want: ['spec.versions: Invalid value: …must have at least one served version'] },
  { name: 'no schema', crd: mutated((c) => delete c.spec.versions[0].schema), want: [`${S}: Required value: schemas are required`] },
  { name: 'root not object', crd: mutated((_c, s) => (s.type = 'array')), want: [`${S}.type: Invalid value: "array": must be object at the root`] },
  { name: 'property without type', crd: mutated((_c, s) => delete s.properties.spec.type), want: [`${S}.properties[spec].type: Required value: must not be empty for specified object fields`] },
  { name: 'items without type', crd: mutated((_c, s) => delete s.properties.spec.properties.tags.items.type), want: [`${S}.properties[spec].properties[tags].items.type: Required value: must not be empty for specified array items`] },
  { name: 'type inside anyOf', crd: mutated((_c, s) => (s.properties.spec.anyOf = [{ type: 'object', required: ['size'] }])), want: [`${S}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`] },
  { name: 'anyOf property not in structure', crd: mutated((_c, s) => (s.properties.spec.anyOf = [{ properties: { zzz: { minimum: 1 } } }])), want: [`${S}.properties[spec].properties[zzz]: Required value: because it is defined in ${S}.properties[spec].anyOf[0].properties[zzz]`] },
  { name: 'properties and additionalProperties', crd: mutated((_c, s) => (s.properties.spec.additionalProperties = { type: 'string' })), want: [`${S}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`] },
  { name: 'metadata restricted', crd: mutated((_c, s) => (s.properties.metadata.properties = { labels: { type: 'object' } })), want: [`${S}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`] },
  { name: '$ref', crd: mutated((_c, s) => (s.properties.spec.properties.msg.$ref = '#/definitions/x')), want: [`${S}.properties[spec].properties[msg].$ref: Forbidden: $ref is not supported`] },
  { name: 'uniqueItems', crd: mutated((_c, s) => (s.properties.spec.properties.tags.uniqueItems = true)), want: [`${S}.properties[spec].properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`] },
  { name: 'patternProperties', crd: mutated((_c, s) => (s.properties.spec.properties.labels.patternProperties = { '^a': { type: 'string' } })), want: [`${S}.properties[spec].properties[labels].patternProperties: Forbidden: patternProperties is not supported`] },
  { name: 'invalid default', crd: mutated((_c, s) => (s.properties.spec.properties.size.default = 11)), want: [`${S}.properties[spec].properties[size].default: Invalid value: 11: in body should be less than or equal to 10`] },
  { name: 'default in metadata', crd: mutated((_c, s) => (s.properties.metadata.default = {})), want: [`${S}.properties[metadata].default: Forbidden: must not be set in top-level metadata`] },
  { name: 'printer column type', crd: mutated((c) => (c.spec.versions[0].additionalPrinterColumns[0].type = 'text')), want: [`${V0}.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string`] },
  { name: 'printer column jsonPath', crd: mutated((c) => delete c.spec.versions[0].additionalPrinterColumns[0].jsonPath), want: [`${V0}.additionalPrinterColumns[0].JSONPath: Required value`] },
  { name: 'scale path', crd: mutated((c) => (c.spec.versions[0].subresources.scale.specReplicasPath = '.status.size')), want: [`${V0}.subresources.scale.specReplicasPath: Invalid value: ".status.size": should be a json path under .spec`] },
  { name: 'list-type map without keys', crd: mutated((_c, s) => delete s.properties.spec.properties.items['x-kubernetes-list-map-keys']), want: [`${S}.properties[spec].properties[items].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`] },
];

function lines(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

describe('validateCRD', () => {
  it('accepts the Widget CRD', () => {
    assert.deepEqual(validateCRD(widgetCRD()), []);
  });

  for (const c of cases) {
    it(`rejects: ${c.name}`, () => {
      const got = lines(validateCRD(c.crd));
      for (const want of c.want) {
        const [head, tail] = want.split('…');
        const ok = tail === undefined ? got.includes(want) : got.some((g) => g.startsWith(head) && g.endsWith(tail));
        assert.ok(ok, `want ${want}\ngot ${JSON.stringify(got, null, 1)}`);
      }
    });
  }

  it('reports all problems at once', () => {
    const crd = mutated((c, s) => {
      c.spec.scope = 'Global';
      delete s.properties.spec.type;
      c.spec.names.kind = 'Wid get';
    });
    assert.equal(validateCRD(crd).length, 3);
  });
});
