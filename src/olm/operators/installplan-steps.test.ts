import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.ts';
import { generateName, stepsForBundle } from './installplan-steps.ts';
import type { BundleLookup } from './installplan-steps.ts';

const csv: KubeObject = {
  apiVersion: 'operators.coreos.com/v1alpha1',
  kind: 'ClusterServiceVersion',
  metadata: { name: 'demo.v1.0.0', namespace: 'placeholder', resourceVersion: '7' },
  spec: {
    version: '1.0.0',
    replaces: 'demo.v0.9.0',
    install: {
      strategy: 'deployment',
      spec: {
        permissions: [
          { serviceAccountName: 'demo', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
          { serviceAccountName: 'default', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
        ],
        clusterPermissions: [{ serviceAccountName: 'demo', rules: [{ apiGroups: ['demo.io'], resources: ['widgets'], verbs: ['*'] }] }],
      },
    },
  },
  status: { phase: 'Succeeded' },
};
const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.demo.io' }, spec: {}, status: { storedVersions: [] } };
const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo-metrics' }, spec: { ports: [{ port: 8443 }] } };
const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-webhook' }, data: {} };
const bundle = { csv, crds: [crd], otherManifests: [service, secret], annotations: { 'operators.operatorframework.io.bundle.package.v1': 'demo' } };
const lookup: BundleLookup = { path: 'r.example/demo@sha256:' + 'a'.repeat(64), identifier: 'demo.v1.0.0', replaces: '', catalogSourceRef: { name: 'platform', namespace: 'cpaas-system' } };

test('steps in upstream order: CSV, CRDs, generated SA + RBAC, other manifests (Secrets as BundleSecret)', () => {
  const steps = stepsForBundle(bundle, lookup, 'team');
  assert.deepEqual(steps.map((s) => s.resource.kind), ['ClusterServiceVersion', 'CustomResourceDefinition', 'ServiceAccount', 'Role', 'RoleBinding', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'BundleSecret']);
  assert.ok(steps.every((s) => s.status === 'Unknown' && s.resolving === 'demo.v1.0.0' && s.resource.sourceName === 'platform'));
  const sa = steps.filter((s) => s.resource.kind === 'ServiceAccount');
  assert.deepEqual(sa.map((s) => s.resource.name), ['demo'], 'no step for the default ServiceAccount');
  const [role] = steps.filter((s) => s.resource.kind === 'Role');
  assert.match(role.resource.name, /^demo\.v1\.0\.0-demo-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(role.resource.group, 'rbac.authorization.k8s.io');
  const binding = JSON.parse(steps[4].resource.manifest!);
  assert.equal(binding.roleRef.name, role.resource.name);
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'demo', namespace: 'team' }]);
  assert.deepEqual(binding.metadata.labels, { 'olm.owner': 'demo.v1.0.0', 'olm.owner.kind': 'ClusterServiceVersion', 'olm.owner.namespace': 'team' });
  const m = JSON.parse(steps[0].resource.manifest!);
  assert.equal(m.metadata.namespace, 'team');
  assert.equal(m.metadata.resourceVersion, undefined);
  assert.equal(m.status, undefined);
  assert.equal(m.spec.replaces, undefined, 'an empty lookup replaces clears spec.replaces (nothing replaced on cluster)');
  assert.equal(m.metadata.labels['operators.coreos.com/demo.team'], '');
  assert.equal(JSON.parse(steps[1].resource.manifest!).status, undefined);
});

test('names are stable, distinct per content, and at most 63 characters', () => {
  assert.equal(generateName('a', { x: 1 }), generateName('a', { x: 1 }));
  assert.notEqual(generateName('a', { x: 1 }), generateName('a', { x: 2 }));
  assert.ok(generateName('x'.repeat(80), 1).length <= 63);
  const steps = stepsForBundle(bundle, { ...lookup, replaces: 'demo.v0.8.0' }, 'team');
  assert.equal(JSON.parse(steps[0].resource.manifest!).spec.replaces, 'demo.v0.8.0');
  const again = stepsForBundle(bundle, { ...lookup, replaces: 'demo.v0.8.0' }, 'team');
  assert.deepEqual(again, steps, 'the same bundle gives the same steps');
});
