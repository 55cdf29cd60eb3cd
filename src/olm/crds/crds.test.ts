import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCRD, resourceDefsFromCRD, validateCRD } from '../../apiserver/schema/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { OLM_CRDS, OLM_RESOURCES } from './index.ts';

interface CrdView {
  group: string;
  scope: string;
  names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
  versions: { name: string; served: boolean; storage: boolean; subresources?: { status?: object }; additionalPrinterColumns?: object[] }[];
}

function view(crd: KubeObject): CrdView {
  return crd.spec as unknown as CrdView;
}

function crdOf(kind: string): CrdView {
  const crd = OLM_CRDS.find((c) => view(c).names.kind === kind);
  assert.ok(crd, `no CRD for ${kind}`);
  return view(crd);
}

describe('OLM CRDs are valid', () => {
  for (const crd of OLM_CRDS) {
    it(`${crd.metadata.name} passes validateCRD with zero errors`, () => {
      assert.deepEqual(validateCRD(defaultCRD(crd)), []);
    });
  }

  it('every version has a status subresource', () => {
    for (const crd of OLM_CRDS) for (const v of view(crd).versions) assert.ok(v.subresources?.status, `${crd.metadata.name} ${v.name}`);
  });
});

// olm.md §1 (API inventory): version(s) served/storage, scope, short names; categories are `olm` for all.
const inventory: [kind: string, plural: string, versions: string, scope: string, shortNames: string[] | undefined][] = [
  ['CatalogSource', 'catalogsources', 'v1alpha1*', 'Namespaced', ['catsrc']],
  ['ClusterServiceVersion', 'clusterserviceversions', 'v1alpha1*', 'Namespaced', ['csv', 'csvs']],
  ['InstallPlan', 'installplans', 'v1alpha1*', 'Namespaced', ['ip']],
  ['Subscription', 'subscriptions', 'v1alpha1*', 'Namespaced', ['sub', 'subs']],
  ['OperatorGroup', 'operatorgroups', 'v1* v1alpha2', 'Namespaced', ['og']],
  ['Operator', 'operators', 'v1*', 'Cluster', undefined],
  ['OperatorCondition', 'operatorconditions', 'v1 v2*', 'Namespaced', ['condition']],
  ['OLMConfig', 'olmconfigs', 'v1*', 'Cluster', undefined],
];

describe('API inventory (olm.md §1)', () => {
  for (const [kind, plural, versions, scope, shortNames] of inventory) {
    it(kind, () => {
      const crd = crdOf(kind);
      assert.equal(crd.group, 'operators.coreos.com');
      assert.equal(crd.names.plural, plural);
      assert.equal(crd.scope, scope);
      assert.deepEqual(crd.names.shortNames, shortNames);
      assert.deepEqual(crd.names.categories, ['olm']);
      assert.ok(crd.versions.every((v) => v.served));
      assert.equal(crd.versions.map((v) => `${v.name}${v.storage ? '*' : ''}`).join(' '), versions);
    });
  }
  it('covers exactly these kinds', () => {
    assert.deepEqual(OLM_CRDS.map((c) => view(c).names.kind).sort(), inventory.map((r) => r[0]).sort());
  });
});

// Copied from olm.md §2 (upstream additionalPrinterColumns). [name, type, jsonPath, description?, priority?]
type Column = [name: string, type: string, jsonPath: string, description?: string];
const columns: Record<string, Column[]> = {
  CatalogSource: [
    ['Display', 'string', '.spec.displayName', 'The pretty name of the catalog'],
    ['Type', 'string', '.spec.sourceType', 'The type of the catalog'],
    ['Publisher', 'string', '.spec.publisher', 'The publisher of the catalog'],
    ['Age', 'date', '.metadata.creationTimestamp'],
  ],
  ClusterServiceVersion: [
    ['Display', 'string', '.spec.displayName', 'The name of the CSV'],
    ['Version', 'string', '.spec.version', 'The version of the CSV'],
    ['Replaces', 'string', '.spec.replaces', 'The name of a CSV that this one replaces'],
    ['Phase', 'string', '.status.phase'],
  ],
  InstallPlan: [
    ['CSV', 'string', '.spec.clusterServiceVersionNames[0]', 'The first CSV in the list of clusterServiceVersionNames'],
    ['Approval', 'string', '.spec.approval', 'The approval mode'],
    ['Approved', 'boolean', '.spec.approved'],
  ],
  Subscription: [
    ['Package', 'string', '.spec.name', 'The package subscribed to'],
    ['Source', 'string', '.spec.source', 'The catalog source for the specified package'],
    ['Channel', 'string', '.spec.channel', 'The channel of updates to subscribe to'],
  ],
  OperatorGroup: [],
  Operator: [],
  OperatorCondition: [],
  OLMConfig: [],
};

describe('printer columns (olm.md §2)', () => {
  for (const [kind, want] of Object.entries(columns)) {
    it(`${kind}: NAME ${want.map((c) => c[0].toUpperCase()).join(' ') || 'AGE'}`, () => {
      for (const v of crdOf(kind).versions) {
        const got = (v.additionalPrinterColumns ?? []) as { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
        assert.deepEqual(
          got.map((c) => [c.name, c.type, c.jsonPath, c.description, c.priority]),
          want.map(([name, type, jsonPath, description]) => [name, type, jsonPath, description, undefined]),
        );
      }
    });
  }

  it('the API server serves the columns as given', () => {
    const [def] = resourceDefsFromCRD(OLM_CRDS.find((c) => view(c).names.kind === 'InstallPlan')!);
    assert.deepEqual(def.printerColumns?.map((c) => c.name), ['CSV', 'Approval', 'Approved']);
  });
});

describe('OLM_RESOURCES', () => {
  it('addresses each kind at its storage version', () => {
    assert.deepEqual(OLM_RESOURCES, {
      CatalogSource: { group: 'operators.coreos.com', version: 'v1alpha1', plural: 'catalogsources', namespaced: true },
      Subscription: { group: 'operators.coreos.com', version: 'v1alpha1', plural: 'subscriptions', namespaced: true },
      InstallPlan: { group: 'operators.coreos.com', version: 'v1alpha1', plural: 'installplans', namespaced: true },
      ClusterServiceVersion: { group: 'operators.coreos.com', version: 'v1alpha1', plural: 'clusterserviceversions', namespaced: true },
      OperatorGroup: { group: 'operators.coreos.com', version: 'v1', plural: 'operatorgroups', namespaced: true },
      Operator: { group: 'operators.coreos.com', version: 'v1', plural: 'operators', namespaced: false },
      OperatorCondition: { group: 'operators.coreos.com', version: 'v2', plural: 'operatorconditions', namespaced: true },
      OLMConfig: { group: 'operators.coreos.com', version: 'v1', plural: 'olmconfigs', namespaced: false },
    });
  });
});
