import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../kube/errors.ts';
import { decodeProtobufObject, isProtobufContentType } from './index.ts';
import { envelope, freshMeta, wire } from './testing.ts';
import type { WireField } from './testing.ts';

function decode(body: Uint8Array): Record<string, unknown> {
  return decodeProtobufObject(body).object;
}

function assertBadRequest(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof StatusError && error.code === 400 && message.test(error.message));
}

describe('isProtobufContentType', () => {
  it('matches the protobuf media type with parameters and any case', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=utf-8'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf+json'), false);
    assert.equal(isProtobufContentType(''), false);
  });
});

describe('decodeProtobufObject on bodies laid out like gogo protobuf', () => {
  it('decodes kubectl create configmap and drops gogo zero values', () => {
    const raw = wire([[1, freshMeta('w2')], [2, [[1, 'x'], [2, 'y']]]]);
    const decoded = decodeProtobufObject(envelope('v1', 'ConfigMap', raw));
    assert.equal(decoded.kind, 'ConfigMap');
    assert.deepEqual(decoded.object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2' }, data: { x: 'y' } });
  });

  it('decodes a helm release Secret: bytes data to base64, labels, type', () => {
    const labels: WireField[] = [[11, [[1, 'owner'], [2, 'helm']]], [11, [[1, 'status'], [2, 'deployed']]]];
    const raw = wire([[1, freshMeta('sh.helm.release.v1.demo.v1', 'default', labels)], [2, [[1, 'release'], [2, new TextEncoder().encode('H4sI')]]], [3, 'helm.sh/release.v1']]);
    assert.deepEqual(decode(envelope('v1', 'Secret', raw)), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.demo.v1', namespace: 'default', labels: { owner: 'helm', status: 'deployed' } },
      data: { release: Buffer.from('H4sI').toString('base64') },
      type: 'helm.sh/release.v1',
    });
  });

  it('decodes helm DeleteOptions sent as apiVersion v1 from meta/v1', () => {
    assert.deepEqual(decode(envelope('v1', 'DeleteOptions', new Uint8Array())), { apiVersion: 'v1', kind: 'DeleteOptions' });
    const raw = wire([[1, 0], [4, 'Foreground'], [5, 'All']]);
    assert.deepEqual(decode(envelope('apps/v1', 'DeleteOptions', raw)), {
      apiVersion: 'apps/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'],
    });
  });

  it('decodes a SelfSubjectAccessReview from kubectl auth can-i', () => {
    const attrs: [number, string][] = [[1, 'default'], [2, 'list'], [3, ''], [4, ''], [5, 'pods'], [6, ''], [7, '']];
    const raw = wire([[1, freshMeta('')], [2, [[1, attrs]]], [3, [[1, 0], [2, ''], [3, ''], [4, 0]]]]);
    assert.deepEqual(decode(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('formats Time as RFC 3339 seconds and MicroTime with six fractional digits', () => {
    const meta: WireField[] = [[1, 'l'], [8, [[1, 1795563433], [2, 500_000_000]]]];
    const spec: WireField[] = [[1, 'me'], [2, 15], [3, [[1, 1795563433], [2, 123_456_789]]], [5, 0]];
    const object = decode(envelope('coordination.k8s.io/v1', 'Lease', wire([[1, meta], [2, spec]])));
    assert.deepEqual(object.metadata, { name: 'l', creationTimestamp: '2026-11-24T23:37:13Z' });
    assert.deepEqual(object.spec, { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-11-24T23:37:13.123456Z', leaseTransitions: 0 });
  });
});

describe('decodeProtobufObject errors', () => {
  it('rejects a body without the magic', () => {
    assertBadRequest(() => decodeProtobufObject(new TextEncoder().encode('{"kind":"Secret"}')), /magic/);
    assertBadRequest(() => decodeProtobufObject(new Uint8Array()), /magic/);
  });

  it('rejects kinds without a schema, naming the kind', () => {
    assertBadRequest(() => decodeProtobufObject(envelope('example.com/v1', 'Widget', new Uint8Array())), /"Widget".*application\/json/);
  });

  it('rejects corrupt envelopes and objects', () => {
    assertBadRequest(() => decodeProtobufObject(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x50, 0x01])), /corrupt/);
    assertBadRequest(() => decodeProtobufObject(envelope('v1', 'Secret', Uint8Array.from([0x0a, 0x09, 0x0a]))), /corrupt protobuf body for kind "Secret"/);
  });

  it('rejects a compressed (contentEncoding) envelope', () => {
    const unknown = wire([[1, [[1, 'v1'], [2, 'Secret']]], [2, new Uint8Array()], [3, 'gzip']]);
    assertBadRequest(() => decodeProtobufObject(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown])), /contentEncoding "gzip"/);
  });
});
