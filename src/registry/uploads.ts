/**
 * Blob upload sessions. Each session is `uploads/<uuid>/{info.json,data}`: bytes are appended to `data` as
 * they stream in and hashed on the way; the hash state lives in memory and is rebuilt from `data` after a
 * restart. Closing a session verifies the digest, fsyncs, and renames `data` into the blob store, so a
 * blob is never visible before its bytes are complete and verified (a kill -9 at any point leaves at most
 * an unfinished session, which resumes from its file size or is swept by GC).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChunks } from '../oci/index.ts';
import { RegistryError } from './errors.ts';
import { listDir, readIfExists, statIfExists, writeFileAtomic } from './fsutil.ts';
import { KeyedMutex } from './lock.ts';
import type { SharedLock } from './lock.ts';
import type { Digest, DigestAlgorithm } from './names.ts';
import { isValidUuid } from './names.ts';
import type { Store } from './store.ts';

/** Written but not yet fdatasync'ed bytes that start a background fdatasync. */
const BACKGROUND_SYNC_BYTES = 8 << 20;

interface SessionInfo {
  name: string;
  algorithm: DigestAlgorithm;
  startedAt: string;
}

interface HashState {
  algorithm: DigestAlgorithm;
  hash: Hash;
  offset: number;
}

/** Upload session manager over one store. */
export class Uploads {
  private readonly store: Store;
  private readonly commitLock: SharedLock;
  private readonly mutex = new KeyedMutex();
  private readonly hashes = new Map<string, HashState>();

  /** `commitLock` is held shared while a verified blob is moved into place (the GC sweep takes it exclusive). */
  constructor(store: Store, commitLock: SharedLock) {
    this.store = store;
    this.commitLock = commitLock;
  }

  private dir(uuid: string): string {
    return join(this.store.root, 'uploads', uuid);
  }

  private dataPath(uuid: string): string {
    return join(this.dir(uuid), 'data');
  }

  /** Starts a session for repository `name`; returns its id. */
  async start(name: string, algorithm: DigestAlgorithm = 'sha256'): Promise<string> {
    const uuid = randomUUID();
    await mkdir(this.dir(uuid), { recursive: true });
    await (await open(this.dataPath(uuid), 'w')).close();
    await writeFileAtomic(join(this.dir(uuid), 'info.json'), JSON.stringify({ name, algorithm, startedAt: new Date().toISOString() } satisfies SessionInfo));
    this.hashes.set(uuid, { algorithm, hash: createHash(algorithm), offset: 0 });
    return uuid;
  }

  /** Bytes received so far (waits for an in-flight chunk of the same session). */
  offset(name: string, uuid: string): Promise<number> {
    return this.mutex.run(uuid, async () => {
      await this.info(name, uuid);
      return (await stat(this.dataPath(uuid))).size;
    });
  }

  /**
   * Appends a chunk. `start`, when given (from Content-Range), must equal the current offset, else 416.
   * Returns the new offset. If the body breaks off, what arrived is kept and the error rethrown.
   */
  append(name: string, uuid: string, body: AsyncIterable<Buffer>, start?: number): Promise<number> {
    return this.mutex.run(uuid, async () => {
      const info = await this.info(name, uuid);
      return this.appendLocked(uuid, info.algorithm, body, start);
    });
  }

  /**
   * Closes a session: appends an optional final chunk, verifies `digest` over the whole upload, then moves
   * it into the blob store and links it into the repository. A mismatch deletes the session (DIGEST_INVALID).
   */
  finish(name: string, uuid: string, digest: Digest, body?: AsyncIterable<Buffer>, start?: number): Promise<void> {
    return this.mutex.run(uuid, async () => {
      const info = await this.info(name, uuid);
      if (body) await this.appendLocked(uuid, info.algorithm, body, start);
      const state = await this.hashState(uuid, digest.algorithm);
      const actual = state.hash.copy().digest('hex');
      if (actual !== digest.hex) {
        await this.remove(uuid);
        throw new RegistryError('DIGEST_INVALID', `uploaded content has digest ${digest.algorithm}:${actual}, not ${digest.value}; the upload was discarded, push it again`, { detail: { expected: digest.value, actual: `${digest.algorithm}:${actual}` } });
      }
      const fh = await open(this.dataPath(uuid), 'r+');
      await fh.sync().finally(() => fh.close());
      await this.commitLock.withShared(async () => {
        await this.store.commitBlob(this.dataPath(uuid), digest);
        await this.store.linkBlob(name, digest);
      });
      await this.remove(uuid);
    });
  }

