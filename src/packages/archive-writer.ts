import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip, deflateRawSync, gzipSync } from 'node:zlib';
import { writevAll } from '../oci/writev.ts';
import { StoredMemberFramer, footer } from './gzip-members.ts';
import { tarHeader } from './tar-writer.ts';

/** Where one blob sits in an indexed package (an entry of `oci/blob-table.json`). */
export interface BlobTableEntry {
  digest: string;
  /** Bytes of the blob itself. */
  size: number;
  /** File offset of the gzip member holding the blob's tar entry, and that member's length. */
  offset: number;
  length: number;
  /** `stored`: raw bytes behind stored-block headers; `deflate`: inflate the member. */
  encoding: 'stored' | 'deflate';
}

export interface BlobTable {
  schemaVersion: 1;
  blobs: BlobTableEntry[];
}

export const BLOB_TABLE_ENTRY = 'oci/blob-table.json';
const IO_BYTES = 1 << 20;
/** A blob is stored as is unless a deflate of its first bytes saves at least this fraction. */
const MIN_SAVING = 0.1;
const SAMPLE_BYTES = 256 * 1024;

/**
 * Writes an indexed package (docs/package-format.md): metadata entries in one gzip member, then one member
 * per blob (stored when it does not compress), then the blob table and a footer pointing at it. Every
 * gunzip sees one ordinary tar; violet seeks straight to each blob. Written to `<file>.partial`, renamed on
 * finish.
 */
export class PackageArchiveWriter {
  private readonly file: string;
  private readonly fh: FileHandle;
  private position = 0;
  private metadata: Buffer[] = [];
  private readonly table: BlobTableEntry[] = [];

  private constructor(file: string, fh: FileHandle) {
    this.file = file;
    this.fh = fh;
  }

  static async create(file: string): Promise<PackageArchiveWriter> {
    return new PackageArchiveWriter(file, await open(`${file}.partial`, 'w'));
  }

  /** A small entry (manifest.json, metadata); written with the next member. */
  addBuffer(path: string, data: Buffer): void {
    this.metadata.push(tarHeader(path, data.length, '0'), data, padding(data.length));
  }

  /** One blob as its own member; `mediaType` decides (with a sample) whether it is worth compressing. */
  async addBlob(path: string, digest: string, source: string, size: number, mediaType: string): Promise<void> {
    await this.flushMetadata();
    const offset = this.position;
    const encoding = (await worthCompressing(source, size, mediaType)) ? 'deflate' : 'stored';
    if (encoding === 'stored') await this.writeStored(path, source, size);
    else await this.writeDeflated(path, source, size);
    this.table.push({ digest, size, offset, length: this.position - offset, encoding });
  }

  async finish(): Promise<void> {
    await this.flushMetadata();
    const table: BlobTable = { schemaVersion: 1, blobs: this.table };
    const json = Buffer.from(JSON.stringify(table));
    const tableOffset = this.position;
    await this.write([gzipSync(Buffer.concat([tarHeader(BLOB_TABLE_ENTRY, json.length, '0'), json, padding(json.length), Buffer.alloc(1024)]))]);
    await this.write([footer(tableOffset)]);
    await this.fh.sync();
    await this.fh.close();
    await rename(`${this.file}.partial`, this.file);
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(`${this.file}.partial`).catch(() => undefined);
  }

  private async flushMetadata(): Promise<void> {
    if (!this.metadata.length) return;
    const member = gzipSync(Buffer.concat(this.metadata));
    this.metadata = [];
    await this.write([member]);
  }

  private async writeStored(path: string, source: string, size: number): Promise<void> {
    const framer = new StoredMemberFramer(512 + size + padding(size).length);
    await this.write([...framer.start(), ...framer.push(tarHeader(path, size, '0'))]);
    const input = await open(source, 'r');
    try {
      const buf = Buffer.allocUnsafe(IO_BYTES);
      for (let done = 0; done < size; ) {
        const { bytesRead } = await input.read(buf, 0, Math.min(IO_BYTES, size - done), done);
        if (bytesRead === 0) throw new Error(`${source} is shorter than its ${size} bytes`);
        await this.write(framer.push(buf.subarray(0, bytesRead)));
        done += bytesRead;
      }
    } finally {
      await input.close();
    }
    await this.write([...framer.push(padding(size)), ...framer.finish()]);
  }

  private async writeDeflated(path: string, source: string, size: number): Promise<void> {
    const entry = async function* () {
      yield tarHeader(path, size, '0');
      if (size > 0) yield* createReadStream(source, { highWaterMark: IO_BYTES, start: 0, end: size - 1 });
      yield padding(size);
    };
    await pipeline(entry, createGzip({ level: size > 4 * IO_BYTES ? 1 : 6, chunkSize: IO_BYTES }), async (out: AsyncIterable<Buffer>) => {
      for await (const chunk of out) await this.write([chunk]);
    });
  }

  private async write(buffers: Buffer[]): Promise<void> {
    for (let i = 0; i < buffers.length; i += 512) {
      const batch = buffers.slice(i, i + 512); // writev takes at most IOV_MAX (1024) buffers
      await writevAll(this.fh, batch);
      this.position += batch.reduce((n, b) => n + b.length, 0);
    }
  }
}

function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** Compressed layers (gzip, zstd, …) never are; others only when a sample deflates by at least 10 %. */
async function worthCompressing(source: string, size: number, mediaType: string): Promise<boolean> {
  if (/gzip|zstd|bzip2|xz|lz4/.test(mediaType)) return false;
  if (size < 4096) return true;
  const fh = await open(source, 'r');
  try {
    const sample = Buffer.allocUnsafe(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await fh.read(sample, 0, sample.length, 0);
    return deflateRawSync(sample.subarray(0, bytesRead), { level: 1 }).length <= bytesRead * (1 - MIN_SAVING);
  } finally {
    await fh.close();
  }
}
