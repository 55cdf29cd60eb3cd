import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogError } from './errors.ts';
import { parseFileBasedCatalog } from './fbc.ts';
import { packageManifests } from './package-manifest.ts';

const YAML = `---
schema: olm.package
name: memcached-operator
defaultChannel: stable
description: Memcached operator
icon: {base64data: PHN2Zy8+, mediatype: image/svg+xml}
---
schema: olm.channel
package: memcached-operator
name: stable
entries:
  - name: memcached-operator.v0.1.0
  - name: memcached-operator.v0.2.0
    replaces: memcached-operator.v0.1.0
  - name: memcached-operator.v0.3.0
    replaces: memcached-operator.v0.2.0
    skips: [memcached-operator.v0.2.1]
    skipRange: ">=0.1.0 <0.3.0"
---
schema: olm.channel
package: memcached-operator
name: alpha
entries:
  - name: memcached-operator.v0.3.0
---
schema: olm.deprecations
package: memcached-operator
entries:
  - reference: {schema: olm.channel, name: alpha}
    message: alpha is no longer supported; switch to stable
---
schema: example.com/other
note: ignored
`;

const bundle = (version: string, extra: object[] = []) => ({
  schema: 'olm.bundle',
  package: 'memcached-operator',
  name: `memcached-operator.v${version}`,
  image: `quay.io/example/memcached-operator-bundle:v${version}`,
  relatedImages: [{ name: '', image: `quay.io/example/memcached-operator-bundle:v${version}` }, { name: 'manager', image: `quay.io/example/memcached-operator:v${version}` }],
  properties: [{ type: 'olm.package', value: { packageName: 'memcached-operator', version } }, ...extra],
});
const csvMeta = {
  type: 'olm.csv.metadata',
  value: { displayName: 'Memcached Operator', provider: { name: 'Example Inc.' }, annotations: { capabilities: 'Basic Install' }, installModes: [{ type: 'AllNamespaces', supported: true }], crdDescriptions: { owned: [{ name: 'memcacheds.cache.example.com', version: 'v1alpha1', kind: 'Memcached' }] }, nativeAPIs: [{ group: '', version: 'v1', kind: 'Pod' }], labels: { 'operatorframework.io/os.linux': 'supported' } },
};
// A JSON stream: concatenated objects, as opm writes them.
const JSON_STREAM = [bundle('0.1.0'), bundle('0.2.0', [{ type: 'olm.deprecated', value: {} }]), bundle('0.3.0', [csvMeta])].map((b) => JSON.stringify(b, null, 2)).join('\n');

const files = [
  { path: 'memcached-operator/index.yaml', content: YAML },
  { path: 'memcached-operator/bundles.json', content: JSON_STREAM },
  { path: 'memcached-operator/README.md', content: 'not a catalog file' },
  { path: 'scratch/broken.yaml', content: 'schema: [' },
  { path: '.indexignore', content: '# scratch space\n/scratch\n' },
];

test('parses olm.package, olm.channel, olm.bundle and olm.deprecations from YAML and JSON streams', () => {
  const c = parseFileBasedCatalog(files);
  assert.deepEqual(c.packages, [{ name: 'memcached-operator', defaultChannel: 'stable', description: 'Memcached operator', icon: { base64data: 'PHN2Zy8+', mediatype: 'image/svg+xml' } }]);
  assert.deepEqual(c.channels.map((ch) => [ch.name, ch.entries.length]), [['stable', 3], ['alpha', 1]]);
  assert.deepEqual(c.bundles.map((b) => [b.name, b.version, b.replaces, b.skips, b.skipRange, !!b.deprecated]), [
    ['memcached-operator.v0.1.0', '0.1.0', undefined, [], undefined, false],
    ['memcached-operator.v0.2.0', '0.2.0', 'memcached-operator.v0.1.0', [], undefined, true],
    ['memcached-operator.v0.3.0', '0.3.0', 'memcached-operator.v0.2.0', ['memcached-operator.v0.2.1'], '>=0.1.0 <0.3.0', false],
  ]);
  assert.deepEqual(c.bundles[0].relatedImages, ['quay.io/example/memcached-operator:v0.1.0']);
  assert.equal(c.deprecations[0].entries[0].message, 'alpha is no longer supported; switch to stable');
});

