import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { BlobTable, BlobTableEntry } from './archive-writer.ts';
import { BLOB_TABLE_ENTRY } from './archive-writer.ts';
import { FOOTER_BYTES, StoredMemberReader, parseFooter } from './gzip-members.ts';
import { LAYOUT_PREFIX } from './format.ts';
import { readUstarHeader } from './tar-writer.ts';
import { packageError } from './reader.ts';

/** An indexed package: where each blob's member is, so blobs are read in parallel, at their offsets. */
export interface IndexedPackage {
  file: string;
  blobs: Map<string, BlobTableEntry>;
}

const IO_BYTES = 1 << 20;
const MAX_TABLE_MEMBER = 16 * 1024 * 1024;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The blob table of a package, or undefined for a package without one (written by older violets, or by
 * hand): those are read sequentially. A table that is there but wrong is an error, never ignored.
 */
export async function readBlobTable(file: string): Promise<IndexedPackage | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < FOOTER_BYTES) return undefined;
    const tail = Buffer.alloc(FOOTER_BYTES);
    await fh.read(tail, 0, FOOTER_BYTES, size - FOOTER_BYTES);
    const tableOffset = parseFooter(tail);
    if (tableOffset === undefined) return undefined;
    const memberBytes = size - FOOTER_BYTES - tableOffset;
    if (memberBytes <= 0 || memberBytes > MAX_TABLE_MEMBER) throw packageError(file, `the blob table offset ${tableOffset} is outside the archive`);
    const member = Buffer.alloc(memberBytes);
    await fh.read(member, 0, memberBytes, tableOffset);
    const table = parseTable(file, member);
    return { file, blobs: validEntries(file, table, tableOffset) };
  } finally {
    await fh.close();
  }
}

function parseTable(file: string, member: Buffer): BlobTable {
  let tar: Buffer;
  try {
    tar = gunzipSync(member, { maxOutputLength: 4 * MAX_TABLE_MEMBER });
  } catch (err) {
    throw packageError(file, `the blob table is corrupt (${(err as Error).message})`);
  }
  const header = tar.subarray(0, 512);
  const { path, size } = readUstarHeader(header);
  if (path !== BLOB_TABLE_ENTRY || 512 + size > tar.length) throw packageError(file, `the member at the blob table offset holds "${path}", not ${BLOB_TABLE_ENTRY}`);
  try {
    return JSON.parse(tar.subarray(512, 512 + size).toString('utf8')) as BlobTable;
  } catch (err) {
    throw packageError(file, `${BLOB_TABLE_ENTRY} is not valid JSON (${(err as Error).message})`);
  }
}

function validEntries(file: string, table: BlobTable, tableOffset: number): Map<string, BlobTableEntry> {
  if (table?.schemaVersion !== 1 || !Array.isArray(table.blobs)) throw packageError(file, `${BLOB_TABLE_ENTRY} has an unknown schema`);
  const isCount = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  const blobs = new Map<string, BlobTableEntry>();
  let end = 0;
  for (const e of [...table.blobs].sort((a, b) => a.offset - b.offset)) {
    const ok = DIGEST.test(e?.digest) && isCount(e.size) && isCount(e.offset) && isCount(e.length) && (e.encoding === 'stored' || e.encoding === 'deflate');
    if (!ok) throw packageError(file, `${BLOB_TABLE_ENTRY} has a malformed entry ${JSON.stringify(e).slice(0, 200)}`);
    if (e.offset < end || e.offset + e.length > tableOffset) throw packageError(file, `${BLOB_TABLE_ENTRY} places ${e.digest} outside the archive or over another blob`);
    if (blobs.has(e.digest)) throw packageError(file, `${BLOB_TABLE_ENTRY} lists ${e.digest} twice`);
    end = e.offset + e.length;
    blobs.set(e.digest, { digest: e.digest, size: e.size, offset: e.offset, length: e.length, encoding: e.encoding });
  }
  return blobs;
}

/**
 * A blob's bytes, read from its member alone (a fresh stream per call, so uploads can retry). The tar
 * header in the member must name the blob and its size; the digest is for the consumer to check (a
 * registry refuses bytes that do not match).
 */
export function openIndexedBlob(pkg: IndexedPackage, digest: string): Readable {
  const entry = pkg.blobs.get(digest);
  if (!entry) throw packageError(pkg.file, `the blob table has no entry for ${digest}`);
  const payload = entry.encoding === 'stored' ? storedPayload(pkg.file, entry) : deflatedPayload(pkg.file, entry);
  return Readable.from(blobBytes(pkg.file, payload, entry), { objectMode: false });
}

async function* storedPayload(file: string, entry: BlobTableEntry): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    const reader = new StoredMemberReader();
    for (let pos = entry.offset, end = entry.offset + entry.length; pos < end && !reader.done; ) {
      const buf = Buffer.allocUnsafe(Math.min(IO_BYTES, end - pos));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let payload: Buffer;
      try {
        payload = reader.push(buf.subarray(0, bytesRead));
      } catch (err) {
        throw packageError(file, `blob ${entry.digest}: ${(err as Error).message}`);
      }
      if (payload.length) yield payload;
    }
  } finally {
    await fh.close();
  }
}

async function* deflatedPayload(file: string, entry: BlobTableEntry): AsyncGenerator<Buffer> {
  const raw = createReadStream(file, { start: entry.offset, end: entry.offset + entry.length - 1, highWaterMark: IO_BYTES });
  const gunzip = createGunzip({ chunkSize: IO_BYTES });
  raw.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of raw.pipe(gunzip) as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    throw packageError(file, `blob ${entry.digest}: ${(err as Error).message}`);
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}

/** Skips the member's tar header (checked against the table), yields exactly `size` bytes. */
async function* blobBytes(file: string, payload: AsyncGenerator<Buffer>, entry: BlobTableEntry): AsyncGenerator<Buffer> {
  let header = Buffer.alloc(0);
  let left = entry.size;
  for await (let chunk of payload) {
    if (header.length < 512) {
      const take = Math.min(512 - header.length, chunk.length);
      header = Buffer.concat([header, chunk.subarray(0, take)]);
      chunk = chunk.subarray(take);
      if (header.length === 512) checkHeader(file, header, entry);
    }
    if (left === 0) break;
    const out = chunk.subarray(0, Math.min(left, chunk.length));
    left -= out.length;
    if (out.length) yield out;
    if (left === 0) break;
  }
  if (header.length < 512 || left > 0) throw packageError(file, `blob ${entry.digest} is cut short (${entry.size - left} of ${entry.size} bytes); the archive is truncated or corrupt`);
}

function checkHeader(file: string, header: Buffer, entry: BlobTableEntry): void {
  const { path, size } = readUstarHeader(header);
  const expected = `${LAYOUT_PREFIX}blobs/${entry.digest.replace(':', '/')}`;
  if (path !== expected || size !== entry.size) throw packageError(file, `${BLOB_TABLE_ENTRY} points ${entry.digest} at "${path}" (${size} bytes), not ${expected} (${entry.size} bytes)`);
}
