import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';

/** The four buckets of `violet verify` (product document, 上架软件包 › violet verify). */
export type VerifyOutcome = 'gpg' | 'checksum' | 'failed' | 'none';

export interface VerifyResult {
  file: string;
  outcome: VerifyOutcome;
  /** Why it failed, or which key/algorithm verified it. */
  detail: string;
}

const CHECKSUM_ALGORITHMS = [
  { ext: '.sha256', alg: 'sha256' },
  { ext: '.sha512', alg: 'sha512' },
  { ext: '.md5', alg: 'md5' },
] as const;

/**
 * Verifies one package by its side files: `<pkg>.sig` (OpenPGP detached signature, armored or binary)
 * against the keyring, else `<pkg>.sha256|.sha512|.md5`; neither → "none".
 */
export async function verifyPackage(file: string, keyring: openpgp.PublicKey[] | undefined): Promise<VerifyResult> {
  if (existsSync(`${file}.sig`)) return verifySignature(file, keyring);
  for (const { ext, alg } of CHECKSUM_ALGORITHMS) {
    if (existsSync(`${file}${ext}`)) return verifyChecksum(file, `${file}${ext}`, alg);
  }
  return { file, outcome: 'none', detail: 'no .sig, .sha256, .sha512 or .md5 file next to it' };
}

async function verifyChecksum(file: string, sumFile: string, alg: string): Promise<VerifyResult> {
  const expected = parseChecksumFile(await readFile(sumFile, 'utf8'), basename(file));
  if (!expected) return { file, outcome: 'failed', detail: `${basename(sumFile)} has no ${alg} checksum for ${basename(file)}` };
  const actual = await hashFile(file, alg);
  return actual === expected.toLowerCase() ? { file, outcome: 'checksum', detail: alg } : { file, outcome: 'failed', detail: `${alg} mismatch: expected ${expected}, got ${actual}` };
}

/** `sha256sum` format (`<hex>  <name>` or `<hex> *<name>`, several lines) or a bare hex digest. */
export function parseChecksumFile(text: string, name: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const m = /^([a-fA-F0-9]{32,128})(?:\s+\*?(.+))?$/.exec(line);
    if (m && (!m[2] || basename(m[2]) === name)) return m[1];
  }
  return undefined;
}

function hashFile(file: string, alg: string): Promise<string> {
  return new Promise((res, rej) => {
    const hash = createHash(alg);
    createReadStream(file, { highWaterMark: 1 << 20 }).on('data', (c) => hash.update(c)).on('error', rej).on('end', () => res(hash.digest('hex')));
  });
}

async function verifySignature(file: string, keyring: openpgp.PublicKey[] | undefined): Promise<VerifyResult> {
  if (!keyring?.length) return { file, outcome: 'failed', detail: 'a .sig file exists but no GPG public keyring is configured: pass --keyring FILE (an exported public key: gpg --export --armor KEYID > FILE) or set keyring in ~/.violet/config.yaml' };
  try {
    const raw = await readFile(`${file}.sig`);
    const signature = raw.toString('utf8').includes('-----BEGIN PGP SIGNATURE-----') ? await openpgp.readSignature({ armoredSignature: raw.toString('utf8') }) : await openpgp.readSignature({ binarySignature: raw });
    const message = await openpgp.createMessage({ binary: Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array> });
    const result = await openpgp.verify({ message, signature, verificationKeys: keyring, format: 'binary' });
    const sig = result.signatures[0];
    // The signature resolves only once the message stream has been read to the end.
    const reader = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
    while (!(await reader.read()).done);
    await sig.verified;
    return { file, outcome: 'gpg', detail: `key ${sig.keyID.toHex().toUpperCase()}` };
  } catch (err) {
    return { file, outcome: 'failed', detail: `GPG signature check failed: ${(err as Error).message}` };
  }
}

/** Reads public keys from an armored or binary export (one or more keys). */
export async function loadKeyring(path: string): Promise<openpgp.PublicKey[]> {
  const raw = await readFile(path);
  const text = raw.toString('utf8');
  try {
    if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return await openpgp.readKeys({ armoredKeys: text });
    return await openpgp.readKeys({ binaryKeys: raw });
  } catch (err) {
    throw new Error(`cannot read GPG keyring ${path}: ${(err as Error).message}. Export the public key with: gpg --export --armor KEYID > ${basename(path)}`);
  }
}

/** The summary exactly as the product document shows it. */
export function formatVerifySummary(root: string, results: VerifyResult[]): string {
  const bucket = (outcome: VerifyOutcome, title: string) => {
    const files = results.filter((r) => r.outcome === outcome).map((r) => `  - ${r.file}`);
    return [`${title}: ${files.length} file(s)`, ...files].join('\n');
  };
  return [
    `verify path: ${root}`,
    '===== Verification Summary =====',
    bucket('gpg', 'Verified successfully with GPG'),
    '',
    bucket('checksum', 'Verified successfully with checksum'),
    '',
    bucket('failed', 'Verification failed'),
    '',
    bucket('none', 'No verification file found'),
  ].join('\n');
}
