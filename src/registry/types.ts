/** Public types of the registry component (re-exported by index.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** Who is calling, as far as the registry cares. */
export interface RegistryIdentity {
  name: string;
  canPush: boolean;
}

/** How the registry checks credentials; the platform wires its users and tokens in here. */
export interface RegistryAuth {
  /** Basic credentials → identity, or undefined when wrong. */
  checkPassword(username: string, password: string): RegistryIdentity | undefined | Promise<RegistryIdentity | undefined>;
  /** A bearer token (issued by issueToken, or any platform token) → identity. */
  checkToken(token: string): RegistryIdentity | undefined | Promise<RegistryIdentity | undefined>;
  /** Issues a short-lived bearer token for the token endpoint. */
  issueToken(identity: RegistryIdentity, ttlSeconds: number): string | Promise<string>;
}

/** Options of {@link createRegistry}. */
export interface RegistryOptions {
  /** Storage root (created if missing); one registry process per root. */
  root: string;
  auth: RegistryAuth;
  /** Allow pulls without credentials (default false). Push always needs an identity with canPush. */
  anonymousPull?: boolean;
  /** `service` in challenges and token requests (default "marketplace"). */
  service?: string;
  /** Largest manifest accepted, in bytes (default 4 MiB); larger → 413. */
  maxManifestBytes?: number;
  /** Lifetime of tokens from the token endpoint (default 900 s). */
  tokenTtlSeconds?: number;
  /** Receives unexpected errors (500s); default: ignored. */
  onError?: (err: unknown, context: { method: string; path: string }) => void;
  /**
   * Told after a manifest was stored (and tagged) or deleted/untagged, before the client gets its answer, so an
   * in-process listener (the chart repository lists Helm OCI charts) is current when the push returns. Errors
   * go to `onError`; they never fail the request.
   */
  onManifest?: (event: ManifestEvent) => void | Promise<void>;
}

/** A manifest write: `put` (with the parsed document and the tags now pointing at it) or `delete`. */
export type ManifestEvent =
  | { action: 'put'; name: string; digest: string; mediaType: string; tags: string[]; manifest: Record<string, unknown> }
  /** `digest` is set when the manifest itself went (its tags with it); only `tags` when a tag was removed. */
  | { action: 'delete'; name: string; digest?: string; tags: string[] };

/** Read-only access to stored content for in-process components (no auth: callers decide who may see what). */
export interface RegistryContent {
  /** Repositories that hold manifests, ASCII-sorted. */
  listRepositories(): Promise<string[]>;
  /** Tags of a repository, ASCII-sorted (empty when it does not exist). */
  listTags(name: string): Promise<string[]>;
  /** The manifest a tag or digest names in the repository, exact bytes. */
  getManifest(name: string, reference: string): Promise<{ digest: string; mediaType: string; bytes: Buffer } | undefined>;
  /** A blob the repository serves: its size and a stream of its bytes. */
  openBlob(name: string, digest: string): Promise<{ size: number; stream: Readable } | undefined>;
}

/** Options of {@link Registry.collectGarbage}. */
export interface GcOptions {
  /** Count what would be removed, remove nothing. */
  dryRun?: boolean;
  /** Upload sessions idle longer than this are removed (default 24 h). */
  uploadMaxAgeMs?: number;
  /** Unreferenced blobs younger than this survive (default 1 h): their manifest may still be on its way. */
  blobGraceMs?: number;
}

/** What a GC run removed (or would remove, with dryRun). */
export interface GcResult {
  blobsRemoved: number;
  bytesFreed: number;
  uploadsRemoved: number;
}

/** An OCI distribution registry (see README.md). */
export interface Registry {
  /** Handles `/v2/…` and the token endpoint `/v2/token`; returns false when the path is not the registry's. Works as a handler for node:http, https and http2-compat requests. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Deletes blobs no manifest references (and stale uploads); safe while pushes run; returns what it removed. */
  collectGarbage(options?: GcOptions): Promise<GcResult>;
  /** Read-only view of the stored content (see {@link RegistryContent}). */
  content: RegistryContent;
  /** Waits for a running GC and drops in-memory state; in-flight uploads can resume after a restart. */
  close(): Promise<void>;
}
