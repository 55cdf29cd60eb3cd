import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { blobPath, REF_NAME, reachableBlobs } from './layout.ts';
import { tarBuffer } from './tar-writer.ts';

/** Building small images into an OCI layout: file images (operator bundles), Helm chart artifacts, copies. */

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

async function putBlob(layout: string, bytes: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(blobPath(layout, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

async function tagInIndex(layout: string, ref: string, desc: Descriptor): Promise<void> {
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const path = join(layout, 'index.json');
  const index = existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as { schemaVersion: number; manifests: Descriptor[] }) : { schemaVersion: 2, manifests: [] };
  index.manifests = [...index.manifests.filter((m) => m.annotations?.[REF_NAME] !== ref), { ...desc, annotations: { [REF_NAME]: ref } }];
  await writeFile(path, JSON.stringify(index));
}

/** An image with one gzip layer holding `files` (e.g. an operator bundle image: manifests/ + metadata/). */
export async function addFilesImage(layout: string, ref: string, files: { path: string; data: Buffer }[], labels: Record<string, string> = {}): Promise<Descriptor> {
  const tar = tarBuffer(files);
  const layer = await putBlob(layout, gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const config = await putBlob(layout, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: labels }, rootfs: { type: 'layers', diff_ids: [diffId] } })), 'application/vnd.oci.image.config.v1+json');
  const manifest = await putBlob(layout, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] })), OCI_MANIFEST);
  await tagInIndex(layout, ref, manifest);
  return manifest;
}

/** A Helm chart as an OCI artifact (what `helm push oci://…` stores). */
export async function addHelmChartArtifact(layout: string, ref: string, chartTgz: Buffer, chart: { name: string; version: string; [k: string]: unknown }): Promise<Descriptor> {
  const config = await putBlob(layout, Buffer.from(JSON.stringify(chart)), HELM_CONFIG_MEDIA_TYPE);
  const layer = await putBlob(layout, chartTgz, HELM_CHART_MEDIA_TYPE);
  const manifest = await putBlob(layout, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer], annotations: { 'org.opencontainers.image.title': chart.name, 'org.opencontainers.image.version': chart.version } })), OCI_MANIFEST);
  await tagInIndex(layout, ref, manifest);
  return manifest;
}

/** Copies one tagged image (and everything it references) from one layout to another. */
export async function copyLayoutImage(from: string, to: string, ref: string): Promise<boolean> {
  const index = JSON.parse(await readFile(join(from, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.[REF_NAME] === ref);
  if (!entry) return false;
  await mkdir(join(to, 'blobs', 'sha256'), { recursive: true });
  for (const blob of await reachableBlobs(from, [entry])) {
    const target = blobPath(to, blob.digest);
    if (!existsSync(target)) await copyFile(blobPath(from, blob.digest), target);
  }
  await tagInIndex(to, ref, entry);
  return true;
}
