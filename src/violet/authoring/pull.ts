import { readFileSync } from 'node:fs';
import { copyImage, createRegistryClient, parseReference } from '../../oci/index.ts';

/** How `violet package --pull` reaches source registries. */
export interface PullOptions {
  username?: string;
  password?: string;
  /** Plain HTTP for these registry hosts (e.g. a local mirror). */
  plainHosts?: string[];
  caFile?: string;
  signal?: AbortSignal;
}

/** Copies one image (every platform) from its registry into the layout, tagged by its full reference. */
export async function pullImage(ref: string, layout: string, opts: PullOptions): Promise<void> {
  const r = parseReference(ref);
  const client = createRegistryClient({
    registry: r.registry,
    plain: opts.plainHosts?.includes(r.registry) ?? false,
    ca: opts.caFile ? readFileSync(opts.caFile) : undefined,
    credentials: opts.username && opts.password ? { username: opts.username, password: opts.password } : undefined,
    userAgent: 'violet',
  });
  try {
    await copyImage({ from: { client, repository: r.repository, ref: r.digest ?? r.tag ?? 'latest' }, to: { layout, tag: ref }, signal: opts.signal });
  } catch (err) {
    throw new Error(`cannot pull ${ref}: ${(err as Error).message}`);
  }
}
