import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { ReadEntry } from 'tar';
import type { Descriptor } from './types.ts';
import type { RegistryClient } from './client.ts';
import { OciError } from './errors.ts';

/** An image's manifest, resolved to one platform, and its parsed config. */
export interface ResolvedImage {
  /** Digest of the image manifest (not of an index above it). */
  digest: string;
  layers: Descriptor[];
  /** The image config's `config.Labels`. */
  labels: Record<string, string>;
}

/** A file read from image layers. */
export interface LayerFile {
  path: string;
  data: Buffer;
}

/** What to read from layers, and the limits that protect the reader. */
export interface ReadLayersOptions {
  /** Which regular files to keep (path without leading `/` or `./`); default all. */
  keep?: (path: string) => boolean;
  /** Refuse when the kept files add up to more than this many bytes. */
  maxBytes: number;
  /** `refuse`: links and special files are an error (bundles); `skip`: ignored (catalog images carry a base OS). */
  specialFiles: 'refuse' | 'skip';
  /** Names the image in error messages. */
  what: string;
  signal?: AbortSignal;
}

const MAX_CONFIG_BYTES = 4 << 20;
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Fetches `repository@ref`; an index resolves to its linux/amd64 manifest (else the first one).
 * @example const image = await resolveImage(client, 'acp/demo-operator-bundle', 'sha256:…');
 */
export async function resolveImage(client: RegistryClient, repository: string, ref: string, signal?: AbortSignal): Promise<ResolvedImage> {
  let fetched = await client.getManifest(repository, ref, { signal });
  let doc = JSON.parse(fetched.bytes.toString('utf8')) as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
  if (Array.isArray(doc.manifests)) {
    const chosen = doc.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? doc.manifests[0];
    if (!chosen) throw new OciError('NOT_FOUND', `image ${repository}@${ref} is an empty index`);
    fetched = await client.getManifest(repository, chosen.digest, { signal });
    doc = JSON.parse(fetched.bytes.toString('utf8'));
  }
  if (!doc.config) throw new OciError('PROTOCOL', `${repository}@${ref} is not an image manifest (no config)`);
  const config = JSON.parse((await readBlob(client, repository, doc.config, MAX_CONFIG_BYTES, signal)).toString('utf8')) as { config?: { Labels?: Record<string, string> | null } };
  return { digest: fetched.descriptor.digest, layers: doc.layers ?? [], labels: config.config?.Labels ?? {} };
}

/** Reads a whole blob into memory, refusing blobs larger than `limit`. */
export async function readBlob(client: RegistryClient, repository: string, desc: Descriptor, limit: number, signal?: AbortSignal): Promise<Buffer> {
  if (desc.size > limit) throw new OciError('TOO_LARGE', `blob ${desc.digest} of ${repository} is ${desc.size} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await client.getBlob(repository, desc.digest, { size: desc.size, signal })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads the layers of an image in order and applies them like a container runtime would: later layers
 * overwrite earlier files, `.wh.<name>` deletes `<name>`, `.wh..wh..opq` empties its directory.
 * Absolute paths and `..` are refused in every layer.
 */
export async function readLayers(client: RegistryClient, repository: string, layers: Descriptor[], opts: ReadLayersOptions): Promise<LayerFile[]> {
  const files = new Map<string, Buffer>();
  const budget = { used: 0 };
  for (const layer of layers) {
    const stream = await client.getBlob(repository, layer.digest, { size: layer.size, signal: opts.signal });
    const changes = await readLayer(stream, layer.digest, opts, budget);
    for (const dir of changes.opaque) for (const path of files.keys()) if (path.startsWith(`${dir}/`)) files.delete(path);
    for (const gone of changes.whiteouts) for (const path of files.keys()) if (path === gone || path.startsWith(`${gone}/`)) files.delete(path);
    for (const [path, data] of changes.files) files.set(path, data);
  }
  return [...files].map(([path, data]) => ({ path, data })).sort((a, b) => a.path.localeCompare(b.path));
}

interface LayerChanges {
  files: Map<string, Buffer>;
  whiteouts: string[];
  opaque: string[];
}

/** Streams one (gzip, zstd or plain) tar layer, keeping the selected files in memory. */
export async function readLayer(source: Readable, digest: string, opts: ReadLayersOptions, budget: { used: number }): Promise<LayerChanges> {
  const { Parser } = await import('tar'); // loaded when needed: ~20 ms of start-up otherwise
  const changes: LayerChanges = { files: new Map(), whiteouts: [], opaque: [] };
  const parser = new Parser({ strict: true });
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      reject(err instanceof OciError ? err : new OciError('INVALID_LAYOUT', `${opts.what}: layer ${digest} is not a valid tar archive (${(err as Error)?.message ?? err})`));
    };
    opts.signal?.addEventListener('abort', () => fail(new OciError('ABORTED', `${opts.what}: reading layer ${digest} was aborted`)), { once: true });
    parser.on('entry', (entry: ReadEntry) => {
      if (failed) return void entry.resume();
      const path = entryPath(entry.path, opts.what);
      if (path instanceof Error) return fail(path);
      const base = posix.basename(path);
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      if (base === OPAQUE) changes.opaque.push(dir);
      else if (base.startsWith(WHITEOUT)) changes.whiteouts.push(posix.join(dir, base.slice(WHITEOUT.length)));
      if (base.startsWith(WHITEOUT) || entry.type === 'Directory') return void entry.resume();
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        if (opts.specialFiles === 'refuse') return fail(new OciError('INVALID_LAYOUT', `${opts.what}: entry "${entry.path}" is a ${entry.type}; only regular files and directories are allowed`));
        return void entry.resume();
      }
      if (opts.keep && !opts.keep(path)) return void entry.resume();
      budget.used += entry.size ?? 0;
      if (budget.used > opts.maxBytes) return fail(new OciError('TOO_LARGE', `${opts.what}: content exceeds ${opts.maxBytes} bytes (at "${path}")`));
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => changes.files.set(path, Buffer.concat(chunks)));
    });
    parser.on('error', fail);
    parser.on('warn', (_code: string, message: string) => fail(new Error(message)));
    parser.on('end', () => (failed ? undefined : resolve(changes)));
    source.on('error', fail);
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
}

/** Normalised entry path, or an error for absolute paths, drive letters, backslashes and `..`. */
export function entryPath(raw: string, what: string): string | OciError {
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.includes('\\') || raw.split('/').includes('..')) {
    return new OciError('INVALID_LAYOUT', `${what}: refusing unsafe entry path "${raw}" (absolute or with '..')`);
  }
  return posix.normalize(raw).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}
