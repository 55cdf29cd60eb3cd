import assert from 'node:assert/strict';
import { StorageError } from './types.ts';
import type { Storage, StorageErrorCode } from './types.ts';

/** Opens a fresh, empty store for one test. */
export type OpenStorage = () => Promise<Storage>;

/** Runs `body` against a fresh store and always closes it. */
export async function withStorage(open: OpenStorage, body: (storage: Storage) => Promise<void>): Promise<void> {
  const storage = await open();
  try {
    await body(storage);
  } finally {
    await storage.close();
  }
}

/** An assert.rejects predicate: a StorageError with this code (and these fields). */
export function storageError(code: StorageErrorCode, fields: Partial<Pick<StorageError, 'revision' | 'current'>> = {}) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof StorageError, `expected a StorageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if ('revision' in fields) assert.equal(error.revision, fields.revision);
    if ('current' in fields) assert.deepEqual(error.current, fields.current);
    return true;
  };
}
