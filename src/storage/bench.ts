/**
 * Storage micro-benchmark: create N objects, then list them several ways.
 * Run: node src/storage/bench.ts [count] [--full]. Prints wall and CPU milliseconds (CPU time is
 * the steadier number on a shared machine); asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStorage } from './memory.ts';
import { openSqliteStorage } from './sqlite.ts';
import type { Storage } from './types.ts';

const count = Number(process.argv[2] ?? 10_000);
const value = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { payload: 'x'.repeat(800) } });

async function measure(label: string, body: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await body();
  const wall = (performance.now() - start).toFixed(1);
  const { user, system } = process.cpuUsage(cpu);
  process.stdout.write(`  ${label.padEnd(44)} ${wall.padStart(8)} ms wall ${((user + system) / 1000).toFixed(1).padStart(8)} ms cpu\n`);
}

async function bench(name: string, storage: Storage): Promise<void> {
  process.stdout.write(`${name}, ${count} objects\n`);
  const prefix = '/registry/configmaps/default/';
  await measure(`create ${count}`, async () => {
    for (let n = 0; n < count; n++) await storage.create(`${prefix}cm-${String(n).padStart(6, '0')}`, value);
  });
  await measure('update 10% (history rows)', async () => {
    for (let n = 0; n < count; n += 10) await storage.update(`${prefix}cm-${String(n).padStart(6, '0')}`, value);
  });
  await storage.create('/registry/other/x', value);
  const latest = await storage.currentRevision();
  await measure(`list all at current revision`, () => storage.list(prefix));
  await measure(`list all at current revision (again)`, () => storage.list(prefix));
  await measure(`list all at revision - 1 (history path)`, () => storage.list(prefix, { revision: latest - 1 }));
  await measure('list first page of 500 (+ remaining)', () => storage.list(prefix, { limit: 500 }));
  await measure('list in pages of 500, current', async () => {
    let after: string | undefined;
    for (;;) {
      const page = await storage.list(prefix, { limit: 500, after });
      if (page.remaining === 0) break;
      after = page.items[page.items.length - 1].key;
    }
  });
  await measure('count', () => storage.count(prefix));
  await measure('compact to current', () => storage.compact(latest));
  await measure('list all after compaction', () => storage.list(prefix));
  await storage.close();
}

const directory = await mkdtemp(join(tmpdir(), 'marketplace-storage-bench-'));
try {
  await bench('memory', createMemoryStorage());
  await bench('sqlite (WAL, synchronous=NORMAL)', openSqliteStorage(join(directory, 'normal.db')));
  if (process.argv.includes('--full')) await bench('sqlite (WAL, synchronous=FULL)', openSqliteStorage(join(directory, 'full.db'), { synchronous: 'FULL' }));
} finally {
  await rm(directory, { recursive: true, force: true });
}
