import { StorageError } from './types.ts';
import type { KeyValue } from './types.ts';

/**
 * Constructors for every StorageError the stores throw, so both implementations word them the
 * same way: what failed, on which key, and what the caller can do about it.
 */
export const storageErrors = {
  keyExists(key: string): StorageError {
    return new StorageError('KeyExists', `cannot create "${key}": the key already exists`);
  },
  keyNotFound(operation: 'update' | 'delete', key: string): StorageError {
    return new StorageError('KeyNotFound', `cannot ${operation} "${key}": the key does not exist`);
  },
  conflict(operation: 'update' | 'delete', key: string, expectedModRevision: number, current: KeyValue): StorageError {
    return new StorageError(
      'Conflict',
      `cannot ${operation} "${key}": expected modRevision ${expectedModRevision} but it is ${current.modRevision}; re-read the key and retry`,
      { current },
    );
  },
  compacted(requested: number, compacted: number): StorageError {
    return new StorageError(
      'Compacted',
      `revision ${requested} has been compacted (compacted revision is ${compacted}); re-list to get a newer revision`,
      { revision: compacted },
    );
  },
  futureRevision(requested: number, current: number): StorageError {
    return new StorageError('FutureRevision', `revision ${requested} is newer than the current revision ${current}`, { revision: current });
  },
  closed(): StorageError {
    return new StorageError('Closed', 'the storage has been closed');
  },
};

/** Throws when a read at `revision` cannot be answered: it is compacted or in the future. */
export function assertReadableRevision(revision: number, compacted: number, current: number): void {
  if (revision > current) throw storageErrors.futureRevision(revision, current);
  if (revision < compacted) throw storageErrors.compacted(revision, compacted);
}

/** etcd semantics: limit 0 (or none) means "no limit". */
export function effectiveLimit(limit: number | undefined): number {
  return limit !== undefined && limit > 0 ? Math.floor(limit) : Number.POSITIVE_INFINITY;
}
