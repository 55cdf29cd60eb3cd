import type { KeyValue } from '../storage/types.ts';
import type { KubeObject } from '../kube/index.ts';
import { apiVersionOf } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';

/**
 * Storage key layout (one revision space shared by all logical clusters):
 *   namespaced:      /<cluster>/<group|core>/<plural>/<namespace>/<name>
 *   cluster-scoped:  /<cluster>/<group|core>/<plural>/<name>
 */
export function objectKey(cluster: string, def: ResourceDef, namespace: string | undefined, name: string): string {
  const base = resourcePrefix(cluster, def);
  return def.namespaced ? `${base}${namespace}/${name}` : `${base}${name}`;
}

/** Prefix of a collection: all namespaces when `namespace` is undefined. */
export function collectionPrefix(cluster: string, def: ResourceDef, namespace?: string): string {
  const base = resourcePrefix(cluster, def);
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function resourcePrefix(cluster: string, def: ResourceDef): string {
  return `/${cluster}/${def.group || 'core'}/${def.plural}/`;
}

export function clusterPrefix(cluster: string): string {
  return `/${cluster}/`;
}

/** Decodes a stored value, stamping resourceVersion and the served apiVersion. */
export function decodeObject(kv: KeyValue, def: ResourceDef): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.apiVersion = apiVersionOf(def.group, def.version);
  obj.kind = def.kind;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** Encodes an object for storage; resourceVersion is not stored (it is the key's modRevision). */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

/** Parses `/<cluster>/<group>/<plural>/...` back into its parts (for GC and namespace cleanup). */
export function parseObjectKey(key: string): { cluster: string; group: string; plural: string; namespace?: string; name: string } | undefined {
  const parts = key.split('/');
  if (parts.length === 5) return { cluster: parts[1], group: parts[2] === 'core' ? '' : parts[2], plural: parts[3], name: parts[4] };
  if (parts.length === 6) return { cluster: parts[1], group: parts[2] === 'core' ? '' : parts[2], plural: parts[3], namespace: parts[4], name: parts[5] };
  return undefined;
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}
