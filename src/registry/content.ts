/** The read-only content view in-process components use (the chart repository lists Helm OCI charts with it). */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Store } from './store.ts';
import { isValidName, isValidTag, tryParseDigest } from './names.ts';
import type { RegistryContent } from './types.ts';

/** A {@link RegistryContent} over the store; invalid names, tags and digests read as absent. */
export function createContentView(store: Store): RegistryContent {
  return {
    listRepositories: () => store.listRepositories(),
    listTags: async (name) => (isValidName(name) ? store.listTags(name) : []),
    async getManifest(name, reference) {
      if (!isValidName(name)) return undefined;
      const d = tryParseDigest(reference) ?? (isValidTag(reference) ? await store.resolveTag(name, reference) : undefined);
      const meta = d && (await store.getManifestMeta(name, d));
      if (!d || !meta) return undefined;
      return { digest: d.value, mediaType: meta.mediaType, bytes: await readFile(store.blobPath(d)) };
    },
    async openBlob(name, digest) {
      const d = tryParseDigest(digest);
      const size = d && isValidName(name) ? await store.repoBlobSize(name, d) : undefined;
      if (!d || size === undefined) return undefined;
      return { size, stream: createReadStream(store.blobPath(d)) };
    },
  };
}
