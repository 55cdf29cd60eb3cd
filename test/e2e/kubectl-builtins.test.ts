import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PlatformProcess, ok, tempFile } from './harness.ts';

const p = new PlatformProcess();
before(() => p.start());
after(async () => {
  await p.stop();
  p.cleanup();
});

const DEPLOYMENT = (image: string, extraContainer = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        env:
        - {name: A, value: "1"}
        ports:
        - containerPort: 8080
${extraContainer}`;

const SIDECAR = `      - name: sidecar
        image: busybox:1.36
`;

test('kubectl create configmap / secret generic (protobuf bodies)', async () => {
  ok(await p.kubectl(['create', 'configmap', 'cm1', '--from-literal=a=1', '--from-literal=b=2']), 'create cm');
  const cm = JSON.parse(ok(await p.kubectl(['get', 'cm', 'cm1', '-o', 'json']), 'get cm'));
  assert.deepEqual(cm.data, { a: '1', b: '2' });
  assert.match(ok(await p.kubectl(['get', 'configmaps']), 'list'), /cm1\s+2\s+\d+s/);
  ok(await p.kubectl(['create', 'secret', 'generic', 's1', '--from-literal=password=hunter2']), 'create secret');
  const s = JSON.parse(ok(await p.kubectl(['get', 'secret', 's1', '-o', 'json']), 'get secret'));
  assert.equal(Buffer.from(s.data.password, 'base64').toString(), 'hunter2');
  assert.equal(s.type, 'Opaque');
  assert.match(ok(await p.kubectl(['get', 'secrets']), 'list'), /s1\s+Opaque\s+1/);
  ok(await p.kubectl(['create', 'serviceaccount', 'robot']), 'create sa');
  ok(await p.kubectl(['get', 'sa', 'robot']), 'get sa');
});

test('Deployment apply, strategic merge patch on containers, apply update', async () => {
  ok(await p.kubectl(['apply', '-f', tempFile('d.yaml', DEPLOYMENT('nginx:1.25', SIDECAR))]), 'apply');
  assert.match(ok(await p.kubectl(['get', 'deploy', 'web']), 'get'), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
  ok(await p.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}}}']), 'smp');
  const d = JSON.parse(ok(await p.kubectl(['get', 'deploy', 'web', '-o', 'json']), 'get'));
  const containers = d.spec.template.spec.containers;
  assert.deepEqual(containers.map((c: { name: string }) => c.name), ['app', 'sidecar']);
  assert.equal(containers[0].image, 'nginx:1.26');
  assert.equal(containers[0].env[0].value, '1');
  assert.equal(d.metadata.generation, 2);
  // client-side apply of a manifest without the sidecar removes it (3-way SMP with $setElementOrder).
  ok(await p.kubectl(['apply', '-f', tempFile('d2.yaml', DEPLOYMENT('nginx:1.27'))]), 'apply 2');
  const d2 = JSON.parse(ok(await p.kubectl(['get', 'deploy', 'web', '-o', 'json']), 'get'));
  assert.deepEqual(d2.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['app=nginx:1.27']);
});

test('ClusterRole and ClusterRoleBinding round-trip', async () => {
  ok(await p.kubectl(['create', 'clusterrole', 'reader', '--verb=get,list', '--resource=pods']), 'create role');
  ok(await p.kubectl(['create', 'clusterrolebinding', 'reader-binding', '--clusterrole=reader', '--serviceaccount=default:robot']), 'create binding');
  const out = ok(await p.kubectl(['get', 'clusterrolebinding', 'reader-binding', '-o', 'wide']), 'get');
  assert.match(out, /ClusterRole\/reader/);
  const role = JSON.parse(ok(await p.kubectl(['get', 'clusterrole', 'reader', '-o', 'json']), 'get role'));
  assert.deepEqual(role.rules[0].verbs, ['get', 'list']);
  ok(await p.kubectl(['delete', 'clusterrolebinding', 'reader-binding']), 'delete');
});

test('a second logical cluster is isolated', async () => {
  ok(await p.marketplace(['cluster', 'create', 'business', '--label', 'cpaas.io/arch-amd64=true']), 'cluster create');
  const kc = tempFile('business.kubeconfig', ok(await p.marketplace(['kubeconfig', '--cluster', 'business']), 'kubeconfig'));
  const inBusiness = (args: string[]) => p.kubectl(['--kubeconfig', kc, ...args]);
  assert.match(ok(await inBusiness(['get', 'ns']), 'ns'), /cpaas-system/);
  assert.match(ok(await inBusiness(['get', 'crd']), 'platform CRDs installed'), /artifactversions\.app\.alauda\.io/);
  ok(await inBusiness(['create', 'configmap', 'only-here', '--from-literal=x=y']), 'create');
  assert.notEqual((await p.kubectl(['get', 'cm', 'only-here'])).code, 0);
  const clusters = ok(await p.kubectl(['get', 'clusters.platform.tkestack.io', '--show-labels']), 'clusters');
  assert.match(clusters, /global[\s\S]*is-global=true/);
  assert.match(clusters, /business[\s\S]*cpaas.io\/arch-amd64=true/);
});

test('namespace deletion removes its contents', async () => {
  ok(await p.kubectl(['create', 'namespace', 'doomed']), 'ns');
  ok(await p.kubectl(['-n', 'doomed', 'create', 'configmap', 'c', '--from-literal=a=b']), 'cm');
  ok(await p.kubectl(['delete', 'namespace', 'doomed', '--timeout=20s']), 'delete ns');
  assert.notEqual((await p.kubectl(['get', 'ns', 'doomed'])).code, 0);
  const create = await p.kubectl(['-n', 'doomed', 'create', 'configmap', 'c2', '--from-literal=a=b']);
  assert.match(create.stderr, /namespaces "doomed" not found/);
});

test('kubectl auth can-i and whoami are answered', async () => {
  assert.equal(ok(await p.kubectl(['auth', 'can-i', 'create', 'deployments']), 'can-i').trim(), 'yes');
  assert.match(ok(await p.kubectl(['auth', 'whoami']), 'whoami'), /admin/);
});
