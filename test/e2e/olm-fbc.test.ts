import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, ROOT, ok, shell, tempFile, until as waitUntil, violetPush } from './harness.ts';
import { buildExamples } from '../../src/violet/authoring/examples.ts';
import { addFilesImage } from '../../src/packages/image-build.ts';
import { copyImage, createRegistryClient } from '../../src/oci/index.ts';

/** CatalogSources with `spec.image`: a file-based catalog image in the platform registry, served and installed. */

const p = new PlatformProcess();
const PW = 'Passw0rd!';
let pkgs = '';
let registryHost = '';

before(async () => {
  await p.start();
  registryHost = new URL(p.url).host;
  pkgs = mkdtempSync(join(tmpdir(), 'mp-olm-fbc-'));
  await buildExamples(join(ROOT, 'examples'), pkgs, mkdtempSync(join(tmpdir(), 'mp-olm-fbc-work-')));
});
after(async () => {
  await p.stop();
  p.cleanup();
});

const sh = (line: string) => shell(p, line);

/** Waits like the harness's `until`, with the platform's log tail in the failure. */
const until = (what: string, check: () => Promise<boolean>, ms = 30_000) => waitUntil(what, check, ms, () => p.logs.slice(-4000));

const catalogSource = (name: string, namespace: string, image: string, interval: string) => `apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  sourceType: grpc
  image: ${image}
  displayName: Community Operators
  publisher: Example Community
  updateStrategy:
    registryPoll:
      interval: ${interval}
`;

/** The bundle image violet pushed for one CSV (the ArtifactVersion's `cpaas.io/artifact-image`). */
async function bundleImage(csvName: string): Promise<string> {
  const avs = JSON.parse(await sh('kubectl -n cpaas-system get artifactversions -o json')) as { items: { metadata: { annotations?: Record<string, string> } }[] };
  const image = avs.items.find((av) => av.metadata.annotations?.['cpaas.io/csv-name'] === csvName)?.metadata.annotations?.['cpaas.io/artifact-image'];
  assert.ok(image, `no ArtifactVersion for ${csvName}`);
  return image;
}

/** The catalog image: one layer with configs/clickhouse-operator/catalog.json, pushed to catalogs/community:v1. */
async function pushCatalog(json: string): Promise<void> {
  const layout = mkdtempSync(join(tmpdir(), 'mp-olm-fbc-layout-'));
  await addFilesImage(layout, 'v1', [{ path: 'configs/clickhouse-operator/catalog.json', data: Buffer.from(json) }], { 'operators.operatorframework.io.index.configs.v1': '/configs' });
  const client = createRegistryClient({ registry: registryHost, ca: readFileSync(join(p.dataDir, 'ca.crt')), credentials: { username: 'admin', password: PW } });
  try {
    await copyImage({ from: { layout, tag: 'v1' }, to: { client, repository: 'catalogs/community', ref: 'v1' } });
  } finally {
    client.close();
  }
}

function fbc(bundle: string, extraChannels: string[] = []): string {
  const blobs = [
    { schema: 'olm.package', name: 'clickhouse-operator', defaultChannel: 'stable', description: 'ClickHouse Operator from a file-based catalog' },
    ...['stable', ...extraChannels].map((name) => ({ schema: 'olm.channel', package: 'clickhouse-operator', name, entries: [{ name: 'clickhouse-operator.v0.18.2' }] })),
    {
      schema: 'olm.bundle',
      package: 'clickhouse-operator',
      name: 'clickhouse-operator.v0.18.2',
      image: bundle,
      relatedImages: [{ name: '', image: bundle }],
      properties: [
        { type: 'olm.package', value: { packageName: 'clickhouse-operator', version: '0.18.2' } },
        { type: 'olm.csv.metadata', value: { displayName: 'ClickHouse Operator', provider: { name: 'Example Community' }, installModes: [{ type: 'AllNamespaces', supported: true }] } },
      ],
    },
  ];
  return blobs.map((b) => JSON.stringify(b, null, 2)).join('\n');
}

