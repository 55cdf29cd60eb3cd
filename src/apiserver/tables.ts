import type { KubeObject } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';
import { parseIncludeObject, resourceTable } from './query/index.ts';

/** Converts objects to a meta.k8s.io/v1 Table per the request's tableOptions. */
export function toTable(def: ResourceDef, objects: KubeObject[], q: URLSearchParams, meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }, noHeaders = false): unknown {
  const table = resourceTable(def, objects, {
    includeObject: parseIncludeObject(q.get('includeObject') ?? undefined),
    noHeaders: noHeaders || q.get('noHeaders') === 'true',
    now: Date.now(),
  }) as { metadata?: Record<string, unknown> };
  const metadata: Record<string, unknown> = {};
  if (meta.resourceVersion) metadata.resourceVersion = meta.resourceVersion;
  if (meta.continue) metadata.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) metadata.remainingItemCount = meta.remainingItemCount;
  table.metadata = metadata;
  return table;
}
