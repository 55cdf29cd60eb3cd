import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, parseReference } from './reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('parseReference: defaults and forms', () => {
  const table: [string, object][] = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    ['team/app', { registry: 'docker.io', repository: 'team/app', tag: 'latest' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['index.docker.io/team/app:v1', { registry: 'docker.io', repository: 'team/app', tag: 'v1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b/c:v2', { registry: 'localhost:5000', repository: 'a/b/c', tag: 'v2' }],
    ['127.0.0.1:5000/team/app:v1', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }],
    ['10.0.0.1/app', { registry: '10.0.0.1', repository: 'app', tag: 'latest' }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
    ['registry.example.com/a_b/c__d/e-f--g.h:V1.0_x-y', { registry: 'registry.example.com', repository: 'a_b/c__d/e-f--g.h', tag: 'V1.0_x-y' }],
    [`reg.io/app@${D}`, { registry: 'reg.io', repository: 'app', digest: D }],
    [`reg.io/app:v1@${D}`, { registry: 'reg.io', repository: 'app', tag: 'v1', digest: D }],
    ['docker://quay.io/org/app:v1', { registry: 'quay.io', repository: 'org/app', tag: 'v1' }],
    ['Foo/app', { registry: 'Foo', repository: 'app', tag: 'latest' }],
  ];
  for (const [text, want] of table) assert.deepEqual(parseReference(text), want, text);
});

test('parseReference: invalid references give clear errors', () => {
  const table: [string, RegExp][] = [
    ['', /empty/],
    [' nginx', /spaces/],
    ['UPPER', /repository "library\/UPPER"/],
    ['reg.io/App', /repository "App"/],
    ['reg.io/app:-bad', /tag "-bad"/],
    [`reg.io/app:${'x'.repeat(129)}`, /tag/],
    ['reg.io/app@sha256:abc', /64 lower-case hex/],
    ['reg.io/app@md5', /digest "md5"/],
    ['reg.io/a//b', /repository "a\/\/b"/],
    ['reg.io/a/', /repository/],
    ['reg_io:5000/app', /registry "reg_io:5000"/],
    ['reg.io:99999/app', /port 99999/],
    ['reg.io/a..b', /repository/],
    [`reg.io/${'a/'.repeat(130)}b`, /longer than 255/],
  ];
  for (const [text, want] of table) {
    assert.throws(() => parseReference(text), (e: Error & { code?: string }) => e.code === 'INVALID_REFERENCE' && want.test(e.message) && e.message.includes('invalid image reference'), text);
  }
});

test('formatReference round-trips', () => {
  for (const text of ['docker.io/library/nginx:latest', `127.0.0.1:5000/a/b:v1@${D}`, `reg.io/app@${D}`]) {
    assert.equal(formatReference(parseReference(text)), text);
  }
});
