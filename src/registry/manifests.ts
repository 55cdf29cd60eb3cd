/** Manifest endpoints (GET/HEAD/PUT/DELETE by tag or digest), tags list, catalog and referrers. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Deps } from './deps.ts';
import { RegistryError } from './errors.ts';
import type { Ctx } from './http.ts';
import { header, paginate, readBody, send, sendJson } from './http.ts';
import { referencedBlobs, referencedManifests, referrerDescriptor } from './manifest-json.ts';
import type { Digest, DigestAlgorithm } from './names.ts';
import { isValidTag, parseDigest, tryParseDigest } from './names.ts';

/** A manifest reference from the path. */
export type Reference = { tag: string } | { digest: Digest };

const INDEX = 'application/vnd.oci.image.index.v1+json';
const PAGE_MAX = 1000;

function manifestUnknown(name: string, ref: Reference): RegistryError {
  const what = 'tag' in ref ? `tag "${ref.tag}"` : ref.digest.value;
  return new RegistryError('MANIFEST_UNKNOWN', `manifest ${what} is not in repository "${name}"`, { detail: 'tag' in ref ? { tag: ref.tag } : { digest: ref.digest.value } });
}

async function resolve(deps: Deps, name: string, ref: Reference): Promise<Digest> {
  const d = 'tag' in ref ? await deps.store.resolveTag(name, ref.tag) : ref.digest;
  if (d) return d;
  if (!(await deps.store.repoExists(name))) throw new RegistryError('NAME_UNKNOWN', `repository "${name}" does not exist`, { detail: { name } });
  throw manifestUnknown(name, ref);
}

/** HEAD/GET a manifest: the exact bytes pushed, with the media type they were pushed with. */
export async function getManifest(ctx: Ctx, deps: Deps, name: string, ref: Reference): Promise<void> {
  const d = await resolve(deps, name, ref);
  const meta = await deps.store.getManifestMeta(name, d);
  if (!meta) throw manifestUnknown(name, ref);
  const headers = { 'Content-Type': meta.mediaType, 'Docker-Content-Digest': d.value, ETag: `"${d.value}"`, 'Content-Length': meta.size };
  if (ctx.method === 'HEAD') return send(ctx, 200, headers);
  send(ctx, 200, headers, await readFile(deps.store.blobPath(d)));
}

/**
 * PUT a manifest: size limit (413), digest checks (DIGEST_INVALID), JSON and media type checks
 * (MANIFEST_INVALID), every referenced blob and child manifest present in the repository
 * (MANIFEST_BLOB_UNKNOWN, all missing ones listed), then stored, tagged and indexed for referrers.
 */
export async function putManifest(ctx: Ctx, deps: Deps, name: string, ref: Reference): Promise<void> {
  const limit = deps.maxManifestBytes;
  const bytes = await readBody(ctx, limit, () => new RegistryError('MANIFEST_INVALID', `manifest is larger than the registry's limit of ${limit} bytes`, { status: 413, detail: { limit } }));
  const d = digestOf(bytes, ctx, ref);
  const doc = parseManifest(bytes);
  const mediaType = mediaTypeOf(doc, header(ctx, 'content-type'));
  const tags = tagsToSet(ctx, ref);
  const subject = tryParseDigest((doc.subject as { digest?: unknown } | undefined)?.digest);
  await deps.commitLock.withShared(async () => {
    await verifyReferences(deps, name, doc);
    await deps.store.putManifest(name, d, bytes, mediaType);
    for (const tag of tags) await deps.store.setTag(name, tag, d);
    if (subject) await deps.store.addReferrer(name, subject, d, referrerDescriptor(doc, mediaType, d.value, bytes.length));
    deps.noteReferenced([d.value, ...referencedBlobs(doc).map((r) => r.digest), ...referencedManifests(doc).map((r) => r.digest)]);
  });
  await deps.notify({ action: 'put', name, digest: d.value, mediaType, tags, manifest: doc });
  const headers: Record<string, string> = { Location: `/v2/${name}/manifests/${d.value}`, 'Docker-Content-Digest': d.value };
  if (subject) headers['OCI-Subject'] = subject.value;
  if ('digest' in ref && tags.length > 0) headers['OCI-Tag'] = tags.join(', ');
  send(ctx, 201, headers);
}

function digestOf(bytes: Buffer, ctx: Ctx, ref: Reference): Digest {
  const wanted = [ctx.query.get('digest') ? parseDigest(ctx.query.get('digest')!) : undefined, 'digest' in ref ? ref.digest : undefined].filter((x): x is Digest => Boolean(x));
  const algorithm: DigestAlgorithm = wanted[0]?.algorithm ?? 'sha256';
  const d = parseDigest(`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`);
  for (const w of wanted) {
    if (w.value !== d.value) throw new RegistryError('DIGEST_INVALID', `manifest bytes have digest ${d.value}, not ${w.value}`, { detail: { expected: w.value, actual: d.value } });
  }
  return d;
}

