/**
 * Uploaded charts on disk, under the platform data dir:
 *
 *   <root>/<repo>/<chart>/<version>/<digest>.tgz        the archive, named by its sha256
 *   <root>/<repo>/<chart>/<version>/<digest>.tgz.prov   its provenance file, when uploaded
 *   <root>/<repo>/<chart>/<version>/entry.json          the index entry — written last: the commit point
 *
 * Every file is written temp + fsync + rename. A version directory without entry.json (a crash mid-upload)
 * is ignored and cleaned on load; a forced overwrite writes the new digest's files, switches entry.json,
 * then removes the old files, so a reader never sees an entry whose archive is missing or different.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartEntry } from './types.ts';

export class ChartStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  private versionDir(repo: string, chart: string, version: string): string {
    return join(this.root, repo, chart, version);
  }

  /** Path of an uploaded archive (or its `.prov`). */
  archivePath(repo: string, entry: ChartEntry, prov = false): string {
    return join(this.versionDir(repo, entry.metadata.name, entry.metadata.version), `${entry.digest}.tgz${prov ? '.prov' : ''}`);
  }

  /** Writes archive (+ provenance) then the entry; removes the files of `previous` when the digest changed. */
  async save(repo: string, entry: ChartEntry, tgz: Buffer, prov: Buffer | undefined, previous?: ChartEntry): Promise<void> {
    const dir = this.versionDir(repo, entry.metadata.name, entry.metadata.version);
    await mkdir(dir, { recursive: true });
    await writeAtomic(this.archivePath(repo, entry), tgz);
    if (prov) await writeAtomic(this.archivePath(repo, entry, true), prov);
    else await rm(this.archivePath(repo, entry, true), { force: true });
    await writeAtomic(join(dir, 'entry.json'), Buffer.from(JSON.stringify(entry)));
    if (previous && previous.digest !== entry.digest) {
      await rm(this.archivePath(repo, previous), { force: true });
      await rm(this.archivePath(repo, previous, true), { force: true });
    }
  }

  /** Adds the provenance file of a stored version and records it in the entry. */
  async saveProvenance(repo: string, entry: ChartEntry, prov: Buffer): Promise<void> {
    await writeAtomic(this.archivePath(repo, entry, true), prov);
    await writeAtomic(join(this.versionDir(repo, entry.metadata.name, entry.metadata.version), 'entry.json'), Buffer.from(JSON.stringify(entry)));
  }

  /** Removes a version: the entry first (so a crash leaves only unreferenced files), then the directory. */
  async remove(repo: string, chart: string, version: string): Promise<void> {
    const dir = this.versionDir(repo, chart, version);
    await rm(join(dir, 'entry.json'), { force: true });
    await rm(dir, { recursive: true, force: true });
    await rmdir(join(this.root, repo, chart)).catch(() => undefined);
  }

  /** Every committed entry of every repository (and cleans uncommitted leftovers). */
  async load(): Promise<{ repo: string; entry: ChartEntry }[]> {
    const out: { repo: string; entry: ChartEntry }[] = [];
    for (const repo of await dirs(this.root)) {
      for (const chart of await dirs(join(this.root, repo))) {
        for (const version of await dirs(join(this.root, repo, chart))) {
          const dir = this.versionDir(repo, chart, version);
          const raw = await readFile(join(dir, 'entry.json'), 'utf8').catch(() => undefined);
          if (raw === undefined) await rm(dir, { recursive: true, force: true });
          else out.push({ repo, entry: JSON.parse(raw) as ChartEntry });
        }
      }
    }
    return out;
  }
}

async function dirs(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** temp + fsync + rename + fsync(dir). */
export async function writeAtomic(path: string, bytes: Buffer): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(temp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, path);
  const dir = await open(join(path, '..'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