test('a CatalogSource with a file-based catalog image becomes READY, serves PackageManifests and installs', async () => {
  await violetPush(p, join(pkgs, 'clickhouse-operator.stable.ALL.v0.18.2.tgz'), PW);
  const bundle = await bundleImage('clickhouse-operator.v0.18.2');
  assert.ok(bundle.startsWith(`${registryHost}/`), bundle);

  await pushCatalog(fbc(bundle));

  await sh('kubectl create namespace olm-test');
  ok(await p.kubectl(['apply', '-f', tempFile('catsrc.yaml', catalogSource('community', 'olm-test', `${registryHost}/catalogs/community:v1`, '10s'))]), 'catalogsource');
  await until('CatalogSource READY', async () => (await sh('kubectl -n olm-test get catalogsource community -o jsonpath={.status.connectionState.lastObservedState}')) === 'READY');
  const status = JSON.parse(await sh('kubectl -n olm-test get catalogsource community -o jsonpath={.status}')) as Record<string, unknown> & { connectionState: Record<string, string> };
  assert.equal(status.connectionState.address, `${registryHost}/catalogs/community:v1`);
  assert.ok(status.connectionState.lastConnect);
  assert.ok(status.latestImageRegistryPoll);
  assert.equal(status.reason, undefined);

  await until('PackageManifest from the image catalog', async () => (await sh('kubectl -n olm-test get packagemanifest clickhouse-operator -o jsonpath={.status.catalogSource}')) === 'community');
  const pm = JSON.parse(await sh('kubectl -n olm-test get packagemanifest clickhouse-operator -o json'));
  assert.equal(pm.status.catalogSourceNamespace, 'olm-test');
  assert.equal(pm.status.catalogSourceDisplayName, 'Community Operators');
  assert.equal(pm.status.defaultChannel, 'stable');
  // Other namespaces do not see a namespaced catalog; the ArtifactVersion-backed one stays visible everywhere.
  assert.doesNotMatch(await sh('kubectl get packagemanifests -n default -o jsonpath="{range .items[*]}{.status.catalogSource} {end}"'), /community/);
  assert.match(await sh('kubectl get packagemanifests -n olm-test -o jsonpath="{range .items[*]}{.status.catalogSource} {end}"'), /platform/);
  // The default ArtifactVersion-backed catalogs report READY as well.
  await until('platform CatalogSource READY', async () => (await sh('kubectl -n cpaas-system get catalogsource platform -o jsonpath={.status.connectionState.lastObservedState}')) === 'READY');

  ok(
    await p.kubectl(['apply', '-f', tempFile('sub.yaml', `apiVersion: operators.coreos.com/v1alpha1
kind: Subscription
metadata:
  annotations:
    cpaas.io/target-namespaces: ""
  name: clickhouse-operator
  namespace: olm-test
spec:
  channel: stable
  installPlanApproval: Automatic
  name: clickhouse-operator
  source: community
  sourceNamespace: olm-test
`)]),
    'subscription',
  );
  await until('CSV Succeeded', async () => /clickhouse-operator.v0.18.2\s+ClickHouse Operator\s+0.18.2\s+Succeeded/.test(await sh('kubectl -n olm-test get csv')), 60_000);
  const plan = await sh(`kubectl -n olm-test get installplan "$(kubectl -n olm-test get subscription clickhouse-operator -o jsonpath='{.status.installPlanRef.name}')" -o jsonpath='{.status.catalogSources}'`);
  assert.match(plan, /community/);
});

test('a new digest behind the polled tag is pulled at the next poll', async () => {
  await pushCatalog(fbc(await bundleImage('clickhouse-operator.v0.18.2'), ['fast']));
  await until('the fast channel', async () => /\bfast\b/.test(await sh('kubectl -n olm-test get packagemanifest clickhouse-operator -o jsonpath="{.status.channels[*].name}"')), 30_000);
  assert.equal(await sh('kubectl -n olm-test get catalogsource community -o jsonpath={.status.connectionState.lastObservedState}'), 'READY');
});

test('a CatalogSource whose image does not exist gets TRANSIENT_FAILURE and a message naming the image', async () => {
  const image = `${registryHost}/catalogs/missing:v1`;
  await sh('kubectl create namespace olm-broken');
  ok(await p.kubectl(['apply', '-f', tempFile('bad.yaml', catalogSource('missing', 'olm-broken', image, 'soon'))]), 'catalogsource');
  await until('TRANSIENT_FAILURE', async () => (await sh('kubectl -n olm-broken get catalogsource missing -o jsonpath={.status.connectionState.lastObservedState}')) === 'TRANSIENT_FAILURE');
  const status = JSON.parse(await sh('kubectl -n olm-broken get catalogsource missing -o jsonpath={.status}')) as { reason: string; message: string };
  assert.equal(status.reason, 'RegistryServerError');
  assert.ok(status.message.includes(image), status.message);
  // The invalid interval falls back to the default and says so.
  assert.match(status.message, /Using the default value of 15m0s/);
});
