import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { fieldsOf, matchesFields, parseFieldSelector, selectableFields, validateFieldSelector } from './index.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-a', restartPolicy: 'Always', serviceAccountName: 'sa' },
  status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] },
};

describe('parseFieldSelector + matchesFields', () => {
  const fields = { 'metadata.name': 'a,b=c', 'metadata.namespace': 'default', 'status.phase': 'Running' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.namespace=default', true],
    ['metadata.namespace==default', true],
    ['metadata.namespace!=default', false],
    ['status.phase!=Pending,metadata.namespace=default', true],
    ['metadata.name=a\\,b\\=c', true],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} → ${want}`, () => assert.equal(matchesFields(parseFieldSelector(text), fields), want));
  }

  const errors: Array<[string, string]> = [
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [text, message] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseFieldSelector(text), { code: 400, message }));
  }
});

describe('fieldsOf', () => {
  it('gives metadata and pod fields', () => {
    const f = fieldsOf(pod, 'Pod');
    assert.equal(f['metadata.name'], 'web-1');
    assert.equal(f['spec.nodeName'], 'node-a');
    assert.equal(f['status.podIP'], '10.0.0.5');
    assert.equal(f['spec.schedulerName'], '');
    assert.equal(f['spec.hostNetwork'], 'false');
  });

  it('gives Secret type and Event involvedObject/source', () => {
    assert.equal(fieldsOf({ metadata: { name: 's' }, type: 'helm.sh/release.v1' }, 'Secret').type, 'helm.sh/release.v1');
    const ev = fieldsOf({ metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'u1' }, reportingComponent: 'kubelet' }, 'Event');
    assert.deepEqual([ev['involvedObject.kind'], ev['involvedObject.uid'], ev.source, ev.reportingComponent], ['Pod', 'u1', 'kubelet', 'kubelet']);
  });

  it('gives Node, ReplicaSet and Job fields as strings', () => {
    assert.equal(fieldsOf({ metadata: { name: 'n' }, spec: { unschedulable: true } }, 'Node')['spec.unschedulable'], 'true');
    assert.equal(fieldsOf({ metadata: { name: 'r' }, status: { replicas: 3 } }, 'ReplicaSet')['status.replicas'], '3');
    assert.equal(fieldsOf({ metadata: { name: 'j' }, status: { succeeded: 1 } }, 'Job')['status.successful'], '1');
  });

  it('evaluates CRD selectableFields', () => {
    const widget = { metadata: { name: 'w' }, spec: { color: 'red', size: 3 } };
    assert.deepEqual(fieldsOf(widget, 'Widget', ['.spec.color', 'spec.size', '.spec.missing']), {
      'metadata.name': 'w',
      'metadata.namespace': '',
      'spec.color': 'red',
      'spec.size': '3',
      'spec.missing': '',
    });
  });
});

describe('validateFieldSelector', () => {
  it('accepts supported fields and rejects others with kube message', () => {
    validateFieldSelector(parseFieldSelector('metadata.name=x,type=Opaque'), selectableFields('Secret'));
    assert.throws(() => validateFieldSelector(parseFieldSelector('spec.foo=x'), selectableFields('ConfigMap')), { code: 400, message: 'field label not supported: spec.foo' });
  });
});
