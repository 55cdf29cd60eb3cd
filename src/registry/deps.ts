/** What the request handlers share (wired once in index.ts). */
import type { AuthConfig } from './auth.ts';
import type { SharedLock } from './lock.ts';
import type { Store } from './store.ts';
import type { Uploads } from './uploads.ts';
import type { ManifestEvent } from './types.ts';

/** Handler dependencies. */
export interface Deps {
  store: Store;
  uploads: Uploads;
  /** Held shared by writes that make content referenced; the GC sweep holds it exclusive. */
  commitLock: SharedLock;
  auth: AuthConfig;
  maxManifestBytes: number;
  /** Records digests a write just referenced or linked, so a GC sweep running now keeps them. */
  noteReferenced(digests: Iterable<string>): void;
  /** Tells the `onManifest` listener (never throws). */
  notify(event: ManifestEvent): Promise<void>;
}
