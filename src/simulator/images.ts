import type { RegistryClient } from '../oci/index.ts';
import { parseReference } from '../oci/index.ts';

/** The message of a failed pull, as in the Warning Event and the workload's conditions. */
export function pullFailedMessage(image: string): string {
  return `Failed to pull image "${image}": image not found in the platform registry`;
}

/** Every container and initContainer image of a pod template (`spec.template`), in order, without duplicates. */
export function templateImages(template: unknown): string[] {
  const spec = (template as { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } | undefined)?.spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image).filter((i): i is string => !!i);
  return [...new Set(all)];
}

/** Options of {@link createImageChecker}. */
export interface ImageCheckerOptions {
  /** How long a present image is remembered (default 30 s). */
  presentTtlMs?: number;
  /** How long a missing image is remembered before asking again (default 2 s). */
  missingTtlMs?: number;
}

/** Answers "is this image in the platform registry?", with a short cache. */
export interface ImageChecker {
  present(image: string, signal?: AbortSignal): Promise<boolean>;
}

/**
 * The platform registry mirrors every host: `any.host/repo/name:tag` is present when `repo/name:tag` (or the
 * reference's digest) is there. Docker Hub short names (`nginx`) are tried as `library/nginx` and `nginx`.
 * An unparsable reference counts as missing. Registry errors other than 404 propagate (the caller retries).
 */
export function createImageChecker(registry: RegistryClient, opts: ImageCheckerOptions = {}): ImageChecker {
  const cache = new Map<string, { present: boolean; at: number }>();
  const presentTtl = opts.presentTtlMs ?? 30_000;
  const missingTtl = opts.missingTtlMs ?? 2_000;

  const lookup = async (image: string, signal?: AbortSignal): Promise<boolean> => {
    let ref;
    try {
      ref = parseReference(image);
    } catch {
      return false;
    }
    const repos = [ref.repository];
    if (ref.repository.startsWith('library/')) repos.push(ref.repository.slice('library/'.length));
    const refs = [ref.tag, ref.digest].filter((r): r is string => !!r);
    for (const repo of repos) {
      for (const r of refs) {
        if (await registry.headManifest(repo, r, { signal })) return true;
      }
    }
    return false;
  };

  return {
    async present(image, signal) {
      const hit = cache.get(image);
      const now = Date.now();
      if (hit && now - hit.at < (hit.present ? presentTtl : missingTtl)) return hit.present;
      const present = await lookup(image, signal);
      cache.set(image, { present, at: Date.now() });
      return present;
    },
  };
}
