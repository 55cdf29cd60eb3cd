/** In-process locks: a keyed mutex (one upload session at a time) and a shared/exclusive lock (GC sweep). */

/** Runs functions one at a time per key. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** True while some call for `key` is queued or running. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Runs `fn` after every earlier call for `key` has settled. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * Many shared holders (blob commits, manifest writes) or one exclusive holder (the GC sweep). Writers
 * queue behind a waiting exclusive request, so the sweep cannot starve under a steady push load.
 */
export class SharedLock {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; grant: () => void }[] = [];

  /** Runs `fn` while holding the lock shared. */
  async withShared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.shared--;
      this.wake();
    }
  }

  /** Runs `fn` while holding the lock exclusively. */
  async withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.exclusive = false;
      this.wake();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.canGrant(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ exclusive, grant: resolve }));
  }

  private canGrant(exclusive: boolean): boolean {
    return exclusive ? !this.exclusive && this.shared === 0 : !this.exclusive;
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.exclusive = true;
    else this.shared++;
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.canGrant(this.waiting[0].exclusive)) {
      const next = this.waiting.shift()!;
      this.take(next.exclusive);
      next.grant();
      if (next.exclusive) return;
    }
  }
}
