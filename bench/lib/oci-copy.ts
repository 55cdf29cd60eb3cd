/**
 * Our OCI client as its own process, so bench/registry.ts measures it the way it measures skopeo (wall, CPU
 * and peak RSS of a process that starts, copies every image and exits). It starts through oci-copy.js
 * (compile cache first), as violet starts through bin/violet.js; no malloc tunables (the re-exec would
 * double a no-op re-push's start-up).
 *
 * Usage: node bench/lib/oci-copy.js <spec.json>   — prints one JSON line: { pushed, skipped, mounted, roots }
 */
import { readFileSync } from 'node:fs';
import { copyImage, createRegistryClient } from '../../src/oci/index.ts';

export interface CopySpec {
  direction: 'push' | 'pull';
  registry: string;
  ca: string;
  credentials?: { username: string; password: string };
  /** The OCI layout pushed from, or pulled into. */
  layout: string;
  images: { tag: string; repository: string }[];
  timeoutMs: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CopySpec;
  const client = createRegistryClient({ registry: spec.registry, ca: spec.ca, credentials: spec.credentials });
  const signal = AbortSignal.timeout(spec.timeoutMs);
  const counts = { pushed: 0, skipped: 0, mounted: 0, roots: [] as string[] };
  try {
    for (const img of spec.images) {
      const s =
        spec.direction === 'push'
          ? await copyImage({ from: { layout: spec.layout, tag: img.tag }, to: { client, repository: img.repository, ref: img.tag }, signal })
          : await copyImage({ from: { client, repository: img.repository, ref: img.tag }, to: { layout: spec.layout, tag: img.tag }, signal });
      counts.pushed += s.blobs.pushed;
      counts.skipped += s.blobs.skipped;
      counts.mounted += s.blobs.mounted;
      counts.roots.push(s.root.digest);
    }
  } finally {
    client.close();
  }
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

await main();
