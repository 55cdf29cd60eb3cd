import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntime } from './datadir.ts';
import { fromStatus } from '../kube/index.ts';

/** A minimal JSON client for the platform's own CLI subcommands (admin token, platform CA). */
export async function platformRequest<T>(dataDir: string, method: string, path: string, body?: unknown): Promise<T> {
  const runtime = readRuntime(dataDir);
  const ca = readFileSync(join(dataDir, 'ca.crt'));
  const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = request(`${runtime.url}${path}`, { method, ca, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = text ? JSON.parse(text) : undefined;
        if ((res.statusCode ?? 500) >= 400) reject(fromStatus(json ?? {}, res.statusCode ?? 500));
        else resolve(json as T);
      });
    });
    req.on('error', (err) => reject(new Error(`cannot reach the platform at ${runtime.url}: ${err.message}. Is \`marketplace up\` running for this --data-dir?`)));
    req.end(payload);
  });
}
