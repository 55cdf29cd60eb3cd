import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../resource.ts';
import { BUILTIN_PATCH_META, patchMetaFor } from './builtin-patch-meta.ts';

function at(schema: JSONSchemaProps | undefined, path: string): JSONSchemaProps | undefined {
  let node = schema;
  for (const seg of path.split('.')) node = seg === '[]' ? node?.items : node?.properties?.[seg];
  return node;
}

const POD = 'spec.template.spec';
const CONTAINER = `${POD}.containers.[]`;

// [kind, path, strategy, merge key] — from upstream types.go struct tags.
const table: Array<[string, string, string | undefined, string | undefined]> = [
  ['Deployment', `${POD}.containers`, 'merge', 'name'],
  ['Deployment', `${POD}.initContainers`, 'merge', 'name'],
  ['Deployment', `${POD}.ephemeralContainers`, 'merge', 'name'],
  ['Deployment', `${POD}.volumes`, 'merge,retainKeys', 'name'],
  ['Deployment', `${POD}.imagePullSecrets`, 'merge', 'name'],
  ['Deployment', `${POD}.tolerations`, undefined, undefined],
  ['Deployment', `${CONTAINER}.env`, 'merge', 'name'],
  ['Deployment', `${CONTAINER}.ports`, 'merge', 'containerPort'],
  ['Deployment', `${CONTAINER}.volumeMounts`, 'merge', 'mountPath'],
  ['Deployment', `${CONTAINER}.volumeDevices`, 'merge', 'devicePath'],
  ['Deployment', `${CONTAINER}.envFrom`, undefined, undefined],
  ['Deployment', `${POD}.initContainers.[].env`, 'merge', 'name'],
  ['Deployment', 'spec.strategy', 'retainKeys', undefined],
  ['Deployment', 'spec.template.metadata.finalizers', 'merge', undefined],
  ['StatefulSet', `${POD}.containers`, 'merge', 'name'],
  ['DaemonSet', `${POD}.volumes`, 'merge,retainKeys', 'name'],
  ['ReplicaSet', `${CONTAINER}.env`, 'merge', 'name'],
  ['Job', `${POD}.containers`, 'merge', 'name'],
  ['Job', 'status.conditions', 'merge', 'type'],
  ['CronJob', `spec.jobTemplate.${POD}.containers`, 'merge', 'name'],
  ['Pod', 'spec.containers.[].env', 'merge', 'name'],
  ['Service', 'spec.ports', 'merge', 'port'],
  ['ConfigMap', 'metadata.finalizers', 'merge', undefined],
  ['Secret', 'metadata.ownerReferences', 'merge', 'uid'],
  ['Namespace', 'metadata.finalizers', 'merge', undefined],
  ['ServiceAccount', 'secrets', 'merge', 'name'],
  ['ServiceAccount', 'imagePullSecrets', undefined, undefined],
  ['Role', 'rules', undefined, undefined],
  ['ClusterRole', 'rules', undefined, undefined],
];

describe('BUILTIN_PATCH_META', () => {
  for (const [kind, path, strategy, key] of table) {
    it(`${kind} ${path}: ${strategy ?? 'none'}${key ? ` by ${key}` : ''}`, () => {
      const node = at(patchMetaFor(kind), path);
      assert.equal(node?.['x-kubernetes-patch-strategy'], strategy);
      assert.equal(node?.['x-kubernetes-patch-merge-key'], key);
    });
  }

  it('has no entry for unknown kinds or prototype names', () => {
    for (const kind of ['Widget', 'constructor', '__proto__', 'toString']) assert.equal(patchMetaFor(kind), undefined);
  });

  it('is frozen so one request cannot change it for the next', () => {
    assert.ok(Object.isFrozen(BUILTIN_PATCH_META));
    assert.ok(Object.isFrozen(at(BUILTIN_PATCH_META.Deployment, `${CONTAINER}.env`)));
  });
});
