import { storageErrors } from './errors.ts';
import type { WatchEvent, WatchOptions } from './types.ts';

/** In-process fan-out of committed writes to the watchers of one store. */
export interface WatchHub {
  /** Deliver one committed event to every watcher whose prefix matches its key. */
  publish(event: WatchEvent): void;
  /** Register a sink; returns the function that unregisters it. */
  subscribe(prefix: string, sink: EventSink): () => void;
  /** End every watcher (the store is closing). */
  close(): void;
}

/** Where a watcher receives live events. */
export interface EventSink {
  push(event: WatchEvent): void;
  end(): void;
}

/** What a store provides so {@link streamWatch} can replay its history before going live. */
export interface WatchSource {
  /**
   * Validates the start point (throws Closed / Compacted) and returns the current revision.
   * Called in the same synchronous turn as the hub subscription, so every write after that revision
   * reaches the watcher live and every write at or before it is found by {@link readEvents}.
   */
  beginWatch(afterRevision: number): number;
  /** The compacted revision now (replay pages check it, since compaction can run between pages). */
  compactedRevision(): number;
  /** Up to `limit` events under `prefix` with afterRevision < revision <= upTo, oldest first. */
  readEvents(prefix: string, afterRevision: number, upTo: number, limit: number): WatchEvent[];
}

const REPLAY_PAGE_SIZE = 1000;

/** Creates the event fan-out a store publishes to after each committed write. */
export function createWatchHub(): WatchHub {
  const watchers = new Map<EventSink, string>();
  return {
    publish(event) {
      for (const [sink, prefix] of watchers) {
        if (event.kv.key.startsWith(prefix)) sink.push(event);
      }
    },
    subscribe(prefix, sink) {
      watchers.set(sink, prefix);
      return () => watchers.delete(sink);
    },
    close() {
      for (const sink of [...watchers.keys()]) sink.end();
      watchers.clear();
    },
  };
}

/**
 * The watch stream shared by the stores: replays history after `afterRevision`, then live events.
 * Subscribing and reading the current revision happen in one synchronous turn, and every write
 * commits and publishes in one synchronous turn, so the replay range and the live stream meet
 * exactly: no event is missed and none is delivered twice.
 */
export async function* streamWatch(hub: WatchHub, source: WatchSource, prefix: string, options: WatchOptions): AsyncGenerator<WatchEvent> {
  const { afterRevision, signal } = options;
  if (signal.aborted) return;
  const upTo = source.beginWatch(afterRevision);
  const queue = createEventQueue(signal);
  const unsubscribe = hub.subscribe(prefix, queue);
  try {
    let position = afterRevision;
    while (position < upTo) {
      const compacted = source.compactedRevision();
      if (position < compacted) throw storageErrors.compacted(position, compacted);
      const page = source.readEvents(prefix, position, upTo, REPLAY_PAGE_SIZE);
      for (const event of page) {
        if (queue.isEnded()) return;
        yield event;
      }
      if (page.length < REPLAY_PAGE_SIZE) break;
      position = page[page.length - 1].kv.modRevision;
    }
    for (let event = await queue.next(); event; event = await queue.next()) yield event;
  } finally {
    unsubscribe();
    queue.end();
  }
}

interface EventQueue extends EventSink {
  /** The next event, or undefined once the queue has ended. */
  next(): Promise<WatchEvent | undefined>;
  isEnded(): boolean;
}

/** An unbounded FIFO that ends (dropping what is buffered) when the signal aborts. */
function createEventQueue(signal: AbortSignal): EventQueue {
  let buffered: WatchEvent[] = [];
  let head = 0;
  let ended = false;
  let wake: (() => void) | undefined;
  const end = (): void => {
    if (ended) return;
    ended = true;
    buffered = [];
    signal.removeEventListener('abort', end);
    wake?.();
  };
  signal.addEventListener('abort', end, { once: true });
  return {
    push(event) {
      if (ended) return;
      buffered.push(event);
      wake?.();
    },
    end,
    isEnded: () => ended,
    async next() {
      while (!ended && head === buffered.length) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (ended) return undefined;
      const event = buffered[head++];
      if (head === buffered.length) {
        buffered = [];
        head = 0;
      }
      return event;
    },
  };
}
