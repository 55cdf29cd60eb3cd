import { crc32 } from 'node:zlib';

/**
 * The gzip building blocks of an indexed package (see docs/package-format.md, "Random access"): a package
 * is a concatenation of gzip members, which every gunzip reads as one stream. Blobs that do not compress
 * are written as members of *stored* deflate blocks, so a reader at a known offset finds the raw bytes
 * behind 5-byte block headers; a 45-byte empty member at the end carries the offset of the blob table in
 * its FEXTRA field (the trick eStargz uses for its TOC).
 */

/** `1f 8b`, deflate, no flags, mtime 0, no extra flags, OS unknown. */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** A stored deflate block holds at most this many bytes. */
export const STORED_BLOCK_MAX = 0xffff;
const STORED_BLOCK_HEADER = 5;

export const FOOTER_BYTES = 45;
const FOOTER_SUBFIELD = 'VP';

/** Size of a stored member holding `payload` bytes: header, one 5-byte header per block, CRC32 + ISIZE. */
export function storedMemberBytes(payload: number): number {
  const blocks = Math.max(1, Math.ceil(payload / STORED_BLOCK_MAX));
  return GZIP_HEADER.length + blocks * STORED_BLOCK_HEADER + payload + 8;
}

/**
 * Frames a payload of known total length as stored deflate blocks. `push` takes the payload in pieces of
 * any size and returns the buffers to write (block headers between views of the pieces; nothing copied).
 */
export class StoredMemberFramer {
  private readonly total: number;
  private written = 0;
  /** Payload bytes still to come in the current block. */
  private blockLeft = 0;
  private crc = 0;

  constructor(total: number) {
    this.total = total;
  }

  start(): Buffer[] {
    return this.total === 0 ? [GZIP_HEADER, blockHeader(0, true)] : [GZIP_HEADER];
  }

  push(piece: Buffer): Buffer[] {
    if (this.written + piece.length > this.total) throw new Error(`stored member overflow: ${this.written + piece.length} > ${this.total} bytes`);
    this.crc = crc32(piece, this.crc);
    const out: Buffer[] = [];
    let rest = piece;
    while (rest.length) {
      if (this.blockLeft === 0) {
        this.blockLeft = Math.min(STORED_BLOCK_MAX, this.total - this.written);
        out.push(blockHeader(this.blockLeft, this.written + this.blockLeft === this.total));
      }
      const take = Math.min(this.blockLeft, rest.length);
      out.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      this.blockLeft -= take;
      this.written += take;
    }
    return out;
  }

  finish(): Buffer[] {
    if (this.written !== this.total) throw new Error(`stored member short: ${this.written} of ${this.total} bytes`);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.total % 2 ** 32, 4);
    return [trailer];
  }
}

function blockHeader(length: number, final: boolean): Buffer {
  const h = Buffer.alloc(STORED_BLOCK_HEADER);
  h[0] = final ? 1 : 0;
  h.writeUInt16LE(length, 1);
  h.writeUInt16LE(~length & 0xffff, 3);
  return h;
}

/** The closing empty member: FEXTRA subfield `VP` with the blob table member's offset as 16 hex digits. */
export function footer(tableOffset: number): Buffer {
  const f = Buffer.alloc(FOOTER_BYTES);
  Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0x00, 0xff]).copy(f, 0);
  f.writeUInt16LE(20, 10);
  f.write(FOOTER_SUBFIELD, 12, 'latin1');
  f.writeUInt16LE(16, 14);
  f.write(tableOffset.toString(16).padStart(16, '0'), 16, 'latin1');
  blockHeader(0, true).copy(f, 32);
  // CRC32 and ISIZE of the empty payload are both 0 (already zero-filled).
  return f;
}

/** The blob table offset from a package's last 45 bytes, or undefined when the package has no footer. */
export function parseFooter(tail: Buffer): number | undefined {
  const expected = footer(0);
  if (tail.length !== FOOTER_BYTES || !tail.subarray(0, 16).equals(expected.subarray(0, 16)) || !tail.subarray(32).equals(expected.subarray(32))) return undefined;
  const digits = tail.subarray(16, 32).toString('latin1');
  if (!/^[0-9a-f]{16}$/.test(digits)) return undefined;
  const offset = Number.parseInt(digits, 16);
  return Number.isSafeInteger(offset) ? offset : undefined;
}

/**
 * Turns the raw bytes of a stored member (read in pieces of any size) back into its payload. Refuses
 * anything that is not our own framing: another gzip header, compressed blocks, a bad LEN/NLEN pair.
 */
export class StoredMemberReader {
  private state: 'header' | 'block' | 'payload' | 'done' = 'header';
  private pending = Buffer.alloc(0);
  private blockLeft = 0;
  private final = false;

  /** Payload bytes contained in `chunk`, compacted in place (the returned view shares chunk's memory). */
  push(chunk: Buffer): Buffer {
    let read = 0;
    let write = 0;
    while (read < chunk.length && this.state !== 'done') {
      if (this.state === 'payload') {
        const take = Math.min(this.blockLeft, chunk.length - read);
        if (write !== read) chunk.copy(chunk, write, read, read + take);
        write += take;
        read += take;
        this.blockLeft -= take;
        if (this.blockLeft === 0) this.state = this.final ? 'done' : 'block';
        continue;
      }
      const need = this.state === 'header' ? GZIP_HEADER.length : STORED_BLOCK_HEADER;
      const take = Math.min(need - this.pending.length, chunk.length - read);
      this.pending = Buffer.concat([this.pending, chunk.subarray(read, read + take)]);
      read += take;
      if (this.pending.length === need) this.parseHeader(this.pending);
    }
    return chunk.subarray(0, write);
  }

  get done(): boolean {
    return this.state === 'done';
  }

  private parseHeader(h: Buffer): void {
    this.pending = Buffer.alloc(0);
    if (this.state === 'header') {
      if (!h.equals(GZIP_HEADER)) throw new Error('a stored blob member does not start with the expected gzip header');
      this.state = 'block';
      return;
    }
    if (h[0] > 1) throw new Error('a stored blob member contains a compressed deflate block');
    const length = h.readUInt16LE(1);
    if ((~length & 0xffff) !== h.readUInt16LE(3)) throw new Error('a stored deflate block has a corrupt length');
    this.final = h[0] === 1;
    this.blockLeft = length;
    this.state = length === 0 ? (this.final ? 'done' : 'block') : 'payload';
  }
}
