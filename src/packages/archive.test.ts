import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { FOOTER_BYTES, StoredMemberFramer, StoredMemberReader, footer, parseFooter, storedMemberBytes } from './gzip-members.ts';
import { openIndexedBlob, readBlobTable } from './blob-table.ts';
import type { IndexedPackage } from './blob-table.ts';
import { BLOB_TABLE_ENTRY } from './archive-writer.ts';
import { checkPackage, readPackageManifest } from './index.ts';
import { buildTestBundle } from './testing.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mp-archive-'));

async function bytesOf(pkg: IndexedPackage, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of openIndexedBlob(pkg, digest)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

test('stored members: framed in pieces of any size, any gunzip reads them, the reader gets the payload back', () => {
  for (const total of [0, 1, 65_535, 65_536, 300_001]) {
    const payload = randomBytes(total);
    const framer = new StoredMemberFramer(total);
    const out = [...framer.start()];
    for (let at = 0; at < total; ) {
      const piece = payload.subarray(at, at + 1 + Math.floor(Math.random() * 90_000));
      out.push(...framer.push(piece));
      at += piece.length;
    }
    out.push(...framer.finish());
    const member = Buffer.concat(out);
    assert.equal(member.length, storedMemberBytes(total), `size of ${total}`);
    assert.deepEqual(gunzipSync(member), payload, 'zlib checks CRC32 and ISIZE');
    const reader = new StoredMemberReader();
    const back: Buffer[] = [];
    for (let at = 0; at < member.length; at += 7_777) back.push(Buffer.from(reader.push(Buffer.from(member.subarray(at, at + 7_777)))));
    assert.deepEqual(Buffer.concat(back), payload);
    assert.equal(reader.done, true);
  }
});

test('stored member reader refuses what we never write', () => {
  const compressed = gzipSync(randomBytes(1000).toString('hex'));
  assert.throws(() => new StoredMemberReader().push(compressed), /expected gzip header|compressed deflate block/);
  const member = Buffer.concat([...new StoredMemberFramer(10).start(), ...new StoredMemberFramer(10).push(Buffer.alloc(10))]);
  member[13] ^= 1; // NLEN no longer the complement of LEN
  assert.throws(() => new StoredMemberReader().push(member), /corrupt length/);
});

test('the footer is an empty gzip member that carries the blob table offset', () => {
  const f = footer(0x1234_5678_9a);
  assert.equal(f.length, FOOTER_BYTES);
  assert.equal(gunzipSync(f).length, 0);
  assert.equal(inflateRawSync(f.subarray(32, 37)).length, 0);
  assert.equal(parseFooter(f), 0x1234_5678_9a);
  assert.equal(parseFooter(gzipSync(Buffer.alloc(0)).subarray(0, 20)), undefined);
  const bad = Buffer.from(f);
  bad[20] = 0x5a; // not a hex digit
  assert.equal(parseFooter(bad), undefined);
});

test('a built package is one ordinary tar.gz (GNU tar, gzip -t) and also a blob table with every blob', async () => {
  const { file, manifest } = await buildTestBundle(undefined, 300 << 10);
  execFileSync('gzip', ['-t', file]);
  const listing = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(listing[0], 'manifest.json');
  assert.equal(listing.at(-1), BLOB_TABLE_ENTRY);
  assert.deepEqual(await checkPackage(file), manifest);
  const pkg = await readBlobTable(file);
  assert.ok(pkg);
  const all = new Set(manifest.images.flatMap((i) => (i.blobs ?? []).map((b) => b.digest)));
  assert.deepEqual(new Set(pkg.blobs.keys()), all);
  const encodings = new Set([...pkg.blobs.values()].map((e) => e.encoding));
  assert.deepEqual(encodings, new Set(['stored', 'deflate']), 'random layers are stored, JSON is deflated');
  for (const digest of all) assert.equal(`sha256:${createHash('sha256').update(await bytesOf(pkg, digest)).digest('hex')}`, digest);
});

test('packages without a blob table (older violets, plain tar.gz) are read sequentially', async () => {
  const { file } = await buildTestBundle();
  const plain = join(tmp(), 'plain.tgz');
  writeFileSync(plain, gzipSync(gunzipSync(readFileSync(file))));
  assert.equal(await readBlobTable(plain), undefined);
  assert.equal((await readPackageManifest(plain)).name, 'topolvm-operator');
  await checkPackage(plain);
});

/** Rewrites the blob table of `file` (keeping the footer format) with `edit` applied. */
async function withTable(file: string, edit: (table: { schemaVersion: number; blobs: Record<string, unknown>[] }) => void): Promise<string> {
  const bytes = readFileSync(file);
  const offset = parseFooter(bytes.subarray(bytes.length - FOOTER_BYTES))!;
  const tar = gunzipSync(bytes.subarray(offset, bytes.length - FOOTER_BYTES));
  const size = Number.parseInt(tar.subarray(124, 136).toString().replace(/\0.*$/s, ''), 8);
  const table = JSON.parse(tar.subarray(512, 512 + size).toString());
  edit(table);
  const json = Buffer.from(JSON.stringify(table));
  const header = Buffer.from(tar.subarray(0, 512));
  header.write(json.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('        ', 148);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const member = gzipSync(Buffer.concat([header, json, Buffer.alloc((512 - (json.length % 512)) % 512), Buffer.alloc(1024)]));
  const out = join(tmp(), 'edited.tgz');
  writeFileSync(out, Buffer.concat([bytes.subarray(0, offset), member, footer(offset)]));
  return out;
}

test('hostile blob tables are refused with the reason', async () => {
  const { file } = await buildTestBundle(undefined, 100 << 10);
  const cases: [string, (t: { blobs: Record<string, unknown>[] }) => void, RegExp][] = [
    ['offset past the table', (t) => void (t.blobs[0].offset = 1e12), /outside the archive or over another blob/],
    ['overlapping members', (t) => void (t.blobs[1].offset = t.blobs[0].offset), /outside the archive or over another blob/],
    ['a digest twice', (t) => void t.blobs.push({ ...t.blobs[0], offset: 0, length: 1 }), /outside the archive|twice/],
    ['not a digest', (t) => void (t.blobs[0].digest = '../../etc/passwd'), /malformed entry/],
    ['unknown encoding', (t) => void (t.blobs[0].encoding = 'lzma'), /malformed entry/],
  ];
  for (const [name, edit, error] of cases) await assert.rejects(readBlobTable(await withTable(file, edit)), error, name);
  // An entry that points at another blob's member: caught by the tar header inside the member.
  const pkg = (await readBlobTable(file))!;
  const [a, b] = [...pkg.blobs.values()].filter((e) => e.encoding === 'stored');
  const swapped = await withTable(file, (t) => {
    const ea = t.blobs.find((e) => e.digest === a.digest)!;
    const eb = t.blobs.find((e) => e.digest === b.digest)!;
    [ea.digest, eb.digest] = [eb.digest, ea.digest];
    [ea.size, eb.size] = [eb.size, ea.size];
  });
  await assert.rejects(bytesOf((await readBlobTable(swapped))!, a.digest), /points sha256:[a-f0-9]+ at "oci\/blobs\/sha256\//);
  // A member cut short by a truncated file.
  const cut = join(tmp(), 'cut.tgz');
  const whole = readFileSync(file);
  writeFileSync(cut, whole.subarray(0, a.offset + 1000));
  assert.equal(await readBlobTable(cut), undefined, 'no footer: the sequential reader reports the truncation');
  await assert.rejects(checkPackage(cut), /truncated or corrupt/);
});
