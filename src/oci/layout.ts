import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, unlink, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertDigest, digestOf, isVerifying, OCI_MEDIA_TYPES } from './digest.ts';
import { OciError, toOciError } from './errors.ts';
import { writeChunks } from './writev.ts';
import { REF_NAME, type Descriptor } from './types.ts';

/** index.json of an OCI image layout. */
export interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** An OCI image layout directory (image-spec image-layout.md). Create with {@link openLayout}. */
export interface OciLayout {
  readonly dir: string;
  readIndex(): Promise<LayoutIndex>;
  /** The index.json entry named `tag` (ref.name), or the only entry when `tag` is omitted. */
  resolve(tag?: string): Promise<Descriptor>;
  hasBlob(digest: string, size?: number): Promise<boolean>;
  /** Reads and verifies a small blob (manifests, configs). */
  readBlob(digest: string, limit?: number): Promise<Buffer>;
  openBlob(digest: string): Readable;
  blobPath(digest: string): string;
  /** Streams into a temp file, verifies digest and size, renames into place; nothing partial is left on failure. */
  writeBlob(desc: Descriptor, source: Readable, opts?: { signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<'written' | 'skipped'>;
  writeBlobBytes(desc: Descriptor, bytes: Buffer): Promise<void>;
  /** Adds (or replaces) the index.json entry for `tag`. */
  tag(desc: Descriptor, tag?: string): Promise<void>;
}

/**
 * Opens (with `create`, initialises) an OCI layout.
 * @example
 * const layout = await openLayout('/tmp/out', { create: true });
 * const root = await layout.resolve('v1');
 */
export async function openLayout(dir: string, opts: { create?: boolean } = {}): Promise<OciLayout> {
  if (opts.create) {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }), { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.index, manifests: [] }), { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  const header = await readFile(join(dir, 'oci-layout'), 'utf8').catch(() => {
    throw new OciError('INVALID_LAYOUT', `${dir} is not an OCI image layout: oci-layout is missing`);
  });
  if ((JSON.parse(header) as { imageLayoutVersion?: string }).imageLayoutVersion !== '1.0.0') {
    throw new OciError('INVALID_LAYOUT', `${dir}: unsupported imageLayoutVersion in oci-layout`);
  }
  return createLayout(dir);
}

function createLayout(dir: string): OciLayout {
  let indexLock: Promise<unknown> = Promise.resolve();
  const blobPath = (digest: string) => {
    assertDigest(digest);
    const [alg, hex] = digest.split(':');
    return join(dir, 'blobs', alg, hex);
  };
  const readIndex = async (): Promise<LayoutIndex> => {
    const text = await readFile(join(dir, 'index.json'), 'utf8').catch(() => {
      throw new OciError('INVALID_LAYOUT', `${dir} is not an OCI image layout: index.json is missing`);
    });
    const index = JSON.parse(text) as LayoutIndex;
    if (!Array.isArray(index.manifests)) throw new OciError('INVALID_LAYOUT', `${dir}/index.json has no manifests array`);
    return index;
  };
  const layout: OciLayout = {
    dir,
    readIndex,
    blobPath,
    async resolve(tag) {
      const index = await readIndex();
      return resolveInIndex(index, tag, dir);
    },
    async hasBlob(digest, size) {
      const st = await stat(blobPath(digest)).catch(() => undefined);
      return !!st && (size === undefined || st.size === size);
    },
    async readBlob(digest, limit = 16 << 20) {
      const path = blobPath(digest);
      const st = await stat(path).catch(() => undefined);
      if (!st) throw new OciError('NOT_FOUND', `blob ${digest} is missing from layout ${dir}`);
      if (st.size > limit) throw new OciError('TOO_LARGE', `blob ${digest} in ${dir} is larger than ${limit} bytes`);
      const bytes = await readFile(path);
      const got = digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256');
      if (got !== digest) throw new OciError('DIGEST_MISMATCH', `blob ${digest} in layout ${dir} is corrupt (hashes to ${got})`);
      return bytes;
    },
    openBlob: (digest) => createReadStream(blobPath(digest)),
    async writeBlob(desc, source, o = {}) {
      if (await layout.hasBlob(desc.digest, desc.size)) {
        source.destroy();
        o.onProgress?.(desc.size);
        return 'skipped';
      }
      await atomicWrite(blobPath(desc.digest), async (tmp) => {
        // A registry blob stream already verifies its digest (and fails before it ends): count, don't re-hash.
        if (isVerifying(source, desc.digest)) return writeToFile(tmp, source, o.signal, sizeGuard(desc.digest, desc.size, o.onProgress));
        // Otherwise hash in the write loop (no Transform in between), and refuse before the rename.
        const hash = createHash(desc.digest.startsWith('sha512:') ? 'sha512' : 'sha256');
        const guard = sizeGuard(desc.digest, desc.size, o.onProgress);
        let seen = 0;
        await writeToFile(tmp, source, o.signal, (chunk) => {
          guard(chunk);
          hash.update(chunk);
          seen += chunk.length;
        });
        if (seen !== desc.size) throw new OciError('SIZE_MISMATCH', `content of ${desc.digest} has only ${seen} bytes, descriptor says ${desc.size}`);
        const got = `${desc.digest.slice(0, desc.digest.indexOf(':'))}:${hash.digest('hex')}`;
        if (got !== desc.digest) throw new OciError('DIGEST_MISMATCH', `content of ${desc.digest} is corrupt: it hashes to ${got}`);
      }, o.signal);
      return 'written';
    },
    async writeBlobBytes(desc, bytes) {
      const got = digestOf(bytes);
      if (got !== desc.digest) throw new OciError('DIGEST_MISMATCH', `refusing to store ${desc.digest}: content hashes to ${got}`);
      if (await layout.hasBlob(desc.digest, bytes.length)) return;
      await atomicWrite(blobPath(desc.digest), (tmp) => writeFile(tmp, bytes, { flag: 'wx' }));
    },
    tag(desc, tag) {
      const next = indexLock.then(async () => {
        const index = await readIndex();
        const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size, ...(desc.platform ? { platform: desc.platform } : {}) };
        if (tag) entry.annotations = { ...desc.annotations, [REF_NAME]: tag };
        index.manifests = index.manifests.filter((m) => (tag ? m.annotations?.[REF_NAME] !== tag : m.digest !== desc.digest));
        index.manifests.push(entry);
        await atomicWrite(join(dir, 'index.json'), (tmp) => writeFile(tmp, JSON.stringify(index), { flag: 'wx' }));
      });
      indexLock = next.catch(() => undefined);
      return next;
    },
  };
  return layout;
}

