/**
 * Test fixtures for the agent: a small real Helm chart in two versions, pushed as a Helm OCI artifact into the
 * in-process registry, and a tiny Helm HTTP repository. Not imported by production code.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { copyImage } from '../oci/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { addHelmChartArtifact, tarBuffer } from '../packages/index.ts';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const TEMPLATES: Record<string, string> = {
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  message: {{ .Values.message | quote }}
  chartVersion: {{ .Chart.Version | quote }}
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers:
      - name: main
        image: {{ .Values.image }}
`,
  'widget.yaml': `apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-widget
spec: {size: 3}
`,
};

const V1_ONLY: Record<string, string> = {
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80}]
`,
  'clusterrole.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Release.Name }}-reader
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
`,
};

/**
 * The `demo` chart: ConfigMap, Deployment (image from values), a CRD and a Widget CR; version 1.0.0 also has a
 * Service and a ClusterRole, which 2.0.0 drops.
 */
export function demoChart(version: '1.0.0' | '2.0.0', image: string): Buffer {
  const templates = version === '1.0.0' ? { ...TEMPLATES, ...V1_ONLY } : TEMPLATES;
  const files = [
    { path: 'demo/Chart.yaml', data: Buffer.from(`apiVersion: v2\nname: demo\nversion: ${version}\n`) },
    { path: 'demo/values.yaml', data: Buffer.from(`message: hello\nimage: ${image}\n`) },
    { path: 'demo/crds/widgets.yaml', data: Buffer.from(CRD) },
    ...Object.entries(templates).map(([name, text]) => ({ path: `demo/templates/${name}`, data: Buffer.from(text) })),
  ];
  return gzipSync(tarBuffer(files));
}

/** Pushes `tgz` as `<repository>:<version>` with Helm's OCI media types. */
export async function pushChart(client: RegistryClient, dir: string, repository: string, version: string, tgz: Buffer): Promise<void> {
  const layout = join(dir, `chart-${createHash('sha256').update(repository + version).digest('hex').slice(0, 8)}`);
  await addHelmChartArtifact(layout, version, tgz, { apiVersion: 'v2', name: 'demo', version });
  await copyImage({ from: { layout, tag: version }, to: { client, repository, ref: version } });
}

/** A Helm HTTP repository serving `index.yaml` and `charts/<name>-<version>.tgz`. */
export async function startChartRepo(charts: { name: string; version: string; tgz: Buffer }[]): Promise<{ url: string; stop(): Promise<void> }> {
  const files = new Map<string, Buffer>();
  const entries: Record<string, unknown[]> = {};
  for (const c of charts) {
    const path = `charts/${c.name}-${c.version}.tgz`;
    files.set(`/repo/${path}`, c.tgz);
    (entries[c.name] ??= []).push({ apiVersion: 'v2', name: c.name, version: c.version, urls: [path], digest: createHash('sha256').update(c.tgz).digest('hex') });
  }
  files.set('/repo/index.yaml', Buffer.from(JSON.stringify({ apiVersion: 'v1', entries })));
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
