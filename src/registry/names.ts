/**
 * Pure parsing of registry paths, repository names, tags, digests and upload ids. Every path the storage
 * builds comes from values that passed these checks, which is what makes traversal impossible by
 * construction: a valid name component starts with [a-z0-9] and contains no `/`, `%` or `..`.
 */
import { RegistryError } from './errors.ts';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Common client limit on host + name (dist-spec implementers note); also keeps paths short. */
const MAX_NAME = 255;

/** Digest algorithms the registry verifies. */
export type DigestAlgorithm = 'sha256' | 'sha512';

/** A validated digest, split for building storage paths. */
export interface Digest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** `<algorithm>:<hex>` */
  value: string;
}

/** One registry endpoint, with every parameter already validated. */
export type Route =
  | { kind: 'base' }
  | { kind: 'token' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: { tag: string } | { digest: Digest } }
  | { kind: 'blob'; name: string; digest: Digest }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; uuid: string }
  | { kind: 'referrers'; name: string; digest: Digest }
  | { kind: 'unknown' };

/** True when `name` is a valid repository name. */
export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME && NAME_RE.test(name);
}

/** Validates a repository name (NAME_INVALID otherwise). */
export function parseName(name: string): string {
  if (!isValidName(name)) {
    throw new RegistryError('NAME_INVALID', `invalid repository name "${truncate(name)}": lowercase path components [a-z0-9] separated by ".", "_", "__" or "-", joined by "/", at most ${MAX_NAME} characters`);
  }
  return name;
}

/** True when `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Parses `sha256:<64 hex>` or `sha512:<128 hex>` (DIGEST_INVALID otherwise). */
export function parseDigest(value: string): Digest {
  if (!DIGEST_RE.test(value)) {
    throw new RegistryError('DIGEST_INVALID', `invalid digest "${truncate(value)}": expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>`);
  }
  const [algorithm, hex] = value.split(':') as [DigestAlgorithm, string];
  return { algorithm, hex, value };
}

/** Parses a digest from storage or a manifest; undefined when malformed. */
export function tryParseDigest(value: unknown): Digest | undefined {
  return typeof value === 'string' && DIGEST_RE.test(value) ? parseDigest(value) : undefined;
}

/** True when `value` looks like an upload session id we issued. */
export function isValidUuid(value: string): boolean {
  return UUID_RE.test(value);
}

const ROUTES: { re: RegExp; build: (name: string, last: string) => Route }[] = [
  { re: /^\/v2\/(.+)\/manifests\/([^/]+)$/, build: (name, ref) => ({ kind: 'manifest', name, reference: parseReference(ref) }) },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/?$/, build: (name) => ({ kind: 'uploads', name }) },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, build: (name, uuid) => ({ kind: 'upload', name, uuid: parseUuid(uuid) }) },
  { re: /^\/v2\/(.+)\/blobs\/([^/]+)$/, build: (name, d) => ({ kind: 'blob', name, digest: parseDigest(d) }) },
  { re: /^\/v2\/(.+)\/tags\/list$/, build: (name) => ({ kind: 'tags', name }) },
  { re: /^\/v2\/(.+)\/referrers\/([^/]+)$/, build: (name, d) => ({ kind: 'referrers', name, digest: parseDigest(d) }) },
];

/**
 * Maps a raw request path (not percent-decoded, not normalised: `%2e%2e` and `..` stay as sent and fail
 * the name check) to a route. Returns undefined when the path is not under `/v2`.
 */
export function parseRoute(rawPath: string): Route | undefined {
  if (rawPath !== '/v2' && !rawPath.startsWith('/v2/')) return undefined;
  if (rawPath === '/v2' || rawPath === '/v2/') return { kind: 'base' };
  if (rawPath === '/v2/token') return { kind: 'token' };
  if (rawPath === '/v2/_catalog') return { kind: 'catalog' };
  for (const { re, build } of ROUTES) {
    const m = re.exec(rawPath);
    if (m) return build(parseName(m[1]), m[2] ?? '');
  }
  return { kind: 'unknown' };
}

function parseReference(ref: string): { tag: string } | { digest: Digest } {
  if (ref.includes(':')) return { digest: parseDigest(ref) };
  if (!isValidTag(ref)) throw new RegistryError('MANIFEST_INVALID', `invalid tag "${truncate(ref)}": expected [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, { detail: { tag: truncate(ref) } });
  return { tag: ref };
}

function parseUuid(value: string): string {
  if (!isValidUuid(value)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', `unknown upload session "${truncate(value)}"`);
  return value;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
