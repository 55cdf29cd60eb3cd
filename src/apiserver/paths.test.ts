import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiPath, splitCluster } from './paths.ts';

test('splitCluster', () => {
  assert.deepEqual(splitCluster('/api/v1'), { cluster: 'global', rest: '/api/v1' });
  assert.deepEqual(splitCluster('/kubernetes/business/apis/apps/v1'), { cluster: 'business', rest: '/apis/apps/v1' });
  assert.deepEqual(splitCluster('/kubernetes/c1'), { cluster: 'c1', rest: '/' });
});

const cases: [string, unknown][] = [
  ['/api', { type: 'api-root' }],
  ['/api/v1', { type: 'group-version', group: '', version: 'v1' }],
  ['/apis/apps', { type: 'group', group: 'apps' }],
  ['/api/v1/namespaces', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: undefined, subresource: undefined }],
  ['/api/v1/namespaces/foo', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'foo', subresource: undefined }],
  ['/api/v1/namespaces/foo/status', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'foo', subresource: 'status' }],
  ['/api/v1/namespaces/foo/finalize', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'foo', subresource: 'finalize' }],
  ['/api/v1/namespaces/default/configmaps', { type: 'resource', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: undefined, subresource: undefined }],
  ['/apis/example.com/v1/namespaces/d/widgets/w/status', { type: 'resource', group: 'example.com', version: 'v1', namespace: 'd', resource: 'widgets', name: 'w', subresource: 'status' }],
  ['/apis/example.com/v1/widgets', { type: 'resource', group: 'example.com', version: 'v1', resource: 'widgets', name: undefined, subresource: undefined }],
  ['/openapi/v3', { type: 'openapi-v3-index' }],
  ['/openapi/v3/apis/apps/v1', { type: 'openapi-v3-doc', group: 'apps', version: 'v1' }],
  ['/openapi/v3/api/v1', { type: 'openapi-v3-doc', group: '', version: 'v1' }],
  ['/version', { type: 'version' }],
  ['/nothing', { type: 'unknown' }],
];

for (const [path, want] of cases) {
  test(`parseApiPath ${path}`, () => assert.deepEqual(parseApiPath(path), want));
}
