import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../kube/errors.ts';
import type { JSONSchemaProps } from '../resource.ts';
import { patchMetaFor } from './builtin-patch-meta.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function deployment(containers: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, ...extra, template: { spec: { containers } } } };
}

function containersOf(obj: unknown): unknown {
  return (obj as { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers;
}

const app = { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] };
const sidecar = { name: 'sidecar', image: 'proxy:1' };

interface Case {
  name: string;
  kind?: string;
  schema?: JSONSchemaProps;
  doc: unknown;
  patch: unknown;
  want: unknown;
  /** Compare only this projection of the result. */
  pick?: (result: unknown) => unknown;
}

const cases: Case[] = [
  {
    name: 'kubectl apply 3-way patch on a ConfigMap (§6 wire capture)',
    kind: 'ConfigMap',
    doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [LAST_APPLIED]: '{"old":1}\n', keep: 'me' } }, data: { a: '1', b: '2' } },
    patch: { data: { b: null, c: '3' }, metadata: { annotations: { [LAST_APPLIED]: '{"new":1}\n' } } },
    want: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [LAST_APPLIED]: '{"new":1}\n', keep: 'me' } }, data: { a: '1', c: '3' } },
  },
  {
    name: 'helm 3 upgrade patch changing one data key',
    kind: 'ConfigMap',
    doc: { metadata: { name: 'c' }, data: { msg: 'hi', other: 'x' } },
    patch: { data: { msg: 'bye' } },
    want: { metadata: { name: 'c' }, data: { msg: 'bye', other: 'x' } },
  },
  {
    name: 'Deployment: change one container image with $setElementOrder/containers',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ image: 'app:2', name: 'app' }] } } } },
    want: [{ ...app, image: 'app:2' }, sidecar],
    pick: containersOf,
  },
  {
    name: 'Deployment: $setElementOrder reorders and places a new container',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'init' }, { name: 'app' }], containers: [{ name: 'init', image: 'i:1' }] } } } },
    want: [sidecar, { name: 'init', image: 'i:1' }, app],
    pick: containersOf,
  },
  {
    name: 'Deployment: a server-only container (e.g. injected) keeps its live place',
    kind: 'Deployment',
    doc: deployment([app, { name: 'injected' }, sidecar]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ image: 'app:2', name: 'app' }] } } } },
    want: [{ ...app, image: 'app:2' }, { name: 'injected' }, sidecar],
    pick: containersOf,
  },
  {
    name: 'Deployment: delete a container with $patch: delete',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'sidecar' }] } } } },
    want: [app],
    pick: containersOf,
  },
  {
    name: 'Deployment: env merged by name (change, add, delete) inside a merged container',
    kind: 'Deployment',
    doc: deployment([app]),
    patch: {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }], env: [{ name: 'A', value: '1b' }, { name: 'C', value: '3' }, { $patch: 'delete', name: 'B' }] }],
      } } },
    },
    want: [{ ...app, env: [{ name: 'A', value: '1b' }, { name: 'C', value: '3' }] }],
    pick: containersOf,
  },
  {
    name: 'Deployment: ports merged by containerPort, a null field deleted',
    kind: 'Deployment',
    doc: deployment([{ name: 'app', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] }]),
    patch: { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 443, name: null, protocol: 'TCP' }] }] } } } },
    want: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, protocol: 'TCP' }] }],
    pick: containersOf,
  },
  {
    name: 'Deployment: without $setElementOrder new items go before server-only items (upstream order)',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { containers: [{ name: 'extra', image: 'e' }] } } } },
    want: [{ name: 'extra', image: 'e' }, app, sidecar],
    pick: containersOf,
  },
  {
    name: 'Deployment: $retainKeys on strategy switches RollingUpdate to Recreate',
    kind: 'Deployment',
    doc: deployment([app], { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    want: { type: 'Recreate' },
    pick: (r) => (r as { spec: { strategy: unknown } }).spec.strategy,
  },
  {
    name: 'Pod volumes: $retainKeys inside a merged list item swaps the volume source',
    kind: 'Pod',
    doc: { spec: { volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] } },
    patch: { spec: { '$setElementOrder/volumes': [{ name: 'data' }, { name: 'tmp' }], volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' }] } },
    want: { spec: { volumes: [{ name: 'data', configMap: { name: 'cm' } }, { name: 'tmp', emptyDir: {} }] } },
  },
  {
    name: 'finalizers merge as a set',
    kind: 'ConfigMap',
    doc: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: { metadata: { finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: 'finalizers: kubectl 3-way patch with $deleteFromPrimitiveList and $setElementOrder',
    kind: 'ConfigMap',
    doc: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['b', 'c'], '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } },
    want: { metadata: { finalizers: ['b', 'c'] } },
  },
  {
    name: 'finalizers: $deleteFromPrimitiveList alone',
    kind: 'Secret',
    doc: { metadata: { finalizers: ['a', 'b', 'a'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'zzz'] } },
    want: { metadata: { finalizers: ['b'] } },
  },
  {
    name: 'ownerReferences merge by uid',
    kind: 'ConfigMap',
    doc: { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'X', apiVersion: 'v1' }] } },
    patch: { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2', name: 'b', kind: 'Y', apiVersion: 'v1' }] } },
    want: { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'X', apiVersion: 'v1', controller: true }, { uid: '2', name: 'b', kind: 'Y', apiVersion: 'v1' }] } },
  },
  {
    name: 'Service ports merge by port',
    kind: 'Service',
    doc: { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }], selector: { app: 'x' } } },
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 80, targetPort: 9090 }] } },
    want: { spec: { ports: [{ name: 'http', port: 80, targetPort: 9090 }, { name: 'https', port: 443, targetPort: 8443 }], selector: { app: 'x' } } },
  },
  {
    name: 'tolerations are replaced (no patch strategy upstream)',
    kind: 'Pod',
    doc: { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } },
    patch: { spec: { tolerations: [{ key: 'c' }] } },
    want: { spec: { tolerations: [{ key: 'c' }] } },
  },
  {
    name: 'unknown schema: lists are replaced, directive items dropped',
    doc: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    patch: { spec: { containers: [{ name: 'c' }, { name: 'b', $patch: 'delete' }] } },
    want: { spec: { containers: [{ name: 'c' }] } },
  },
  {
    name: '$patch: replace in a map',
    kind: 'Deployment',
    doc: { spec: { selector: { matchLabels: { a: '1', b: '2' } } } },
    patch: { spec: { selector: { matchLabels: { $patch: 'replace', c: '3' } } } },
    want: { spec: { selector: { matchLabels: { c: '3' } } } },
  },
  {
    name: '$patch: delete in a map empties it',
    kind: 'ConfigMap',
    doc: { data: { a: '1' }, metadata: { name: 'x' } },
    patch: { data: { $patch: 'delete' } },
    want: { data: {}, metadata: { name: 'x' } },
  },
  {
    name: '$patch: merge in a map is the default merge',
    kind: 'ConfigMap',
    doc: { data: { a: '1' } },
    patch: { data: { $patch: 'merge', b: '2' } },
    want: { data: { a: '1', b: '2' } },
  },
  {
    name: '$patch: replace item replaces the whole merged list',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { containers: [{ name: 'only', image: 'o', env: [{ name: 'X', $patch: 'delete' }] }, { $patch: 'replace' }] } } } },
    want: [{ name: 'only', image: 'o', env: [] }],
    pick: containersOf,
  },
  {
    name: 'new nested values are cleaned: no nulls, no directives',
    kind: 'Deployment',
    doc: deployment([app]),
    patch: { spec: { template: { spec: { initContainers: [{ name: 'i', image: 'i', env: [{ name: 'E', $patch: 'delete' }, { name: 'F', value: null }], securityContext: { $patch: 'replace', runAsUser: 1, x: null } }] } } } },
    want: [{ name: 'i', image: 'i', env: [{ name: 'F' }], securityContext: { runAsUser: 1 } }],
    pick: (r) => (r as { spec: { template: { spec: { initContainers: unknown } } } }).spec.template.spec.initContainers,
  },
  {
    name: 'null deletes, unmatched null is ignored',
    kind: 'Deployment',
    doc: { spec: { replicas: 3, paused: true } },
    patch: { spec: { paused: null, minReadySeconds: null } },
    want: { spec: { replicas: 3 } },
  },
  {
    name: 'map patch over a scalar replaces it',
    doc: { a: 'x' },
    patch: { a: { b: 1, c: null } },
    want: { a: { b: 1 } },
  },
  {
    name: 'missing document is treated as empty',
    doc: undefined,
    patch: { a: 1 },
    want: { a: 1 },
  },
];

