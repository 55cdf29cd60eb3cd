import { randomBytes } from 'node:crypto';
import type { Storage } from '../storage/types.ts';
import { StorageError } from '../storage/types.ts';
import type { KubeObject } from '../kube/index.ts';
import { StatusError } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';
import { collectionPrefix, decodeObject, encodeObject, objectKey } from './objects.ts';
import type { FieldValidation } from './strategy.ts';
import { defaultOnRead, normaliseBody, prepareForCreate, prepareForUpdate, validateObject } from './strategy.ts';
import { recordUpdate } from './ssa/index.ts';

/** Who writes and how: the query parameters and headers every write carries. */
export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply: create when absent, managedFields already computed. */
  createIfMissing?: boolean;
  ssa?: boolean;
  /** PUT of kinds that refuse unconditional updates (custom resources, CRDs). */
  requireResourceVersion?: boolean;
  /** The delete path: may set deletionTimestamp, which is otherwise immutable. */
  deleting?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  /** True when the write created the object (201 instead of 200). */
  created: boolean;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ListRequest {
  namespace?: string;
  limit?: number;
  continue?: string;
  /** Exact revision to read at, when resourceVersionMatch=Exact or a continue token carries one. */
  revision?: number;
  filter?: (obj: KubeObject) => boolean;
}

/** Hooks run after a write is stored (CRD registration, namespace finalization …). */
export type AfterWrite = (cluster: string, def: ResourceDef, object: KubeObject, deleted: boolean) => void | Promise<void>;

/** Admission run before a create is stored (namespace lifecycle …); throws to refuse. */
export type AdmitCreate = (cluster: string, def: ResourceDef, object: KubeObject) => void | Promise<void>;

const MAX_RETRIES = 8;

/**
 * The object layer: Kubernetes write semantics (uid, generation, resourceVersion preconditions,
 * status separation, finalizers, managed fields) over the revisioned key-value {@link Storage}.
 * HTTP-free, so in-server controllers (GC, namespaces, CRDs) use it too.
 */
export class ObjectStore {
  readonly storage: Storage;
  private readonly afterWrite: AfterWrite[] = [];
  private readonly admitCreate: AdmitCreate[] = [];
  private readonly now: () => string;

  constructor(storage: Storage, now: () => string = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')) {
    this.storage = storage;
    this.now = now;
  }

  onWrite(hook: AfterWrite): void {
    this.afterWrite.push(hook);
  }

  onCreate(hook: AdmitCreate): void {
    this.admitCreate.push(hook);
  }

  timestamp(): string {
    return this.now();
  }

  async get(cluster: string, def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.storage.get(objectKey(cluster, def, namespace, name));
    if (!kv) throw StatusError.notFound({ group: def.group, resource: def.plural }, name);
    return defaultOnRead(def, decodeObject(kv, def));
  }

  async tryGet(cluster: string, def: ResourceDef, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const kv = await this.storage.get(objectKey(cluster, def, namespace, name));
    return kv ? defaultOnRead(def, decodeObject(kv, def)) : undefined;
  }

  /** Lists a collection, paging with opaque continue tokens that pin the revision like kube's. */
  async list(cluster: string, def: ResourceDef, req: ListRequest): Promise<ListResult> {
    const prefix = collectionPrefix(cluster, def, req.namespace);
    const token = req.continue ? decodeContinue(req.continue) : undefined;
    const revision = token?.rv ?? req.revision;
    const items: KubeObject[] = [];
    let after = token?.start;
    let atRevision = revision;
    const limit = req.limit && req.limit > 0 ? req.limit : undefined;
    for (;;) {
      const page = await this.readPage(prefix, { revision: atRevision, after, limit: limit ? limit - items.length : undefined }, !!token);
      atRevision = page.revision;
      for (const kv of page.items) {
        const obj = defaultOnRead(def, decodeObject(kv, def));
        if (!req.filter || req.filter(obj)) items.push(obj);
      }
      const lastKey = page.items.at(-1)?.key;
      if (!limit || page.remaining === 0 || !lastKey) return { items, resourceVersion: String(atRevision) };
      after = lastKey;
      if (items.length >= limit) {
        const cont = encodeContinue(atRevision, lastKey);
        return { items, resourceVersion: String(atRevision), continue: cont, remainingItemCount: req.filter ? undefined : page.remaining };
      }
    }
  }

