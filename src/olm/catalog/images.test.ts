import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyImage } from '../../oci/index.ts';
import type { PackageManifest } from '../../packages/index.ts';
import { addFilesImage } from '../../packages/index.ts';
import { readBundleSource } from '../../violet/authoring/bundle.ts';
import { buildArtifactVersion } from '../../violet/push/register.ts';
import { bundleFromArtifactVersion, catalogFromArtifactVersions } from './artifact-versions.ts';
import { unpackBundleImage } from './bundle-image.ts';
import { readCatalogImage } from './catalog-image.ts';
import { parseFileBasedCatalog } from './fbc.ts';
import { packageManifests } from './package-manifest.ts';
import { addLayersImage, startPlainRegistry } from './testing.ts';

const DEMO = join(import.meta.dirname, '..', '..', '..', 'examples', 'operator', 'demo-operator');
let reg: Awaited<ReturnType<typeof startPlainRegistry>>;
let layoutN = 0;

before(async () => {
  reg = await startPlainRegistry();
});
after(() => reg.stop());

/** Builds an image into a fresh OCI layout and pushes it; returns the manifest digest. */
async function push(repository: string, build: (layout: string) => Promise<{ digest: string }>): Promise<string> {
  const layout = join(reg.dir, `layout-${layoutN++}`);
  const { digest } = await build(layout);
  await copyImage({ from: { layout, tag: 'v1' }, to: { client: reg.client, repository, ref: 'v1' } });
  return digest;
}

test('demo-operator: bundle image built like violet does, pushed, unpacked, turned into a catalog and a PackageManifest', async () => {
  const src = await readBundleSource(DEMO);
  const digest = await push('acp/demo-operator-bundle', (layout) => addFilesImage(layout, 'v1', src.files, { 'operators.operatorframework.io.bundle.package.v1': 'demo-operator' }));
  const unpacked = await unpackBundleImage(reg.client, 'acp/demo-operator-bundle', digest, AbortSignal.timeout(10_000));
  assert.equal(unpacked.digest, digest);
  assert.equal(unpacked.csv.metadata.name, 'demo-operator.v0.1.0');
  assert.deepEqual(unpacked.crds.map((c) => c.metadata.name), ['widgets.demo.example.com']);
  assert.deepEqual(unpacked.otherManifests, []);
  assert.equal(unpacked.annotations['operators.operatorframework.io.bundle.channels.v1'], 'stable');
  assert.equal(unpacked.annotations['cpaas.io/source-type'], 'Custom');
  assert.deepEqual(unpacked.properties, []);

  const manifest = { type: 'bundle', name: 'demo-operator', displayName: src.displayName, version: src.version, relatedImages: src.relatedImages, bundle: src.metadata } as unknown as PackageManifest;
  const av = buildArtifactVersion(manifest, { registry: reg.client.registry, repository: 'acp/demo-operator-bundle', tag: 'v1', digest, catalogSource: 'platform', chartRepo: 'public-charts' }, { metadata: { uid: 'u' } });
  const bundle = bundleFromArtifactVersion(av, unpacked.csv, unpacked.properties);
  assert.equal(bundle.image, `${reg.client.registry}/acp/demo-operator-bundle@${digest}`);
  assert.deepEqual(bundle.properties.find((p) => p.type === 'olm.gvk')?.value, { group: 'demo.example.com', version: 'v1', kind: 'Widget' });

  const catalog = catalogFromArtifactVersions('platform', 'cpaas-system', [av], new Map([[bundle.name, unpacked]]), { displayName: 'Platform' });
  const [pm] = packageManifests(catalog, { metadata: { name: 'platform', namespace: 'cpaas-system', creationTimestamp: '2025-01-01T00:00:00Z' } });
  const status = pm.status as { defaultChannel: string; channels: { currentCSV: string; currentCSVDesc: { relatedImages: string[]; maturity: string } }[] };
  assert.equal(status.defaultChannel, 'stable');
  assert.equal(status.channels[0].currentCSV, 'demo-operator.v0.1.0');
  assert.equal(status.channels[0].currentCSVDesc.maturity, 'stable');
  assert.deepEqual(status.channels[0].currentCSVDesc.relatedImages, ['registry.example.com/demo/demo-operator:v0.1.0']);
  assert.equal(pm.metadata.labels!['cpaas.io/source-type'], 'Custom');
});

