/**
 * Points the real kubectl (from `npm run tools`) at a throw-away server that serves only minimal
 * legacy discovery and the OpenAPI v3 documents of this package, and runs `kubectl explain`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALL_VERBS } from '../resource.ts';
import type { ResourceDef } from '../resource.ts';
import { openApiPathOf } from './names.ts';
import { OpenApiV3Cache } from './openapi.ts';
import { builtinResources } from './resources.ts';

const KUBECTL = new URL('../../../.tools/bin/kubectl', import.meta.url).pathname;
const widget: ResourceDef = {
  group: 'example.com', version: 'v1', kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget',
  shortNames: [], categories: [], namespaced: true, verbs: [...ALL_VERBS], statusSubresource: false, builtin: false, allowUnconditionalUpdate: false,
  schema: { type: 'object', properties: { spec: { type: 'object', description: 'Widget wishes.', properties: { size: { type: 'integer', description: 'How big.' } } } } },
};
const defs = [...builtinResources(), widget];
const gvs = [...new Set(defs.map((d) => (d.group ? `${d.group}/${d.version}` : d.version)))];

function resourceList(gv: string): object {
  const mine = defs.filter((d) => (d.group ? `${d.group}/${d.version}` : d.version) === gv);
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
    resources: mine.map((d) => ({ name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs, shortNames: d.shortNames })),
  };
}

function route(path: string, cache: OpenApiV3Cache): object | undefined {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = gvs.filter((g) => g.includes('/')).map((g) => ({ name: g.split('/')[0], versions: [{ groupVersion: g, version: 'v1' }], preferredVersion: { groupVersion: g, version: 'v1' } }));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  if (path === '/openapi/v3') {
    const paths: Record<string, object> = {};
    for (const d of defs) paths[openApiPathOf(d.group, d.version)] = { serverRelativeURL: `/openapi/v3/${openApiPathOf(d.group, d.version)}?hash=${cache.hash(d, defs)}` };
    return { paths };
  }
  for (const gv of gvs) {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    if (path === `/${openApiPathOf(group, version)}`) return resourceList(gv);
    if (path === `/openapi/v3/${openApiPathOf(group, version)}`) return cache.document({ group, version }, defs);
  }
  return undefined;
}

test('kubectl explain works against the generated OpenAPI v3 documents', { skip: !existsSync(KUBECTL) && 'kubectl not installed (npm run tools)' }, async (t) => {
  const cache = new OpenApiV3Cache();
  const server = createServer((req, res) => {
    const body = route(new URL(req.url ?? '/', 'http://x').pathname, cache);
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = mkdtempSync(join(tmpdir(), 'builtin-kubectl-'));
  t.after(() => { server.close(); rmSync(home, { recursive: true, force: true }); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const explain = async (...args: string[]) =>
    (await promisify(execFile)(KUBECTL, ['explain', ...args, `--server=${url}`], { env: { HOME: home, KUBECACHEDIR: join(home, 'cache'), PATH: process.env.PATH } })).stdout;

  assert.match(await explain('configmap'), /KIND:\s+ConfigMap[\s\S]*FIELDS:[\s\S]*data\s+<map\[string\]string>/);
  assert.match(await explain('deployment.spec.template.spec.containers'), /FIELD: containers <\[\]Container>[\s\S]*image\s+<string>/);
  assert.match(await explain('ingress.spec.defaultBackend.service'), /port\s+<ServiceBackendPort>/);
  assert.match(await explain('widgets.spec'), /GROUP:\s+example.com[\s\S]*size\s+<integer>/);
});