/** Picks the index.json entry for `tag` (ref.name), or the only one. */
export function resolveInIndex(index: LayoutIndex, tag: string | undefined, where: string): Descriptor {
  if (tag === undefined) {
    if (index.manifests.length === 1) return index.manifests[0];
    const tags = index.manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean);
    throw new OciError('INVALID_REFERENCE', `${where} holds ${index.manifests.length} images; name one of: ${tags.join(', ')}`);
  }
  const found = index.manifests.find((m) => m.annotations?.[REF_NAME] === tag || m.digest === tag);
  if (!found) throw new OciError('NOT_FOUND', `no image tagged "${tag}" in ${where} (index.json has ${index.manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest).join(', ') || 'nothing'})`);
  return found;
}

/** Writes through a unique temp file next to `path`, fsyncs, renames; removes the temp file on any failure. */
async function atomicWrite(path: string, write: (tmp: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.partial`;
  await mkdir(join(path, '..'), { recursive: true });
  try {
    await write(tmp);
    const fh = await open(tmp, 'r+');
    await fh.sync().finally(() => fh.close());
    if (signal?.aborted) throw toOciError(signal.reason, undefined, signal);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw signal?.aborted ? toOciError(signal.reason, undefined, signal) : err;
  }
}

/** Progress and size checks only (the bytes are verified upstream), called per chunk without a stream hop. */
function sizeGuard(digest: string, size: number, onBytes?: (n: number) => void): (chunk: Buffer) => void {
  let seen = 0;
  return (chunk) => {
    seen += chunk.length;
    if (seen > size) throw new OciError('SIZE_MISMATCH', `content of ${digest} has more than ${size} bytes`);
    onBytes?.(seen);
  };
}

const BACKGROUND_SYNC_BYTES = 8 << 20;

/** A stream into a new file (writeChunks: ~1 MiB writev batches, background fdatasync for atomicWrite's fsync). */
async function writeToFile(path: string, body: AsyncIterable<Buffer>, signal?: AbortSignal, onChunk?: (chunk: Buffer) => void): Promise<void> {
  await writeChunks(() => open(path, 'wx'), body, { onChunk, signal, syncEveryBytes: BACKGROUND_SYNC_BYTES });
}

