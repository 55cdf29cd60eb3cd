import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformProcess, ok, tempFile } from './harness.ts';

const p = new PlatformProcess();
const seenUsers: string[] = [];

/** A minimal aggregated API server: one resource, `things` in things.example.com/v1. */
const backend = createServer((req, res) => {
  seenUsers.push(String(req.headers['x-remote-user'] ?? ''));
  const send = (code: number, body: unknown) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === '/apis/things.example.com/v1') {
    return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'things.example.com/v1', resources: [{ name: 'things', singularName: 'thing', namespaced: true, kind: 'Thing', verbs: ['get', 'list'] }] });
  }
  const thing = (name: string) => ({ apiVersion: 'things.example.com/v1', kind: 'Thing', metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, status: { from: 'backend' } });
  if (url.pathname === '/apis/things.example.com/v1/namespaces/default/things') return send(200, { kind: 'ThingList', apiVersion: 'things.example.com/v1', metadata: {}, items: [thing('alpha'), thing('beta')] });
  if (url.pathname === '/apis/things.example.com/v1/namespaces/default/things/alpha') return send(200, thing('alpha'));
  send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
});

before(async () => {
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  await p.start();
});
after(async () => {
  await p.stop();
  p.cleanup();
  backend.close();
});

test('an APIService proxies its group/version to the backend', async () => {
  const port = (backend.address() as AddressInfo).port;
  const manifests = `apiVersion: v1
kind: Service
metadata: {name: things-api, namespace: cpaas-system}
spec:
  ports: [{port: 443, targetPort: ${port}}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: things-api, namespace: cpaas-system}
subsets:
- addresses: [{ip: 127.0.0.1}]
  ports: [{port: ${port}, appProtocol: http}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.things.example.com}
spec:
  group: things.example.com
  version: v1
  service: {namespace: cpaas-system, name: things-api, port: 443}
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 1000
  versionPriority: 15
`;
  ok(await p.kubectl(['apply', '-f', tempFile('agg.yaml', manifests)]), 'apply');
  ok(await p.kubectl(['wait', '--for=condition=Available', 'apiservice/v1.things.example.com', '--timeout=20s']), 'wait available');
  const list = ok(await p.kubectl(['get', 'things']), 'get things');
  assert.match(list, /alpha/);
  assert.match(list, /beta/);
  assert.equal(ok(await p.kubectl(['get', 'thing', 'alpha', '-o', 'jsonpath={.status.from}']), 'get one'), 'backend');
  assert.ok(seenUsers.includes('admin'), 'the backend learns the caller from X-Remote-User');
  assert.match(ok(await p.kubectl(['api-resources', '--api-group=things.example.com']), 'api-resources'), /things\s+things.example.com\/v1\s+true\s+Thing/);
});

test('an APIService whose backend is missing reports Available=False', async () => {
  const manifest = `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.missing.example.com}
spec:
  group: missing.example.com
  version: v1
  service: {namespace: cpaas-system, name: nowhere}
  groupPriorityMinimum: 1000
  versionPriority: 15
`;
  ok(await p.kubectl(['apply', '-f', tempFile('missing.yaml', manifest)]), 'apply');
  ok(await p.kubectl(['wait', '--for=condition=Available=False', 'apiservice/v1.missing.example.com', '--timeout=20s']), 'wait');
  const reason = ok(await p.kubectl(['get', 'apiservice', 'v1.missing.example.com', '-o', 'jsonpath={.status.conditions[0].reason}']), 'reason');
  assert.equal(reason, 'ServiceNotFound');
  const table = ok(await p.kubectl(['get', 'apiservices']), 'table');
  assert.match(table, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE/);
  assert.match(table, /v1\.missing\.example\.com\s+cpaas-system\/nowhere\s+False \(ServiceNotFound\)/);
  assert.match(table, /v1\.things\.example\.com\s+cpaas-system\/things-api\s+True/);
});
