import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.ts';
import type { Catalog } from '../model.ts';
import { bundleFromArtifactVersion, catalogFromArtifactVersions } from './artifact-versions.ts';
import { packageManifests } from './package-manifest.ts';
import { CATALOG_SOURCE, harborArtifactVersion, harborCsv } from './testing.ts';

const catsrc: KubeObject = {
  apiVersion: 'operators.coreos.com/v1alpha1',
  kind: 'CatalogSource',
  metadata: { name: CATALOG_SOURCE, namespace: 'cpaas-system', creationTimestamp: '2025-01-10T10:00:00Z', labels: { team: 'acp' } },
  spec: { sourceType: 'grpc', displayName: 'Platform', publisher: 'Alauda' },
};

function harborCatalog(withCsvs = true): Catalog {
  const avs = [harborArtifactVersion('2.12.11', 'harbor-ce-operator.v2.12.10'), harborArtifactVersion('2.12.10')];
  const contents = new Map(withCsvs ? [['harbor-ce-operator.v2.12.10', { csv: harborCsv('2.12.10') }], ['harbor-ce-operator.v2.12.11', { csv: harborCsv('2.12.11', 'harbor-ce-operator.v2.12.10') }]] : []);
  return catalogFromArtifactVersions(CATALOG_SOURCE, 'cpaas-system', avs, contents, { displayName: 'Platform', publisher: 'Alauda' });
}

test('the product document table: CHANNEL/NAME/VERSION rows of harbor-ce-operator', () => {
  const [pm] = packageManifests(harborCatalog(), catsrc);
  const status = pm.status as { channels: { name: string; entries: { name: string; version: string }[] }[] };
  const rows = status.channels.flatMap((c) => c.entries.map((e) => [c.name, e.name, e.version]));
  assert.deepEqual(rows, [
    ['harbor-2', 'harbor-ce-operator.v2.12.11', '2.12.11'],
    ['harbor-2', 'harbor-ce-operator.v2.12.10', '2.12.10'],
    ['stable', 'harbor-ce-operator.v2.12.11', '2.12.11'],
    ['stable', 'harbor-ce-operator.v2.12.10', '2.12.10'],
  ]);
});

test('PackageManifest metadata and status follow olm.md §3.2', () => {
  const [pm] = packageManifests(harborCatalog(), catsrc, 'team-a');
  assert.equal(pm.apiVersion, 'packages.operators.coreos.com/v1');
  assert.equal(pm.kind, 'PackageManifest');
  assert.deepEqual(pm.metadata, {
    name: 'harbor-ce-operator',
    namespace: 'team-a',
    creationTimestamp: '2025-01-10T10:00:00Z',
    labels: {
      team: 'acp',
      catalog: 'platform',
      'catalog-namespace': 'cpaas-system',
      provider: 'Alauda',
      'provider-url': 'https://www.alauda.io',
      'operatorframework.io/arch.arm64': 'supported',
      'operatorframework.io/os.linux': 'supported',
      'cpaas.io/source-type': 'Alauda',
    },
  });
  assert.deepEqual(pm.spec, {});
  const status = pm.status as Record<string, unknown> & { channels: Record<string, unknown>[] };
  assert.equal(status.catalogSource, 'platform');
  assert.equal(status.catalogSourceDisplayName, 'Platform');
  assert.equal(status.catalogSourcePublisher, 'Alauda');
  assert.equal(status.catalogSourceNamespace, 'cpaas-system');
  assert.equal(status.packageName, 'harbor-ce-operator');
  assert.equal(status.defaultChannel, 'stable');
  assert.deepEqual(status.provider, { name: 'Alauda', url: 'https://www.alauda.io' });
  const stable = status.channels[1];
  assert.equal(stable.currentCSV, 'harbor-ce-operator.v2.12.11');
  const desc = stable.currentCSVDesc as Record<string, unknown>;
  assert.deepEqual(desc.icon, []);
  assert.equal(desc.displayName, 'Alauda Build of Harbor');
  assert.equal(desc.version, '2.12.11');
  assert.equal(desc.description, 'Harbor registry operator.');
  assert.equal(desc.minKubeVersion, '1.25.0');
  assert.deepEqual(desc.annotations, { capabilities: 'Basic Install', categories: 'Registry' });
  assert.equal((desc.installModes as unknown[]).length, 4);
  assert.deepEqual(desc.relatedImages, ['registry.acp.example:11443/harbor/core:v2.12.11', 'registry.acp.example:11443/harbor/operator:v2.12.11']);
  assert.ok((desc.customresourcedefinitions as { owned: unknown[] }).owned.length === 1);
  assert.ok(!('nativeAPIs' in desc));
  // Default namespace without a request namespace; icons kept when asked for.
  const [own] = packageManifests(harborCatalog(), catsrc, undefined, { icons: true });
  assert.equal(own.metadata.namespace, 'cpaas-system');
  assert.equal(((own.status as { channels: { currentCSVDesc: { icon: unknown[] } }[] }).channels[0].currentCSVDesc.icon).length, 1);
});