test('PackageManifest from FBC: olm.csv.metadata feeds currentCSVDesc; deprecations are shown', () => {
  const c = parseFileBasedCatalog(files);
  const catsrc = { metadata: { name: 'community', namespace: 'olm', creationTimestamp: '2025-01-10T10:00:00Z' }, spec: { displayName: 'Community Operators', publisher: 'OperatorHub.io' } };
  const [pm] = packageManifests({ ...c, source: 'community', sourceNamespace: 'olm' }, catsrc);
  const status = pm.status as { defaultChannel: string; provider: unknown; channels: { name: string; currentCSV: string; deprecation?: unknown; currentCSVDesc: Record<string, unknown>; entries: unknown[] }[] };
  assert.equal(status.defaultChannel, 'stable');
  assert.deepEqual(status.provider, { name: 'Example Inc.' });
  assert.deepEqual(status.channels.map((ch) => ch.name), ['alpha', 'stable']);
  assert.deepEqual(status.channels[0].deprecation, { message: 'alpha is no longer supported; switch to stable' });
  const stable = status.channels[1];
  assert.equal(stable.currentCSV, 'memcached-operator.v0.3.0');
  assert.deepEqual(stable.entries, [{ name: 'memcached-operator.v0.3.0', version: '0.3.0' }, { name: 'memcached-operator.v0.1.0', version: '0.1.0' }]);
  assert.equal(stable.currentCSVDesc.displayName, 'Memcached Operator');
  assert.deepEqual(stable.currentCSVDesc.nativeApis, [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.deepEqual(stable.currentCSVDesc.relatedImages, ['quay.io/example/memcached-operator:v0.3.0']);
  assert.equal(pm.metadata.labels!['operatorframework.io/os.linux'], 'supported');
  assert.equal(pm.metadata.labels!['operatorframework.io/arch.amd64'], 'supported');
});

function problemsOf(input: { path: string; content: string }[]): string[] {
  try {
    parseFileBasedCatalog(input);
  } catch (err) {
    assert.ok(err instanceof CatalogError, String(err));
    return err.problems.map((p) => [p.file, p.blob, p.message].filter(Boolean).join(': '));
  }
  assert.fail('expected a CatalogError');
}

const table: { name: string; files: { path: string; content: string }[]; problems: (string | RegExp)[] }[] = [
  { name: 'YAML syntax', files: [{ path: 'a/x.yaml', content: 'schema: olm.package\nname: [' }], problems: [/^a\/x\.yaml: line 2: /] },
  { name: 'JSON syntax', files: [{ path: 'a/x.json', content: '{"schema":"olm.package"}\n{"schema": }' }], problems: [/^a\/x\.json: document 2 at line 2: /] },
  { name: 'missing schema', files: [{ path: 'a.json', content: '{"name":"x"}' }], problems: ['a.json: blob 1 (line 1): has no schema'] },
  {
    name: 'package without default channel, bundle without image or olm.package',
    files: [{ path: 'p.yaml', content: 'schema: olm.package\nname: p\n---\nschema: olm.bundle\npackage: p\nname: p.v1\n---\nschema: olm.bundle\npackage: p\nname: p.v2\nimage: i\nproperties: []\n' }],
    problems: ['p.yaml: olm.package "p": defaultChannel is required', 'p.yaml: olm.bundle "p.v1": image is required', 'p.yaml: olm.bundle "p.v2": must have exactly one olm.package property, found 0', 'p.yaml: olm.bundle "p.v2": package "p", bundle "p.v2" not found in any channel entries'],
  },
  {
    name: 'cross references',
    files: [
      { path: 'p.json', content: JSON.stringify({ schema: 'olm.package', name: 'p', defaultChannel: 'beta' }) + JSON.stringify({ schema: 'olm.channel', package: 'p', name: 'stable', entries: [{ name: 'p.v9' }] }) + JSON.stringify({ schema: 'olm.bundle', package: 'q', name: 'q.v1', image: 'i', properties: [{ type: 'olm.package', value: { packageName: 'p', version: '1.0.0' } }] }) },
      { path: 'dup.yaml', content: 'schema: olm.package\nname: p\ndefaultChannel: stable\n' },
    ],
    problems: [
      'p.json: olm.package "p": duplicates the blob in dup.yaml ((schema, package, name) must be unique)',
      'p.json: olm.bundle "q.v1": olm.package property names package "p", but the bundle belongs to "q"',
      'p.json: olm.channel "stable": entry "p.v9" has no olm.bundle blob in package "p"',
      'p.json: olm.bundle "q.v1": package "q" has no olm.package blob',
      'p.json: olm.bundle "q.v1": package "q", bundle "q.v1" not found in any channel entries',
    ],
  },
];

for (const row of table) {
  test(`FBC errors: ${row.name}`, () => {
    const got = problemsOf(row.files);
    assert.equal(got.length, row.problems.length, got.join('\n'));
    row.problems.forEach((want, i) => (typeof want === 'string' ? assert.equal(got[i], want) : assert.match(got[i], want)));
  });
}

test('the error message lists every problem with file and blob', () => {
  assert.throws(() => parseFileBasedCatalog([{ path: 'p.yaml', content: 'schema: olm.package\nname: p\n' }]), /invalid file-based catalog: p\.yaml: olm\.package "p": defaultChannel is required/);
});
