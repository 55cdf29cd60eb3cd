import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface TlsMaterial {
  caFile: string;
  ca: string;
  cert: string;
  key: string;
}

/**
 * The platform's own CA and serving certificate, generated into the data dir on first start.
 * The serving certificate is re-issued when the wanted SANs change (e.g. a new --tls-san).
 */
export async function ensureTls(dataDir: string, extraSans: string[] = []): Promise<TlsMaterial> {
  const paths = { caCert: join(dataDir, 'ca.crt'), caKey: join(dataDir, 'ca.key'), cert: join(dataDir, 'server.crt'), key: join(dataDir, 'server.key') };
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) await writeCA(paths.caCert, paths.caKey);
  const sans = wantedSans(extraSans);
  if (!existsSync(paths.cert) || !existsSync(paths.key) || !coversSans(readFileSync(paths.cert, 'utf8'), sans)) {
    await writeServing(paths, sans);
  }
  return { caFile: paths.caCert, ca: readFileSync(paths.caCert, 'utf8'), cert: readFileSync(paths.cert, 'utf8'), key: readFileSync(paths.key, 'utf8') };
}

function wantedSans(extra: string[]): string[] {
  return [...new Set(['127.0.0.1', '::1', 'localhost', hostname(), ...extra].filter(Boolean))];
}

async function writeCA(certPath: string, keyPath: string): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=marketplace-ca',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + TEN_YEARS_MS),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as CryptoKey)],
  });
  writeFileSync(keyPath, await pemKey(keys.privateKey as CryptoKey), { mode: 0o600 });
  writeFileSync(certPath, cert.toString('pem') + '\n');
}

async function writeServing(paths: { caCert: string; caKey: string; cert: string; key: string }, sans: string[]): Promise<void> {
  const ca = new x509.X509Certificate(readFileSync(paths.caCert, 'utf8'));
  const caKey = await importPemKey(readFileSync(paths.caKey, 'utf8'));
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const isIp = (s: string) => /^[\d.]+$/.test(s) || s.includes(':');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=marketplace',
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + TEN_YEARS_MS),
    signingKey: caKey,
    publicKey: keys.publicKey as CryptoKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans.map((s) => (isIp(s) ? { type: 'ip' as const, value: s } : { type: 'dns' as const, value: s }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  writeFileSync(paths.key, await pemKey(keys.privateKey as CryptoKey), { mode: 0o600 });
  writeFileSync(paths.cert, cert.toString('pem') + '\n');
}

function coversSans(pem: string, sans: string[]): boolean {
  const alt = new X509Certificate(pem).subjectAltName ?? '';
  return sans.every((s) => alt.includes(`:${s}`) || alt.includes(`:${expandIPv6(s)}`));
}

function expandIPv6(ip: string): string {
  return ip === '::1' ? '0:0:0:0:0:0:0:1' : ip;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

async function pemKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`;
}

async function importPemKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as Promise<CryptoKey>;
}
