import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWwwAuthenticate } from './auth.ts';

test('parseWwwAuthenticate table', () => {
  const table: [string, object[]][] = [
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic realm=reg', [{ scheme: 'basic', params: { realm: 'reg' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' } }],
    ],
    [
      'Bearer realm="https://r/token", service="r", scope="repository:a:pull repository:b:pull", error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 'r', scope: 'repository:a:pull repository:b:pull', error: 'insufficient_scope' } }],
    ],
    ['Bearer realm="a\\"b,c"', [{ scheme: 'bearer', params: { realm: 'a"b,c' } }]],
    [
      'Bearer realm="https://r/t",service="s", Basic realm="x"',
      [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 's' } }, { scheme: 'basic', params: { realm: 'x' } }],
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['BEARER REALM = "u" , SERVICE=s', [{ scheme: 'bearer', params: { realm: 'u', service: 's' } }]],
    ['', []],
  ];
  for (const [header, want] of table) assert.deepEqual(parseWwwAuthenticate(header), want, header);
});