function parseManifest(bytes: Buffer): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new RegistryError('MANIFEST_INVALID', `manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RegistryError('MANIFEST_INVALID', 'manifest must be a JSON object');
  return doc as Record<string, unknown>;
}

/** The media type to store: the document's `mediaType`, which must agree with Content-Type when both are set. */
function mediaTypeOf(doc: Record<string, unknown>, contentType: string | undefined): string {
  const declared = contentType?.split(';')[0].trim() || undefined;
  const field = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (field && declared && field !== declared) {
    throw new RegistryError('MANIFEST_INVALID', `Content-Type "${declared}" does not match the manifest's mediaType "${field}"; send Content-Type: ${field}`);
  }
  return field ?? declared ?? (Array.isArray(doc.manifests) ? INDEX : 'application/vnd.oci.image.manifest.v1+json');
}

function tagsToSet(ctx: Ctx, ref: Reference): string[] {
  if ('tag' in ref) return [ref.tag];
  const tags = ctx.query.getAll('tag');
  const bad = tags.find((t) => !isValidTag(t));
  if (bad !== undefined) throw new RegistryError('MANIFEST_INVALID', `invalid tag "${bad.slice(0, 80)}"`, { detail: { tag: bad.slice(0, 80) } });
  return tags;
}

/** Throws MANIFEST_BLOB_UNKNOWN listing every referenced blob or child manifest the repository lacks. */
async function verifyReferences(deps: Deps, name: string, doc: Record<string, unknown>): Promise<void> {
  const missing: string[] = [];
  const wrongSize: string[] = [];
  for (const ref of referencedBlobs(doc)) {
    const size = await deps.store.repoBlobSize(name, parseDigest(ref.digest));
    if (size === undefined) missing.push(ref.digest);
    else if (ref.size !== undefined && ref.size !== size) wrongSize.push(`${ref.digest} (descriptor ${ref.size}, stored ${size})`);
  }
  for (const ref of referencedManifests(doc)) {
    const meta = await deps.store.getManifestMeta(name, parseDigest(ref.digest));
    if (!meta) missing.push(ref.digest);
    else if (ref.size !== undefined && ref.size !== meta.size) wrongSize.push(`${ref.digest} (descriptor ${ref.size}, stored ${meta.size})`);
  }
  if (missing.length > 0) {
    throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest references ${missing.length} blob(s) or manifest(s) not in repository "${name}", first ${missing[0]}; push them first`, { detail: { missing } });
  }
  if (wrongSize.length > 0) throw new RegistryError('MANIFEST_INVALID', `descriptor sizes do not match stored content: ${wrongSize.join(', ')}`, { detail: { wrongSize } });
}

/** DELETE by digest removes the manifest, its tags and its referrers entry; by tag removes only the tag (202). */
export async function deleteManifest(ctx: Ctx, deps: Deps, name: string, ref: Reference): Promise<void> {
  if ('tag' in ref) {
    if (!(await deps.store.deleteTag(name, ref.tag))) throw manifestUnknown(name, ref);
    await deps.notify({ action: 'delete', name, tags: [ref.tag] });
    return send(ctx, 202, {});
  }
  const d = ref.digest;
  const meta = await deps.store.getManifestMeta(name, d);
  if (!meta) throw manifestUnknown(name, ref);
  const doc = JSON.parse((await readFile(deps.store.blobPath(d))).toString('utf8')) as Record<string, unknown>;
  await deps.store.deleteManifest(name, d);
  const removed: string[] = [];
  for (const tag of await deps.store.listTags(name)) {
    if ((await deps.store.resolveTag(name, tag))?.value === d.value && (await deps.store.deleteTag(name, tag))) removed.push(tag);
  }
  const subject = tryParseDigest((doc.subject as { digest?: unknown } | undefined)?.digest);
  if (subject) await deps.store.removeReferrer(name, subject, d);
  await deps.notify({ action: 'delete', name, digest: d.value, tags: removed });
  send(ctx, 202, {});
}

/** GET tags/list?n=&last= with a `Link` to the next page. */
export async function listTags(ctx: Ctx, deps: Deps, name: string): Promise<void> {
  if (!(await deps.store.repoExists(name))) throw new RegistryError('NAME_UNKNOWN', `repository "${name}" does not exist`, { detail: { name } });
  const { page, link } = paginate(await deps.store.listTags(name), ctx, PAGE_MAX);
  sendJson(ctx, 200, { name, tags: page }, link ? { Link: link } : {});
}

/** GET _catalog?n=&last=. */
export async function listCatalog(ctx: Ctx, deps: Deps): Promise<void> {
  const { page, link } = paginate(await deps.store.listRepositories(), ctx, PAGE_MAX);
  sendJson(ctx, 200, { repositories: page }, link ? { Link: link } : {});
}

/** GET referrers/<digest>[?artifactType=]: an image index of manifests whose subject is <digest> (never 404). */
export async function listReferrers(ctx: Ctx, deps: Deps, name: string, subject: Digest): Promise<void> {
  const artifactType = ctx.query.get('artifactType');
  let manifests = await deps.store.listReferrers(name, subject);
  if (artifactType) manifests = manifests.filter((m) => m.artifactType === artifactType);
  const headers: Record<string, string> = { 'Content-Type': INDEX };
  if (artifactType) headers['OCI-Filters-Applied'] = 'artifactType';
  send(ctx, 200, headers, JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests }));
}
