import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject, encodeProtobufObject } from './index.ts';

type Obj = { apiVersion: string; kind: string } & Record<string, unknown>;

/** Encodes like a Go client (gogo zero values included) and decodes back. */
function roundTrip(object: Obj): Record<string, unknown> {
  return decodeProtobufObject(encodeProtobufObject(object)).object;
}

const podTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: {
    volumes: [
      { name: 'cfg', configMap: { name: 'web-cfg', defaultMode: 420, optional: false } },
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
    ],
    containers: [{
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'env' } }],
      env: [{ name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'p' } } }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      securityContext: { runAsNonRoot: true, runAsUser: 0, allowPrivilegeEscalation: false },
    }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 0,
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
  },
};

describe('round trip through protobuf (Go-JSON parity)', () => {
  it('keeps pointer zeros (replicas: 0) and inline structs of a Deployment', () => {
    const deployment: Obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: podTemplate,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        revisionHistoryLimit: 10,
      },
      status: {},
    };
    assert.deepEqual(roundTrip(deployment), deployment);
  });

  it('drops value zeros the client did not set (minReadySeconds, paused, generation)', () => {
    const object = roundTrip({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { minReadySeconds: 0, paused: false } });
    assert.deepEqual(object, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: {} });
  });

  it('keeps Job and CronJob pointer fields set to zero', () => {
    const job: Obj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        suspend: false,
        jobTemplate: { metadata: { name: 'nightly' }, spec: { backoffLimit: 0, parallelism: 1, template: { spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } } } },
      },
    };
    assert.deepEqual(roundTrip(job), job);
  });

  it('converts IntOrString both ways (Service, PodDisruptionBudget)', () => {
    const service: Obj = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { port: 443, targetPort: 8443 }], selector: { app: 'web' }, type: 'ClusterIP' },
    };
    assert.deepEqual(roundTrip(service), service);
    const pdb: Obj = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: '50%', selector: { matchLabels: { a: 'b' } } } };
    assert.deepEqual(roundTrip(pdb), pdb);
  });

  it('flattens IngressRuleValue into the rule', () => {
    const ingress: Obj = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        tls: [{ hosts: ['a.example'], secretName: 'tls' }],
      },
    };
    assert.deepEqual(roundTrip(ingress), ingress);
  });

  it('keeps PriorityClass value 0 and RBAC rules and subjects', () => {
    const pc: Obj = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 0, description: 'low' };
    assert.deepEqual(roundTrip(pc), pc);
    const binding: Obj = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'ns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
    };
    assert.deepEqual(roundTrip(binding), binding);
  });

  it('keeps an explicit empty storageClassName and parses managedFields FieldsV1', () => {
    const pvc: Obj = {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data', creationTimestamp: '2026-01-02T03:04:05Z',
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:accessModes': {} } } }],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true, blockOwnerDeletion: false }],
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '' },
    };
    assert.deepEqual(roundTrip(pvc), pvc);
  });

  it('decodes ConfigMap binaryData as base64 and large int64 values as numbers', () => {
    const cm: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', deletionGracePeriodSeconds: 4_000_000_000 }, binaryData: { b: Buffer.from([0, 255]).toString('base64') }, immutable: true };
    assert.deepEqual(roundTrip(cm), cm);
  });

  it('decodes Pods with ephemeral containers flattened', () => {
    const pod: Obj = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i' }], ephemeralContainers: [{ name: 'dbg', image: 'busybox', targetContainerName: 'c', stdin: true }] },
    };
    assert.deepEqual(roundTrip(pod), pod);
  });
});