  /** Cancels a session and deletes its bytes. */
  cancel(name: string, uuid: string): Promise<void> {
    return this.mutex.run(uuid, async () => {
      await this.info(name, uuid);
      await this.remove(uuid);
    });
  }

  /** Removes sessions idle for longer than `maxAgeMs` (by the data file's mtime); returns how many. */
  async removeStale(maxAgeMs: number, dryRun: boolean): Promise<number> {
    let removed = 0;
    for (const uuid of await listDir(join(this.store.root, 'uploads'))) {
      if (!isValidUuid(uuid) || this.mutex.isBusy(uuid)) continue;
      const st = (await statIfExists(this.dataPath(uuid))) ?? (await statIfExists(this.dir(uuid)));
      if (!st || Date.now() - st.mtimeMs <= maxAgeMs) continue;
      removed++;
      if (!dryRun) await this.mutex.run(uuid, () => this.remove(uuid));
    }
    return removed;
  }

  /** Forgets in-memory hash state (close). */
  clear(): void {
    this.hashes.clear();
  }

  private async info(name: string, uuid: string): Promise<SessionInfo> {
    const raw = await readIfExists(join(this.dir(uuid), 'info.json'));
    const info = raw ? (JSON.parse(raw.toString('utf8')) as SessionInfo) : undefined;
    if (!info || info.name !== name || !(await statIfExists(this.dataPath(uuid)))) {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload session ${uuid} does not exist in repository "${name}" (finished, cancelled or expired); start a new upload with POST /v2/${name}/blobs/uploads/`);
    }
    return info;
  }

  private async appendLocked(uuid: string, algorithm: DigestAlgorithm, body: AsyncIterable<Buffer>, start?: number): Promise<number> {
    const state = await this.hashState(uuid, algorithm);
    if (start !== undefined && start !== state.offset) {
      throw new RegistryError('RANGE_NOT_SATISFIABLE', `chunk starts at byte ${start} but the upload has ${state.offset} bytes; continue at ${state.offset} (GET the upload URL for its status)`, {
        headers: { Range: rangeHeader(state.offset), 'Docker-Upload-UUID': uuid },
        detail: { offset: state.offset },
      });
    }
    // The hash is updated only after a batch is on disk, so it always matches the file even if the body
    // breaks off; background fdatasync leaves the fsync of a finished blob only the tail to write.
    await writeChunks(() => open(this.dataPath(uuid), 'a'), body, {
      syncEveryBytes: BACKGROUND_SYNC_BYTES,
      onWritten: (parts, bytes) => {
        for (const part of parts) state.hash.update(part);
        state.offset += bytes;
      },
    });
    return state.offset;
  }

  /** The running hash of the session's bytes, rebuilt from disk after a restart or an algorithm change. */
  private async hashState(uuid: string, algorithm: DigestAlgorithm): Promise<HashState> {
    const size = (await stat(this.dataPath(uuid))).size;
    const known = this.hashes.get(uuid);
    if (known && known.algorithm === algorithm && known.offset === size) return known;
    const hash = createHash(algorithm);
    let offset = 0;
    if (size > 0) {
      for await (const chunk of createReadStream(this.dataPath(uuid), { start: 0, end: size - 1 })) {
        hash.update(chunk as Buffer);
        offset += (chunk as Buffer).length;
      }
    }
    const state = { algorithm, hash, offset };
    this.hashes.set(uuid, state);
    return state;
  }

  private async remove(uuid: string): Promise<void> {
    this.hashes.delete(uuid);
    await rm(this.dir(uuid), { recursive: true, force: true });
  }
}

/** The `Range` header of an upload with `offset` bytes: `0-<last byte>` (`0-0` when empty, as distribution does). */
export function rangeHeader(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}


