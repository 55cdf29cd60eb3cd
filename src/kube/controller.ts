/**
 * A level-based controller loop (controller-runtime style): keys are queued, deduplicated, processed by
 * at most one worker at a time each (serial per object), retried with exponential backoff on errors, and
 * re-run after `requeueAfterMs` when asked. Reconcile reads the world; it never trusts the event.
 */

export type ReconcileResult = void | { requeueAfterMs: number };
export type Reconcile = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconcile;
  /** Workers; different keys run in parallel, one key never does. */
  concurrency?: number;
  /** First retry delay after an error (doubles per failure, capped at 30 s). */
  baseDelayMs?: number;
  onError?: (key: string, err: unknown) => void;
}

export interface Controller {
  enqueue(key: string): void;
  /** Resolves when the queue is empty and no key is being processed (tests, shutdown). */
  idle(): Promise<void>;
  start(signal: AbortSignal): void;
}

export function createController(opts: ControllerOptions): Controller {
  const queue: string[] = [];
  const queued = new Set<string>();
  const active = new Set<string>();
  const dirty = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let signal: AbortSignal | undefined;
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const enqueue = (key: string) => {
    if (active.has(key)) return void dirty.add(key);
    if (queued.has(key)) return;
    queued.add(key);
    queue.push(key);
    pump();
  };

  const due = new Map<string, number>();
  /** The earliest requeue wins: a long resync timer never holds back a shorter backoff or poll. */
  const later = (key: string, ms: number) => {
    const at = Date.now() + ms;
    const pending = timers.get(key);
    if (pending) {
      if ((due.get(key) ?? Infinity) <= at) return;
      clearTimeout(pending);
    }
    const t = setTimeout(() => {
      timers.delete(key);
      due.delete(key);
      enqueue(key);
    }, ms);
    t.unref?.();
    timers.set(key, t);
    due.set(key, at);
  };

  const pump = () => {
    if (!signal || signal.aborted) return;
    while (running < (opts.concurrency ?? 2) && queue.length) {
      const key = queue.shift()!;
      queued.delete(key);
      active.add(key);
      running++;
      void work(key);
    }
    if (running === 0 && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const work = async (key: string) => {
    try {
      const result = await opts.reconcile(key, signal!);
      failures.delete(key);
      if (result && result.requeueAfterMs >= 0) later(key, result.requeueAfterMs);
    } catch (err) {
      const n = (failures.get(key) ?? 0) + 1;
      failures.set(key, n);
      opts.onError?.(key, err);
      later(key, Math.min((opts.baseDelayMs ?? 100) * 2 ** (n - 1), 30_000));
    } finally {
      active.delete(key);
      running--;
      if (dirty.delete(key)) enqueue(key);
      pump();
    }
  };

  return {
    enqueue,
    idle: () => new Promise<void>((resolve) => {
      if (running === 0 && queue.length === 0) resolve();
      else idleWaiters.push(resolve);
    }),
    start(s: AbortSignal) {
      signal = s;
      s.addEventListener('abort', () => {
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
        due.clear();
      }, { once: true });
      pump();
    },
  };
}

/** `namespace/name` (or `name` for cluster-scoped objects), the key controllers queue. */
export function objectKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