test('metadata/dependencies.yaml becomes olm.package.required / olm.gvk.required', async () => {
  const src = await readBundleSource(DEMO);
  const deps = 'dependencies:\n  - type: olm.package\n    value: {packageName: cert-manager, version: ">=1.14.0"}\n  - type: olm.gvk\n    value: {group: cert-manager.io, kind: Certificate, version: v1}\n';
  const files = [...src.files, { path: 'metadata/dependencies.yaml', data: Buffer.from(deps) }];
  const digest = await push('acp/deps-bundle', (layout) => addFilesImage(layout, 'v1', files));
  const { properties } = await unpackBundleImage(reg.client, 'acp/deps-bundle', digest);
  assert.deepEqual(properties, [
    { type: 'olm.package.required', value: { packageName: 'cert-manager', versionRange: '>=1.14.0' } },
    { type: 'olm.gvk.required', value: { group: 'cert-manager.io', kind: 'Certificate', version: 'v1' } },
  ]);
});

test('hostile and oversized bundle images are refused', async () => {
  const src = await readBundleSource(DEMO);
  const evil = await push('acp/evil-bundle', (layout) => addFilesImage(layout, 'v1', [...src.files, { path: '../../etc/passwd', data: Buffer.from('x') }]));
  await assert.rejects(unpackBundleImage(reg.client, 'acp/evil-bundle', evil), /refusing unsafe entry path "\.\.\/\.\.\/etc\/passwd"/);
  const abs = await push('acp/abs-bundle', (layout) => addFilesImage(layout, 'v1', [{ path: '/manifests/x.yaml', data: Buffer.from('a: 1') }]));
  await assert.rejects(unpackBundleImage(reg.client, 'acp/abs-bundle', abs), /unsafe entry path "\/manifests\/x.yaml"/);
  const big = await push('acp/big-bundle', (layout) => addFilesImage(layout, 'v1', [...src.files, { path: 'manifests/big.bin', data: Buffer.alloc(17 << 20) }]));
  await assert.rejects(unpackBundleImage(reg.client, 'acp/big-bundle', big), /exceeds 16777216 bytes/);
  const twoCsvs = src.files.map((f) => (f.path.endsWith('.clusterserviceversion.yaml') ? { ...f, data: Buffer.concat([f.data, Buffer.from('\n---\n'), f.data]) } : f));
  const two = await push('acp/two-bundle', (layout) => addFilesImage(layout, 'v1', twoCsvs));
  await assert.rejects(unpackBundleImage(reg.client, 'acp/two-bundle', two), /has 2 ClusterServiceVersions/);
});

test('catalog image: FBC root from the configs label, layers applied with whiteouts, then parsed', async () => {
  const pkg = (name: string) => Buffer.from(`{"schema":"olm.package","name":"${name}","defaultChannel":"stable"}\n{"schema":"olm.channel","package":"${name}","name":"stable","entries":[{"name":"${name}.v1.0.0"}]}\n{"schema":"olm.bundle","package":"${name}","name":"${name}.v1.0.0","image":"r/${name}-bundle:v1","properties":[{"type":"olm.package","value":{"packageName":"${name}","version":"1.0.0"}}]}\n`);
  const digest = await push('acp/catalog', (layout) =>
    addLayersImage(
      layout,
      'v1',
      [
        [{ path: 'bin/opm', data: Buffer.from('binary') }, { path: 'catalog/etcd/catalog.json', data: pkg('etcd') }, { path: 'catalog/old/catalog.json', data: pkg('old') }, { path: 'catalog/stale/catalog.json', data: pkg('gone') }, { path: 'configs/ignored/catalog.json', data: Buffer.from('{') }],
        [{ path: 'catalog/.wh.old', data: Buffer.alloc(0) }, { path: 'catalog/stale/.wh..wh..opq', data: Buffer.alloc(0) }, { path: 'catalog/stale/v2.json', data: pkg('stale') }, { path: 'catalog/redis/catalog.yaml', data: Buffer.from(pkg('redis').toString().split('\n').filter(Boolean).join('\n---\n')) }],
      ],
      { 'operators.operatorframework.io.index.configs.v1': '/catalog' },
    ),
  );
  const files = await readCatalogImage(reg.client, 'acp/catalog', digest);
  assert.deepEqual(files.map((f) => f.path), ['etcd/catalog.json', 'redis/catalog.yaml', 'stale/v2.json']);
  const catalog = parseFileBasedCatalog(files);
  assert.deepEqual(catalog.packages.map((p) => p.name), ['etcd', 'redis', 'stale']);
});
