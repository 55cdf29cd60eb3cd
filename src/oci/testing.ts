import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTls } from '../platform/tls.ts';
import { createRegistryClient } from './client.ts';

/** A docker-registry (CNCF distribution) child process on loopback, for tests and benchmarks. */
export interface TestRegistry {
  host: string;
  ca?: string;
  dir: string;
  stop(): Promise<void>;
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts /usr/bin/docker-registry with filesystem storage (deletes enabled), optionally TLS and htpasswd.
 * @example const reg = await startDockerRegistry({ tls: true, htpasswd: { username: 'u', password: 'p' } });
 */
export async function startDockerRegistry(opts: { tls?: boolean; htpasswd?: { username: string; password: string } } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-registry-'));
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`];
  let ca: string | undefined;
  if (opts.tls) {
    await mkdir(join(dir, 'tls'));
    const tls = await ensureTls(join(dir, 'tls'));
    await writeFile(join(dir, 'server.crt'), tls.cert);
    await writeFile(join(dir, 'server.key'), tls.key);
    ca = tls.ca;
    lines.push('  tls:', `    certificate: ${dir}/server.crt`, `    key: ${dir}/server.key`);
  }
  if (opts.htpasswd) {
    const entry = execFileSync('htpasswd', ['-Bbn', opts.htpasswd.username, opts.htpasswd.password], { encoding: 'utf8' });
    await writeFile(join(dir, 'htpasswd'), entry.trim() + '\n');
    lines.push('auth:', '  htpasswd:', '    realm: test-registry', `    path: ${dir}/htpasswd`);
  }
  await writeFile(join(dir, 'config.yml'), lines.join('\n') + '\n');
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const host = `127.0.0.1:${port}`;
  await waitReady(host, !opts.tls, ca, child, () => stderr);
  return {
    host,
    ca,
    dir,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(host: string, plain: boolean, ca: string | undefined, child: ChildProcess, log: () => string): Promise<void> {
  const client = createRegistryClient({ registry: host, plain, ca, retries: 0 });
  try {
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log()}`);
      try {
        await client.ping();
        return;
      } catch (err) {
        if ((err as { code?: string }).code === 'UNAUTHORIZED') return;
        await sleep(100);
      }
    }
    throw new Error(`docker-registry did not start: ${log()}`);
  } finally {
    client.close();
  }
}
