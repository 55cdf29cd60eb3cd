import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareCustomResource, resourceDefsFromCRD, validateCustomResource } from '../../apiserver/schema/index.ts';
import type { JSONSchemaProps } from '../../apiserver/index.ts';
import type { FieldError, KubeObject } from '../../kube/index.ts';
import { OLM_CRDS } from './index.ts';
import { EXAMPLES, etcdSubscription, globalOperatorGroup, harborSubscription, installPlan, olmConfig, operatorGroup } from './testdata.ts';

/** The schema the API server would use for `obj` (served version matching its apiVersion). */
function schemaFor(obj: KubeObject): JSONSchemaProps {
  const [group, version] = String(obj.apiVersion).split('/');
  for (const crd of OLM_CRDS) {
    for (const def of resourceDefsFromCRD(crd)) {
      if (def.group === group && def.version === version && def.kind === obj.kind && def.schema) return def.schema;
    }
  }
  throw new Error(`no served schema for ${obj.apiVersion} ${obj.kind}`);
}

/** The API server's write pipeline in Strict mode: unknown fields, then validation. */
function admit(obj: KubeObject): { object: KubeObject; unknownFields: string[]; errors: string[] } {
  const schema = schemaFor(obj);
  const { object, unknownFields } = prepareCustomResource(obj, schema, 'Strict');
  const errors = validateCustomResource(object, schema).map((e: FieldError) => `${e.field}: ${e.message}`);
  return { object, unknownFields, errors };
}

function withSpec(obj: KubeObject, patch: Record<string, unknown>): KubeObject {
  const copy = structuredClone(obj);
  copy.spec = { ...(copy.spec as object), ...patch };
  return copy;
}

describe('upstream-shaped examples are admitted unchanged', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.apiVersion} ${ex.kind} ${ex.metadata.name}`, () => {
      const { object, unknownFields, errors } = admit(ex);
      assert.deepEqual(unknownFields, []);
      assert.deepEqual(errors, []);
      if (ex !== globalOperatorGroup && ex !== operatorGroup) assert.deepEqual(object, ex, 'nothing pruned or defaulted');
    });
  }

  it('the harbor Subscription keeps its empty cpaas.io/target-namespaces annotation', () => {
    assert.deepEqual(admit(harborSubscription).object.metadata.annotations, { 'cpaas.io/target-namespaces': '' });
  });

  it('an OperatorGroup without spec is defaulted to upgradeStrategy Default (v1alpha2 too)', () => {
    assert.deepEqual(admit(globalOperatorGroup).object.spec, { upgradeStrategy: 'Default' });
    assert.deepEqual(admit(withSpec(operatorGroup, { upgradeStrategy: undefined })).object.spec, { targetNamespaces: ['team-a'], upgradeStrategy: 'Default' });
  });
});

describe('invalid objects are rejected with upstream messages', () => {
  const cases: { name: string; obj: KubeObject; errors?: string[]; unknown?: string[] }[] = [
    {
      name: 'Subscription installPlanApproval Sometimes',
      obj: withSpec(harborSubscription, { installPlanApproval: 'Sometimes' }),
      errors: ['spec.installPlanApproval: Unsupported value: "Sometimes": supported values: "Automatic", "Manual"'],
    },
    {
      name: 'Subscription without source and sourceNamespace',
      obj: { ...harborSubscription, spec: { name: 'harbor-ce-operator' } },
      errors: ['spec.source: Required value', 'spec.sourceNamespace: Required value'],
    },
    { name: 'Subscription without spec', obj: { ...harborSubscription, spec: undefined }, errors: ['spec: Required value'] },
    { name: 'Subscription with a misspelt field', obj: withSpec(harborSubscription, { startingCsv: 'x' }), unknown: ['spec.startingCsv'] },
    { name: 'Subscription config with an unknown key', obj: withSpec(etcdSubscription, { config: { envs: [] } }), unknown: ['spec.config.envs'] },
    {
      name: 'InstallPlan approval and approved',
      obj: withSpec(installPlan, { approval: 'manual', approved: 'yes' }),
      errors: [
        'spec.approval: Unsupported value: "manual": supported values: "Automatic", "Manual"',
        'spec.approved: Invalid value: "string": spec.approved in body must be of type boolean: "string"',
      ],
    },
    {
      name: 'InstallPlan without clusterServiceVersionNames',
      obj: { ...installPlan, spec: { approval: 'Automatic', approved: true } },
      errors: ['spec.clusterServiceVersionNames: Required value'],
    },
    {
      name: 'OperatorGroup upgradeStrategy and duplicate targetNamespaces',
      obj: withSpec(operatorGroup, { upgradeStrategy: 'Fast', targetNamespaces: ['a', 'a'] }),
      errors: ['spec.upgradeStrategy: Unsupported value: "Fast": supported values: "Default", "TechPreviewUnsafeFailForward"', 'spec.targetNamespaces[1]: Duplicate value: "a"'],
    },
    {
      name: 'OLMConfig packageServerSyncInterval',
      obj: withSpec(olmConfig, { features: { packageServerSyncInterval: '5 minutes' } }),
      errors: ["spec.features.packageServerSyncInterval: Invalid value: \"5 minutes\": spec.features.packageServerSyncInterval in body should match '^([0-9]+(\\.[0-9]+)?(s|m|h))+$'"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { unknownFields, errors } = admit(c.obj);
      assert.deepEqual(unknownFields, c.unknown ?? []);
      assert.deepEqual(errors, c.errors ?? []);
    });
  }
});
