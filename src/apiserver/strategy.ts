import { randomUUID, createHash } from 'node:crypto';
import type { FieldError, KubeObject } from '../kube/index.ts';
import { fieldError } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';
import { checkBuiltinTypes, dropUnknownBuiltinFields } from './builtin-decoding.ts';
import { validateAnnotations, validateLabels } from './metadata-validation.ts';
import { applyDefaults, defaultCRD, prepareCustomResource, validateCRD, validateCustomResource } from './schema/index.ts';

/**
 * Per-kind create/update rules (kube-apiserver "strategies"): defaulting, status separation,
 * generation tracking and validation. Pure functions over objects.
 */

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface PreparedWrite {
  object: KubeObject;
  /** Unknown-field findings, turned into 400 (Strict) or Warning headers (Warn) by the caller. */
  unknownFields: string[];
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Normalises a custom resource against its CRD schema (prune + default), recording unknown fields. */
export function normaliseBody(def: ResourceDef, obj: KubeObject, mode: FieldValidation): PreparedWrite {
  if (def.builtin) {
    const unknownFields = dropUnknownBuiltinFields(def, obj);
    checkBuiltinTypes(def, obj);
    return { object: obj, unknownFields };
  }
  if (!def.schema) return { object: obj, unknownFields: [] };
  const { object, unknownFields } = prepareCustomResource(obj, def.schema, mode);
  return { object: object as KubeObject, unknownFields };
}

/** Fills server-owned metadata and kind-specific defaults for a new object. */
export function prepareForCreate(def: ResourceDef, obj: KubeObject, now: string): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = now;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (tracksGeneration(def)) meta.generation = 1;
  else delete meta.generation;
  if (def.statusSubresource && def.kind !== 'CustomResourceDefinition') delete obj.status;
  KIND_CREATE[def.kind]?.(obj);
  if (def.group === 'apiextensions.k8s.io' && def.kind === 'CustomResourceDefinition') Object.assign(obj, defaultCRD(obj));
}

/** Carries immutable metadata over from the stored object and bumps generation when the spec changed. */
export function prepareForUpdate(def: ResourceDef, next: KubeObject, prev: KubeObject, subresource: string | undefined, deleting = false): KubeObject {
  const merged = subresource === 'status' ? withOnly(prev, next, 'status') : def.statusSubresource && !deleting ? withStatusOf(next, prev) : next;
  const meta = merged.metadata;
  meta.uid = prev.metadata.uid;
  meta.creationTimestamp = prev.metadata.creationTimestamp;
  meta.name = prev.metadata.name;
  if (prev.metadata.namespace) meta.namespace = prev.metadata.namespace;
  if (!deleting) {
    meta.deletionTimestamp = prev.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = prev.metadata.deletionGracePeriodSeconds;
  }
  if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
  if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
  if (tracksGeneration(def)) {
    meta.generation = prev.metadata.generation ?? 1;
    if (specChanged(def, merged, prev)) meta.generation += 1;
  } else delete meta.generation;
  if (def.kind === 'CustomResourceDefinition' && def.group === 'apiextensions.k8s.io' && subresource !== 'status') return { ...defaultCRD(merged), status: prev.status } as KubeObject;
  return merged;
}

/** Built-in kinds whose registry strategy maintains metadata.generation (custom resources always do). */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'CustomResourceDefinition', 'Pod', 'ReplicationController', 'HorizontalPodAutoscaler', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

function tracksGeneration(def: ResourceDef): boolean {
  return !def.builtin || GENERATION_KINDS.has(def.kind);
}

/** A status write changes only .status (and nothing else) of the stored object. */
function withOnly(prev: KubeObject, next: KubeObject, field: 'status'): KubeObject {
  const out = structuredClone(prev);
  if (next[field] === undefined) delete out[field];
  else out[field] = next[field];
  // metadata labels/annotations may be changed through status too upstream; keep managedFields from next.
  out.metadata.managedFields = next.metadata.managedFields;
  out.metadata.resourceVersion = next.metadata.resourceVersion;
  return out;
}

function withStatusOf(next: KubeObject, prev: KubeObject): KubeObject {
  const out = { ...next };
  if (prev.status === undefined) delete out.status;
  else out.status = prev.status;
  return out;
}

function specChanged(def: ResourceDef, a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = o;
    return JSON.stringify(def.statusSubresource ? rest : { ...rest, status });
  };
  return strip(a) !== strip(b);
}

/** Validation run on every write; returns all problems at once. */
export function validateObject(def: ResourceDef, obj: KubeObject): FieldError[] {
  const errors = validateMetadata(def, obj);
  if (def.kind === 'CustomResourceDefinition' && def.group === 'apiextensions.k8s.io') errors.push(...validateCRD(obj));
  else if (!def.builtin && def.schema) errors.push(...validateCustomResource(obj, def.schema));
  return errors;
}

function validateMetadata(def: ResourceDef, obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const name = obj.metadata.name;
  if (!name) {
    errors.push(fieldError.required('metadata.name', 'name or generateName is required'));
    return errors;
  }
  errors.push(...validateLabels(obj.metadata.labels), ...validateAnnotations(obj.metadata.annotations));
  const pattern = def.kind === 'Namespace' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const maxLen = def.kind === 'Namespace' ? 63 : 253;
  if (!pattern.test(name) || name.length > maxLen) {
    const what = def.kind === 'Namespace' ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character" : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    if (!isRbacOrConfigName(def, name)) errors.push(fieldError.invalid('metadata.name', name, what));
  }
  return errors;
}

/** RBAC and a few kinds accept path-segment names (e.g. "system:controller:x"). */
function isRbacOrConfigName(def: ResourceDef, name: string): boolean {
  if (def.group !== 'rbac.authorization.k8s.io') return false;
  return !name.includes('/') && !name.includes('%') && name !== '.' && name !== '..';
}

/** Defaults applied when reading custom resources (kube applies CRD defaults on read too). */
export function defaultOnRead(def: ResourceDef, obj: KubeObject): KubeObject {
  return !def.builtin && def.schema ? (applyDefaults(obj, def.schema) as KubeObject) : obj;
}

const KIND_CREATE: Record<string, (obj: KubeObject) => void> = {
  Namespace(obj) {
    const spec = (obj.spec ?? {}) as { finalizers?: string[] };
    spec.finalizers = spec.finalizers?.length ? spec.finalizers : ['kubernetes'];
    obj.spec = spec;
    obj.status = { phase: 'Active' };
    obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
  },
  Service(obj) {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    spec.type ??= 'ClusterIP';
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !spec.clusterIP) spec.clusterIP = fakeClusterIP(obj.metadata.uid!);
    if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    spec.sessionAffinity ??= 'None';
    obj.spec = spec;
    obj.status = { loadBalancer: {} };
  },
  Secret(obj) {
    obj.type ??= 'Opaque';
    const stringData = obj.stringData as Record<string, string> | undefined;
    if (stringData) {
      const data = (obj.data ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v).toString('base64');
      obj.data = data;
      delete obj.stringData;
    }
  },
};

/** A stable fake cluster IP in 10.96.0.0/12 so `helm --wait` sees an allocated Service. */
function fakeClusterIP(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  return `10.${96 + (h[0] & 15)}.${h[1]}.${Math.max(1, h[2])}`;
}
