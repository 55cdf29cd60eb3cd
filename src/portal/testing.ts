import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CATALOGUE_FILE } from './catalogue.ts';

/** Test and benchmark helpers: stores of random files with sha256 side files, and catalogues. */

/** Writes `size` random bytes to `<dir>/<name>` and its `sha256sum`-format side file; returns the hex digest. */
export async function writeRandomFile(dir: string, name: string, size: number, withSidecar = true): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(join(dir, name));
  const chunk = 4 << 20;
  for (let written = 0; written < size; written += chunk) {
    const buf = randomBytes(Math.min(chunk, size - written));
    hash.update(buf);
    if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const hex = hash.digest('hex');
  if (withSidecar) writeFileSync(join(dir, `${name}.sha256`), `${hex}  ${name}\n`);
  return hex;
}

/** Writes `<dir>/catalogue.yaml` from a plain object (docs/portal-catalogue.md). */
export function writeCatalogue(dir: string, catalogue: unknown): void {
  writeFileSync(join(dir, CATALOGUE_FILE), stringify(catalogue));
}

/** A catalogue publishing each file as its own app `app-<i>` (version v1.0.0, every arch, platform v4.1). */
export function flatCatalogue(files: string[]): unknown {
  return {
    platformVersions: ['v4.1.0'],
    apps: files.map((f, i) => ({ id: `app-${i + 1}`, name: `App ${i + 1}`, versions: [{ version: 'v1.0.0', platformVersions: ['v4.1'], packages: { ALL: f } }] })),
    scenarios: [{ id: 'all', name: 'All', description: 'every app', platformVersions: ['v4.1'], apps: files.map((_, i) => ({ appID: `app-${i + 1}` })) }],
  };
}

/** A TCP proxy in front of the portal that counts the bytes it relays to clients and can cut them off. */
export interface CuttingProxy {
  url: string;
  /** Bytes relayed from the portal to clients since start (or the last reset). */
  bytes(): number;
  reset(): void;
  /**
   * After `n` more relayed bytes, cut every open connection once; with `refuse`, also drop every new
   * connection until the next cutAfter call. undefined = do not cut.
   */
  cutAfter(n: number | undefined, opts?: { refuse?: boolean }): void;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const t = new URL(target);
  let relayed = 0;
  let budget: number | undefined;
  let refuse = false;
  let refusing = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(Number(t.port), t.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      const allowed = budget === undefined ? chunk.length : Math.max(0, Math.min(chunk.length, budget));
      if (allowed > 0) client.write(chunk.subarray(0, allowed));
      relayed += allowed;
      if (budget !== undefined) budget -= allowed;
      if (budget !== undefined && budget <= 0) {
        budget = undefined; // one cut: the next connection goes through unless refusing
        refusing = refuse;
        for (const s of sockets) s.destroy();
      }
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => relayed,
    reset: () => void (relayed = 0),
    cutAfter(n, opts = {}) {
      budget = n;
      refuse = !!opts.refuse;
      refusing = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
