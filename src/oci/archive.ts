import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { HeaderData } from 'tar';
import { assertDigest, digestOf } from './digest.ts';
import { OciError } from './errors.ts';
import { resolveInIndex, type LayoutIndex } from './layout.ts';
import type { Descriptor } from './types.ts';

/** An OCI image layout inside an uncompressed `.tar`, read in place: nothing is extracted. */
export interface LayoutArchive {
  readonly path: string;
  readonly index: LayoutIndex;
  resolve(tag?: string): Descriptor;
  hasBlob(digest: string): boolean;
  /** Reads and verifies a small blob (manifests, configs). */
  readBlob(digest: string, limit?: number): Promise<Buffer>;
  /** A stream over the blob's bytes inside the archive (random access, so blobs can be read in parallel). */
  openBlob(digest: string, signal?: AbortSignal): Readable;
}

interface Entry {
  start: number;
  size: number;
}

const MAX_ENTRIES = 1_000_000;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Indexes a layout tar by reading only its headers (tar's Header/Pax parsers), then serves blobs by byte range.
 * Refuses absolute paths, `..`, links and devices. A single top-level directory (e.g. `layout/oci-layout`) is allowed.
 * @example
 * const archive = await openLayoutArchive('pkg/images.tar');
 * const root = archive.resolve('v1');
 */
export async function openLayoutArchive(path: string, opts: { signal?: AbortSignal } = {}): Promise<LayoutArchive> {
  const fh = await open(path, 'r');
  let entries: Map<string, Entry>;
  try {
    entries = await scan(fh, path, opts.signal);
  } finally {
    await fh.close();
  }
  const prefix = layoutPrefix(entries, path);
  const find = (name: string) => entries.get(prefix + name);
  const readRange = async (e: Entry) => {
    const h = await open(path, 'r');
    try {
      const buf = Buffer.alloc(e.size);
      await h.read(buf, 0, e.size, e.start);
      return buf;
    } finally {
      await h.close();
    }
  };
  const blobEntry = (digest: string) => {
    assertDigest(digest);
    const e = find(`blobs/${digest.replace(':', '/')}`);
    if (!e) throw new OciError('NOT_FOUND', `blob ${digest} is missing from ${path}`);
    return e;
  };
  const indexEntry = find('index.json');
  if (!indexEntry || indexEntry.size > 16 << 20) throw new OciError('INVALID_LAYOUT', `${path} holds no OCI layout index.json`);
  const index = JSON.parse((await readRange(indexEntry)).toString('utf8')) as LayoutIndex;
  if (!Array.isArray(index.manifests)) throw new OciError('INVALID_LAYOUT', `${path}: index.json has no manifests array`);
  return {
    path,
    index,
    resolve: (tag) => resolveInIndex(index, tag, path),
    hasBlob: (digest) => !!find(`blobs/${digest.replace(':', '/')}`),
    async readBlob(digest, limit = 16 << 20) {
      const e = blobEntry(digest);
      if (e.size > limit) throw new OciError('TOO_LARGE', `blob ${digest} in ${path} is larger than ${limit} bytes`);
      const bytes = await readRange(e);
      if (digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256') !== digest) throw new OciError('DIGEST_MISMATCH', `blob ${digest} in ${path} is corrupt`);
      return bytes;
    },
    openBlob(digest, signal) {
      const e = blobEntry(digest);
      return e.size === 0 ? createReadStream(path, { start: 1, end: 0, signal }) : createReadStream(path, { start: e.start, end: e.start + e.size - 1, signal });
    },
  };
}

async function scan(fh: FileHandle, path: string, signal?: AbortSignal): Promise<Map<string, Entry>> {
  const { Header, Pax } = await import('tar'); // loaded when needed: ~20 ms of start-up otherwise
  const entries = new Map<string, Entry>();
  const { size: fileSize } = await fh.stat();
  const block = Buffer.alloc(512);
  let ex: HeaderData | undefined;
  let gex: HeaderData | undefined;
  let pos = 0;
  for (let n = 0; n < MAX_ENTRIES && pos + 512 <= fileSize; n++) {
    if (signal?.aborted) throw new OciError('ABORTED', `reading ${path} was aborted`);
    await fh.read(block, 0, 512, pos);
    if (block.every((b) => b === 0)) break;
    const header = new Header(block, 0, ex, gex);
    if (!header.cksumValid) throw new OciError('INVALID_LAYOUT', `${path} is not a tar archive (bad header checksum at byte ${pos})`);
    const size = header.size ?? 0;
    const start = pos + 512;
    pos = start + Math.ceil(size / 512) * 512;
    if (pos > fileSize) throw new OciError('INVALID_LAYOUT', `${path} is truncated (entry ${header.path} ends past the end of the file)`);
    const type = header.type;
    if (type === 'ExtendedHeader' || type === 'GlobalExtendedHeader') {
      const pax = Pax.parse(await readText(fh, start, size), type === 'GlobalExtendedHeader' ? gex : ex, type === 'GlobalExtendedHeader');
      if (type === 'GlobalExtendedHeader') gex = pax;
      else ex = pax;
      continue;
    }
    if (type === 'NextFileHasLongPath' || type === 'OldGnuLongPath') {
      ex = { ...ex, path: (await readText(fh, start, size)).replace(/\0.*$/s, '') };
      continue;
    }
    ex = undefined;
    const name = safePath(header.path ?? '', path);
    if (type === 'Directory') continue;
    if (!FILE_TYPES.has(type)) throw new OciError('INVALID_LAYOUT', `${path}: entry "${name}" is a ${type}; links and special files are not allowed in a layout archive`);
    entries.set(name, { start, size });
  }
  return entries;
}

async function readText(fh: FileHandle, start: number, size: number): Promise<string> {
  const buf = Buffer.alloc(Math.min(size, 1 << 20));
  await fh.read(buf, 0, buf.length, start);
  return buf.toString('utf8');
}

/** Normalises an entry name; refuses absolute paths, drive letters, backslashes and `..`. */
export function safePath(name: string, archive: string): string {
  const bad = name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.split('/').includes('..');
  if (bad) throw new OciError('INVALID_LAYOUT', `${archive}: refusing unsafe entry path "${name}" (absolute or with '..')`);
  return posix.normalize(name).replace(/^(\.\/)+/, '').replace(/\/$/, '');
}

function layoutPrefix(entries: Map<string, Entry>, path: string): string {
  for (const name of entries.keys()) {
    if (name === 'oci-layout') return '';
    if (name.endsWith('/oci-layout') && name.split('/').length === 2) return name.slice(0, -'oci-layout'.length);
  }
  throw new OciError('INVALID_LAYOUT', `${path} holds no OCI image layout (no oci-layout file at the top or one directory down)`);
}
