import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { runStorageConformance } from './conformance.ts';
import { openSqliteStorage } from './sqlite.ts';

let directory = '';
let databases = 0;
const nextDatabasePath = (): string => join(directory, `state-${++databases}.db`);

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'marketplace-storage-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

runStorageConformance('sqlite', async () => openSqliteStorage(nextDatabasePath()));

describe('sqlite storage on disk', () => {
  it('continues revisions, data and the compacted revision after reopen', async () => {
    const path = nextDatabasePath();
    const first = openSqliteStorage(path);
    await first.create('/a', 'one');
    await first.create('/b', 'two');
    await first.update('/a', 'three');
    await first.compact(2);
    await first.close();

    const second = openSqliteStorage(path);
    assert.equal(await second.currentRevision(), 3);
    assert.equal(await second.compactedRevision(), 2);
    assert.deepEqual(await second.get('/a'), { key: '/a', value: 'three', createRevision: 1, modRevision: 3 });
    assert.deepEqual(await second.create('/c', 'four'), { key: '/c', value: 'four', createRevision: 4, modRevision: 4 });
    await second.close();
  });

  it('keeps the revision when compaction removed every row', async () => {
    const path = nextDatabasePath();
    const first = openSqliteStorage(path);
    await first.create('/a', 'one');
    await first.delete('/a');
    await first.compact(2);
    await first.close();

    const second = openSqliteStorage(path);
    assert.equal(await second.currentRevision(), 2);
    assert.deepEqual(await second.create('/a', 'again'), { key: '/a', value: 'again', createRevision: 3, modRevision: 3 });
    await second.close();
  });

  it('replays history written before a reopen to a new watcher', async () => {
    const path = nextDatabasePath();
    const first = openSqliteStorage(path);
    await first.create('/w/a', 'one');
    await first.delete('/w/a');
    await first.close();

    const second = openSqliteStorage(path);
    const controller = new AbortController();
    const events: string[] = [];
    for await (const event of second.watch('/w/', { afterRevision: 0, signal: controller.signal })) {
      events.push(`${event.type} ${event.kv.key} @${event.kv.modRevision}`);
      if (events.length === 2) controller.abort();
    }
    assert.deepEqual(events, ['put /w/a @1', 'delete /w/a @2']);
    await second.close();
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', { timeout: 120_000 }, async () => {
    const path = nextDatabasePath();
    const acknowledged = await writeUntilKilled(path, 300);
    assert.ok(acknowledged.length >= 300, `only ${acknowledged.length} writes acknowledged`);

    const reopened = openSqliteStorage(path);
    const stored = new Set((await reopened.list('/kill/')).items.map((kv) => kv.key));
    const missing = acknowledged.filter((key) => !stored.has(key));
    assert.deepEqual(missing, []);
    assert.ok((await reopened.currentRevision()) >= acknowledged.length);
    await reopened.close();
  });
});

/**
 * Runs a child that creates keys forever, printing each key once its create resolved, and kills it
 * with SIGKILL after `atLeast` acknowledgements. Returns every key the child acknowledged.
 */
async function writeUntilKilled(path: string, atLeast: number): Promise<string[]> {
  const moduleUrl = new URL('./sqlite.ts', import.meta.url).href;
  const script = `
    import { openSqliteStorage } from ${JSON.stringify(moduleUrl)};
    const storage = openSqliteStorage(${JSON.stringify(path)});
    for (let n = 0; ; n++) {
      const key = '/kill/' + String(n).padStart(8, '0');
      await storage.create(key, JSON.stringify({ n, padding: 'x'.repeat(512) }));
      process.stdout.write(key + '\\n');
      // Yield so a full stdout pipe can drain: this loop otherwise never leaves the microtask queue.
      await new Promise((resolve) => setImmediate(resolve));
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const acknowledged: string[] = [];
  // A watchdog so a stuck child fails the test with a count instead of hanging until the test timeout.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
  for await (const line of createInterface({ input: child.stdout })) {
    acknowledged.push(line);
    if (acknowledged.length === atLeast) child.kill('SIGKILL');
  }
  clearTimeout(watchdog);
  assert.equal(await exited, 'SIGKILL');
  return acknowledged;
}