describe('applyStrategicMergePatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const schema = c.schema ?? (c.kind ? patchMetaFor(c.kind) : undefined);
      const docBefore = structuredClone(c.doc);
      const patchBefore = structuredClone(c.patch);
      const result = applyStrategicMergePatch(c.doc, c.patch, schema);
      assert.deepEqual((c.pick ?? ((r) => r))(result), c.want);
      assert.doesNotMatch(JSON.stringify(result), /\$(patch|retainKeys|setElementOrder|deleteFromPrimitiveList)/);
      assert.deepEqual(c.doc, docBefore, 'document must not change');
      assert.deepEqual(c.patch, patchBefore, 'patch must not change');
    });
  }
});

const errorCases: Array<{ name: string; doc?: unknown; patch: unknown; kind?: string; code: number; message?: RegExp }> = [
  { name: 'patch is an array', patch: [], code: 400, message: /cannot unmarshal array/ },
  { name: 'patch is null', patch: null, code: 400 },
  { name: 'unknown $patch in a map', patch: { data: { $patch: 'explode' } }, code: 400, message: /unknown patch type: explode/ },
  { name: 'unknown $patch in a list item', kind: 'Deployment', doc: deployment([app]), patch: { spec: { template: { spec: { containers: [{ name: 'app', $patch: 'nope' }] } } } }, code: 400, message: /unknown patch type/ },
  { name: 'merge-list item without merge key', kind: 'Deployment', doc: deployment([app]), patch: { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, code: 400, message: /does not contain declared merge key: name/ },
  { name: 'delete directive without merge key', kind: 'Deployment', doc: deployment([app]), patch: { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, code: 400, message: /merge key/ },
  {
    name: '$setElementOrder contradicting the patch list',
    kind: 'Deployment',
    doc: deployment([app, sidecar]),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'sidecar', image: 'y' }] } } } },
    code: 400,
    message: /doesn't match \$setElementOrder list/,
  },
  { name: '$setElementOrder not a list', kind: 'Deployment', patch: { spec: { '$setElementOrder/x': 'a' } }, code: 400, message: /setElementOrder/ },
  { name: '$retainKeys missing a patched key', kind: 'Deployment', doc: deployment([app]), patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, code: 400, message: /retainKeys/ },
  { name: '$retainKeys not a list', patch: { spec: { $retainKeys: 'type' } }, code: 400, message: /retainKeys/ },
  { name: '$deleteFromPrimitiveList not a list', kind: 'ConfigMap', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, code: 400, message: /primitive list/ },
  { name: 'list of lists in a merged list', kind: 'ConfigMap', doc: { metadata: { finalizers: ['a'] } }, patch: { metadata: { finalizers: [['b']] } }, code: 422 },
  { name: 'mixed element types in a merged list', kind: 'ConfigMap', doc: { metadata: { finalizers: ['a'] } }, patch: { metadata: { finalizers: [{ b: 1 }] } }, code: 400, message: /not identical/ },
];

describe('applyStrategicMergePatch errors', () => {
  for (const c of errorCases) {
    it(c.name, () => {
      assert.throws(
        () => applyStrategicMergePatch(c.doc ?? {}, c.patch, c.kind ? patchMetaFor(c.kind) : undefined),
        (err: unknown) => err instanceof StatusError && err.code === c.code && (!c.message || c.message.test(err.message)),
      );
    });
  }

  it('a bad patch strategy in a schema is a server error', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-patch-strategy': 'merge,replace' } } };
    assert.throws(() => applyStrategicMergePatch({ l: [1] }, { l: [2] }, schema), (err: unknown) => err instanceof StatusError && err.code === 500);
  });
});