  private async readPage(prefix: string, opts: { revision?: number; after?: string; limit?: number }, continuing: boolean) {
    try {
      return await this.storage.list(prefix, opts);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Compacted') {
        throw StatusError.gone(continuing ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.' : 'The resourceVersion for the provided list is too old.');
      }
      if (err instanceof StorageError && err.code === 'FutureRevision') throw StatusError.unavailable(`Too large resource version: ${opts.revision}`);
      throw err;
    }
  }

  async create(cluster: string, def: ResourceDef, namespace: string | undefined, body: KubeObject, opts: WriteOptions): Promise<WriteResult> {
    const { object, unknownFields } = normaliseBody(def, structuredClone(body), opts.fieldValidation);
    const warnings = unknownFieldOutcome(def, object, unknownFields, opts.fieldValidation);
    if (def.namespaced) object.metadata.namespace = namespace;
    else delete object.metadata.namespace;
    const generated = !object.metadata.name && object.metadata.generateName;
    for (let attempt = 0; ; attempt++) {
      if (generated) object.metadata.name = generateName(object.metadata.generateName!);
      prepareForCreate(def, object, this.now());
      delete object.metadata.resourceVersion;
      const errors = validateObject(def, object);
      if (errors.length) throw StatusError.invalid({ group: def.group, kind: def.kind }, object.metadata.name ?? '', errors);
      for (const admit of this.admitCreate) await admit(cluster, def, object);
      const withFields = (opts as { ssa?: boolean }).ssa ? object : recordUpdate({ before: undefined, after: object, manager: opts.fieldManager, apiVersion: object.apiVersion ?? def.version, now: this.now(), schema: def.schema });
      if (opts.dryRun) return { object: withFields, warnings, created: true };
      try {
        const kv = await this.storage.create(objectKey(cluster, def, namespace, object.metadata.name!), encodeObject(withFields));
        const stored = decodeObject(kv, def);
        await this.notify(cluster, def, stored, false);
        return { object: stored, warnings, created: true };
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'KeyExists')) throw err;
        if (!generated || attempt >= MAX_RETRIES) throw StatusError.alreadyExists({ group: def.group, resource: def.plural }, object.metadata.name!);
      }
    }
  }

  /**
   * Read-modify-write with optimistic concurrency. `mutate` gets a private copy of the current object
   * (undefined if absent) and returns the desired object; a stale resourceVersion in the result is a 409,
   * an absent one retries on races.
   */
  async update(
    cluster: string,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts: UpdateOptions,
  ): Promise<WriteResult> {
    const key = objectKey(cluster, def, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.storage.get(key);
      const current = kv ? defaultOnRead(def, decodeObject(kv, def)) : undefined;
      if (!current && !opts.createIfMissing) throw StatusError.notFound({ group: def.group, resource: def.plural }, name);
      const desired = await mutate(current ? structuredClone(current) : undefined);
      if (!current) return this.create(cluster, def, namespace, { ...desired, metadata: { ...desired.metadata, name } }, opts);
      const wantedRV = desired.metadata.resourceVersion;
      if (wantedRV && wantedRV !== current.metadata.resourceVersion) throw StatusError.conflict({ group: def.group, resource: def.plural }, name);
      if (!wantedRV && opts.requireResourceVersion) {
        throw StatusError.invalid({ group: def.group, kind: def.kind }, name, [{ type: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
      try {
        return await this.writeUpdate(cluster, def, key, current, desired, opts);
      } catch (err) {
        const raced = err instanceof StorageError && (err.code === 'Conflict' || err.code === 'KeyNotFound');
        if (!raced || wantedRV || attempt >= MAX_RETRIES) throw raced ? StatusError.conflict({ group: def.group, resource: def.plural }, name) : err;
      }
    }
  }

  private async writeUpdate(cluster: string, def: ResourceDef, key: string, current: KubeObject, desired: KubeObject, opts: UpdateOptions): Promise<WriteResult> {
    const { object: normalised, unknownFields } = normaliseBody(def, desired, opts.fieldValidation);
    const warnings = unknownFieldOutcome(def, normalised, unknownFields, opts.fieldValidation);
    if (normalised.metadata.namespace && current.metadata.namespace && normalised.metadata.namespace !== current.metadata.namespace) {
      throw StatusError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    let next = prepareForUpdate(def, normalised, current, opts.subresource, opts.deleting);
    if (def.kind === 'Secret' && next.stringData) next = foldStringData(next);
    const errors = validateObject(def, next);
    if (errors.length) throw StatusError.invalid({ group: def.group, kind: def.kind }, current.metadata.name!, errors);
    if (!opts.deleting) refuseNewFinalizersWhileDeleting(def, current, next);
    if (!opts.ssa && !opts.deleting) next = recordUpdate({ before: current, after: next, manager: opts.fieldManager, apiVersion: next.apiVersion ?? def.version, subresource: opts.subresource, now: this.now(), schema: def.schema });
    if (unchanged(current, next)) return { object: current, warnings, created: false };
    if (opts.dryRun) return { object: next, warnings, created: false };
    const expected = Number(current.metadata.resourceVersion);
    if (next.metadata.deletionTimestamp && !hasFinalizers(def, next)) {
      const kv = await this.storage.delete(key, expected);
      const gone = decodeObject({ ...kv, value: encodeObject(next) }, def);
      await this.notify(cluster, def, gone, true);
      return { object: gone, warnings, created: false };
    }
    const kv = await this.storage.update(key, encodeObject(next), expected);
    const stored = decodeObject(kv, def);
    await this.notify(cluster, def, stored, false);
    return { object: stored, warnings, created: false };
  }

  /** Removes the object now (no finalizers left). Returns the last state. */
  async remove(cluster: string, def: ResourceDef, current: KubeObject, dryRun: boolean): Promise<KubeObject> {
    if (dryRun) return current;
    const key = objectKey(cluster, def, current.metadata.namespace, current.metadata.name!);
    try {
      const kv = await this.storage.delete(key, Number(current.metadata.resourceVersion));
      const gone = decodeObject(kv, def);
      await this.notify(cluster, def, gone, true);
      return gone;
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Conflict') throw StatusError.conflict({ group: def.group, resource: def.plural }, current.metadata.name!);
      if (err instanceof StorageError && err.code === 'KeyNotFound') throw StatusError.notFound({ group: def.group, resource: def.plural }, current.metadata.name!);
      throw err;
    }
  }

  private async notify(cluster: string, def: ResourceDef, object: KubeObject, deleted: boolean): Promise<void> {
    for (const hook of this.afterWrite) await hook(cluster, def, object, deleted);
  }
}

/** Upstream: once deletionTimestamp is set, finalizers may only be removed. */
function refuseNewFinalizersWhileDeleting(def: ResourceDef, current: KubeObject, next: KubeObject): void {
  if (!current.metadata.deletionTimestamp) return;
  const before = new Set(current.metadata.finalizers ?? []);
  if ((next.metadata.finalizers ?? []).some((f) => !before.has(f))) {
    throw StatusError.invalid({ group: def.group, kind: def.kind }, current.metadata.name!, [{ type: 'FieldValueForbidden', field: 'metadata.finalizers', message: 'Forbidden: no new finalizers can be added if the object is being deleted' }]);
  }
}

/** Namespaces also wait on spec.finalizers (the namespace controller's "kubernetes" finalizer). */
export function hasFinalizers(def: ResourceDef, obj: KubeObject): boolean {
  if (obj.metadata.finalizers?.length) return true;
  const spec = obj.spec as { finalizers?: string[] } | undefined;
  return def.kind === 'Namespace' && def.group === '' && !!spec?.finalizers?.length;
}

function unchanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return strip(a) === strip(b) && JSON.stringify(a.metadata.managedFields?.map(stripTime)) === JSON.stringify(b.metadata.managedFields?.map(stripTime));
}

function stripTime(entry: object): object {
  return { ...entry, time: undefined };
}

function foldStringData(obj: KubeObject): KubeObject {
  const data = { ...((obj.data ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(v).toString('base64');
  const { stringData: _s, ...rest } = obj;
  return { ...rest, data } as KubeObject;
}

function unknownFieldOutcome(def: ResourceDef, obj: KubeObject, unknown: string[], mode: FieldValidation): string[] {
  if (unknown.length === 0 || mode === 'Ignore') return [];
  if (mode === 'Strict') {
    const detail = unknown.map((f) => `unknown field "${f}"`).join(', ');
    throw StatusError.badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${detail}`);
  }
  void obj;
  return unknown.map((f) => `unknown field "${f}"`);
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` prefix (cut to 58) plus 5 random characters, as kube does. */
export function generateName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += NAME_CHARS[b % NAME_CHARS.length];
  return prefix.slice(0, 58) + suffix;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString()) as ContinueToken;
    if (token.v !== 'meta.k8s.io/v1' || typeof token.rv !== 'number' || typeof token.start !== 'string') throw new Error('bad');
    return token;
  } catch {
    throw StatusError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