test('without unpacked CSVs the description comes from the ArtifactVersion annotations', () => {
  const [pm] = packageManifests(harborCatalog(false), catsrc);
  const status = pm.status as { provider: unknown; channels: { currentCSVDesc: Record<string, unknown> }[] };
  assert.deepEqual(status.provider, { name: 'Alauda' });
  assert.equal(status.channels[0].currentCSVDesc.displayName, 'Alauda Build of Harbor');
  assert.deepEqual(status.channels[0].currentCSVDesc.relatedImages, ['registry.acp.example:11443/harbor/core:v2.12.11']);
  assert.equal(pm.metadata.labels!['operatorframework.io/arch.amd64'], 'supported');
});

test('ArtifactVersions of other libraries or not present are left out', () => {
  const other = harborArtifactVersion('2.13.0', 'harbor-ce-operator.v2.12.11', 'other-catalog');
  const absent = { ...harborArtifactVersion('2.13.1', 'harbor-ce-operator.v2.12.11'), spec: { present: false } };
  const catalog = catalogFromArtifactVersions(CATALOG_SOURCE, 'cpaas-system', [harborArtifactVersion('2.12.10'), other, absent], new Map(), {});
  assert.deepEqual(catalog.bundles.map((b) => b.name), ['harbor-ce-operator.v2.12.10']);
  assert.deepEqual(catalog.channels.map((c) => [c.name, c.entries]), [['harbor-2', [{ name: 'harbor-ce-operator.v2.12.10' }]], ['stable', [{ name: 'harbor-ce-operator.v2.12.10' }]]]);
});

test('bundleFromArtifactVersion: properties, image, related images, replaces', () => {
  const deps = [{ type: 'olm.package.required', value: { packageName: 'cert-manager', versionRange: '>=1.0.0' } }];
  const b = bundleFromArtifactVersion(harborArtifactVersion('2.12.11', 'harbor-ce-operator.v2.12.10'), harborCsv('2.12.11'), deps);
  assert.equal(b.name, 'harbor-ce-operator.v2.12.11');
  assert.equal(b.package, 'harbor-ce-operator');
  assert.equal(b.version, '2.12.11');
  assert.equal(b.replaces, 'harbor-ce-operator.v2.12.10');
  assert.match(b.image, /^registry\.acp\.example:11443\/acp\/harbor-ce-operator-bundle@sha256:/);
  assert.deepEqual(b.relatedImages, ['registry.acp.example:11443/harbor/core:v2.12.11']);
  assert.deepEqual(b.properties.filter((p) => p.type !== 'olm.csv.metadata'), [
    { type: 'olm.package', value: { packageName: 'harbor-ce-operator', version: '2.12.11' } },
    { type: 'olm.gvk', value: { group: 'operator.alauda.io', version: 'v1alpha1', kind: 'Harbor' } },
    { type: 'olm.gvk.required', value: { group: 'cert-manager.io', version: 'v1', kind: 'Certificate' } },
    ...deps,
  ]);
});

test('channel head problems: a channel without a unique head is skipped; a package without channels is reported', () => {
  const catalog = harborCatalog();
  const two = structuredClone(catalog);
  two.channels[0].entries[1] = { name: 'harbor-ce-operator.v2.12.11' };
  const [pm] = packageManifests(two, catsrc);
  assert.deepEqual((pm.status as { channels: { name: string }[] }).channels.map((c) => c.name), ['stable']);
  const broken = structuredClone(catalog);
  for (const ch of broken.channels) ch.entries = [{ name: 'harbor-ce-operator.v2.12.10', replaces: 'harbor-ce-operator.v2.12.11' }, { name: 'harbor-ce-operator.v2.12.11', replaces: 'harbor-ce-operator.v2.12.10' }];
  const problems: string[] = [];
  assert.deepEqual(packageManifests(broken, catsrc, undefined, { onProblem: (_p, e) => problems.push(e.message) }), []);
  assert.match(problems[0], /no valid channels: package "harbor-ce-operator", channel "harbor-2": no channel head found in graph/);
});

test('default channel that failed to load falls back to the first channel; deprecated bundles are omitted', () => {
  const catalog = harborCatalog();
  catalog.packages[0].defaultChannel = 'missing';
  catalog.bundles.find((b) => b.version === '2.12.10')!.deprecated = true;
  const [pm] = packageManifests(catalog, catsrc);
  const status = pm.status as { defaultChannel: string; channels: { entries: { name: string }[] }[] };
  assert.equal(status.defaultChannel, 'harbor-2');
  assert.deepEqual(status.channels[0].entries.map((e) => e.name), ['harbor-ce-operator.v2.12.11']);
});
