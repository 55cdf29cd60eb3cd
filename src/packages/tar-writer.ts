import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { constants, createGzip } from 'node:zlib';
import type { Gzip } from 'node:zlib';
import type { WriteStream } from 'node:fs';

/**
 * A minimal streaming ustar writer with gzip, so entries land in exactly the order we choose
 * (manifest.json first) without staging files. Written to `<file>.partial`, renamed on finish.
 */
export class TarGzWriter {
  private readonly file: string;
  private readonly gzip: Gzip;
  private readonly out: WriteStream;

  constructor(file: string) {
    this.file = file;
    this.gzip = createGzip({ level: 1, chunkSize: 1 << 20 });
    this.out = createWriteStream(`${file}.partial`);
    this.gzip.pipe(this.out);
  }

  async addBuffer(path: string, data: Buffer): Promise<void> {
    await this.write(tarHeader(path, data.length, '0'));
    await this.write(data);
    await this.pad(data.length);
  }

  /** `store`: content that is already compressed (gzip/zstd layers) goes in at level 0, which is far cheaper. */
  async addFile(path: string, source: string, opts: { store?: boolean } = {}): Promise<void> {
    const { size } = await stat(source);
    await this.write(tarHeader(path, size, '0'));
    if (opts.store) await this.level(constants.Z_NO_COMPRESSION);
    for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) await this.write(chunk as Buffer);
    await this.pad(size);
    if (opts.store) await this.level(1);
  }

  private level(level: number): Promise<void> {
    // zlib's deflateParams: switch the level between entries without starting a new gzip member.
    const gzip = this.gzip as unknown as { params(level: number, strategy: number, cb: (err?: Error | null) => void): void };
    return new Promise((resolve, reject) => gzip.params(level, constants.Z_DEFAULT_STRATEGY, (err) => (err ? reject(err) : resolve())));
  }

  /** Only tests need this: hostile archives with links. */
  async addLink(path: string, target: string, kind: 'symlink' | 'hardlink'): Promise<void> {
    await this.write(tarHeader(path, 0, kind === 'symlink' ? '2' : '1', target));
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(1024));
    this.gzip.end();
    await once(this.out, 'close');
    await rename(`${this.file}.partial`, this.file);
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await unlink(`${this.file}.partial`).catch(() => undefined);
  }

  private async pad(size: number): Promise<void> {
    const rest = (512 - (size % 512)) % 512;
    if (rest) await this.write(Buffer.alloc(rest));
  }

  private async write(buf: Buffer): Promise<void> {
    if (!this.gzip.write(buf)) await once(this.gzip, 'drain');
  }
}

/** An in-memory tar (for small layers and chart archives): deterministic, mtime 0. */
export function tarBuffer(files: { path: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(tarHeader(f.path, f.data.length, '0', '', 0), f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** What a 512-byte ustar header says (no pax/GNU extensions: those are for the `tar` package). */
export interface UstarHeader {
  path: string;
  /** NaN when the field is not octal. */
  size: number;
  /** The type flag: '0' or '\0' for a regular file. */
  type: string;
  checksumValid: boolean;
  /** All zeros: the end-of-archive marker. */
  empty: boolean;
}

export function readUstarHeader(header: Buffer): UstarHeader {
  const text = (from: number, length: number) => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '');
  const octal = (from: number, length: number) => Number.parseInt(text(from, length).trim() || 'NaN', 8);
  const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? text(345, 155) : '';
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return {
    path: prefix ? `${prefix}/${text(0, 100)}` : text(0, 100),
    size: octal(124, 12),
    type: String.fromCharCode(header[156]),
    checksumValid: sum === octal(148, 8),
    empty: header.every((b) => b === 0),
  };
}

/** ustar header; names over 100 bytes use the 155-byte prefix field. */
export function tarHeader(path: string, size: number, type: string, linkname = '', mtime = Math.floor(Date.now() / 1000)): Buffer {
  const h = Buffer.alloc(512);
  const [prefix, name] = splitName(path);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write(mtime.toString(8).padStart(11, '0') + '\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  const cut = path.lastIndexOf('/', 155);
  if (cut <= 0 || Buffer.byteLength(path.slice(cut + 1)) > 100) throw new Error(`path too long for a tar header: ${path}`);
  return [path.slice(0, cut), path.slice(cut + 1)];
}
