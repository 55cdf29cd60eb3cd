/**
 * Test fixtures: ArtifactVersions of a harbor-ce-operator as `violet push` records them (built with
 * register.ts itself), and their CSVs. Not imported by production code.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../kube/index.ts';
import { createRegistryClient, REF_NAME, type RegistryClient } from '../../oci/index.ts';
import { tarBuffer } from '../../packages/index.ts';
import { createRegistry } from '../../registry/index.ts';
import { testAuth } from '../../registry/testing.ts';
import type { PackageManifest } from '../../packages/index.ts';
import { buildArtifactVersion } from '../../violet/push/register.ts';

export const CATALOG_SOURCE = 'platform';
export const REGISTRY = 'registry.acp.example:11443';

/** The CSV of harbor-ce-operator `version`; 2.12.11 replaces 2.12.10. */
export function harborCsv(version: string, replaces?: string): Record<string, unknown> {
  return {
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    metadata: { name: `harbor-ce-operator.v${version}`, labels: { 'operatorframework.io/arch.arm64': 'supported' }, annotations: { capabilities: 'Basic Install', categories: 'Registry' } },
    spec: {
      displayName: 'Alauda Build of Harbor',
      version,
      replaces,
      description: 'Harbor registry operator.',
      icon: [{ base64data: 'PHN2Zy8+', mediatype: 'image/svg+xml' }],
      provider: { name: 'Alauda', url: 'https://www.alauda.io' },
      keywords: ['registry'],
      maturity: 'stable',
      installModes: [
        { type: 'OwnNamespace', supported: true },
        { type: 'SingleNamespace', supported: true },
        { type: 'MultiNamespace', supported: false },
        { type: 'AllNamespaces', supported: true },
      ],
      customresourcedefinitions: {
        owned: [{ name: 'harbors.operator.alauda.io', version: 'v1alpha1', kind: 'Harbor', displayName: 'Harbor' }],
        required: [{ name: 'certificates.cert-manager.io', version: 'v1', kind: 'Certificate', displayName: 'Certificate' }],
      },
      minKubeVersion: '1.25.0',
      relatedImages: [{ name: 'core', image: `${REGISTRY}/harbor/core:v${version}` }],
      install: { strategy: 'deployment', spec: { deployments: [{ name: 'harbor-operator', spec: { template: { spec: { containers: [{ name: 'manager', image: `${REGISTRY}/harbor/operator:v${version}` }] } } } }] } },
    },
  };
}

/** The ArtifactVersion violet push writes for harbor-ce-operator `version` on channels harbor-2 and stable. */
export function harborArtifactVersion(version: string, replaces?: string, catalogSource = CATALOG_SOURCE): KubeObject {
  const manifest = {
    type: 'bundle',
    name: 'harbor-ce-operator',
    displayName: 'Alauda Build of Harbor',
    version,
    relatedImages: [`quay.io/harbor/core:v${version}`],
    bundle: { package: 'harbor-ce-operator', channels: ['harbor-2', 'stable'], defaultChannel: 'stable', csvName: `harbor-ce-operator.v${version}`, csvVersion: version, replaces, sourceType: 'Alauda', provider: 'Alauda' },
  } as unknown as PackageManifest;
  const ctx = { registry: REGISTRY, repository: 'acp/harbor-ce-operator-bundle', tag: `v${version}`, digest: `sha256:${version.replace(/\./g, '').padEnd(64, '0')}`, catalogSource, chartRepo: 'public-charts' };
  return buildArtifactVersion(manifest, ctx, { metadata: { uid: 'artifact-uid' } });
}

/** Writes an image with several gzip tar layers (each a list of files) into an OCI layout; for whiteout and multi-layer tests. */
export async function addLayersImage(layout: string, ref: string, layers: { path: string; data: Buffer }[][], labels: Record<string, string> = {}): Promise<{ digest: string }> {
  const put = async (bytes: Buffer, mediaType: string) => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const layerDescs = [];
  for (const files of layers) layerDescs.push(await put(gzipSync(tarBuffer(files)), 'application/vnd.oci.image.layer.v1.tar+gzip'));
  const config = await put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: labels }, rootfs: { type: 'layers', diff_ids: [] } })), 'application/vnd.oci.image.config.v1+json');
  const manifest = await put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: layerDescs })), OCI_MANIFEST);
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...manifest, annotations: { [REF_NAME]: ref } }] }));
  return manifest;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A registry (src/registry) over plain HTTP on 127.0.0.1 and a client logged in as a pusher. */
export async function startPlainRegistry(): Promise<{ client: RegistryClient; dir: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'olm-catalog-'));
  const registry = createRegistry({ root: join(dir, 'registry'), auth: testAuth() });
  const server = http.createServer((req, res) => void registry.handle(req, res).then((handled) => (handled ? undefined : res.writeHead(404).end())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createRegistryClient({ registry: `127.0.0.1:${(server.address() as AddressInfo).port}`, plain: true, credentials: { username: 'admin', password: 'pw' } });
  return {
    client,
    dir,
    async stop() {
      client.close();
      await new Promise((resolve) => server.close(resolve));
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
