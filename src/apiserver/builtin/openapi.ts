/**
 * OpenAPI v3 discovery (`GET /openapi/v3`) and per-GroupVersion documents
 * (`GET /openapi/v3/apis/<group>/<version>`), for built-in and CRD-defined resources.
 */
import { createHash } from 'node:crypto';
import type { JSONSchemaProps, ResourceDef } from '../resource.ts';
import { resourcePaths } from './openapi-paths.ts';
import { builtinDefinitions, hasBuiltinDefinition } from './schemas.ts';
import { definitionName, META_V1, openApiPathOf } from './names.ts';
import { builtinResources, parseGroupVersion } from './resources.ts';
import { KUBERNETES_GIT_VERSION } from './version.ts';

/** An API group and version; group "" is the core group. */
export interface GroupVersion {
  group: string;
  version: string;
}

type Json = Record<string, unknown>;
type Schemas = Record<string, unknown>;

const V2_REF = '#/definitions/';
const V3_REF = '#/components/schemas/';
const META_ROOTS = [`${META_V1}.Patch`, `${META_V1}.Status`, `${META_V1}.DeleteOptions`, `${META_V1}.ObjectMeta`, `${META_V1}.ListMeta`];
const CACHE_LIMIT = 256;

/** Rewrites `#/definitions/X` refs to `#/components/schemas/X`, collecting referenced names. */
function toV3(value: unknown, refs: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => toV3(v, refs));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(V2_REF)) {
      refs.push(v.slice(V2_REF.length));
      out[k] = V3_REF + v.slice(V2_REF.length);
    } else out[k] = toV3(v, refs);
  }
  return out;
}

/** Adds vendored definitions `roots` and everything they reference to `schemas`. */
function addVendored(schemas: Schemas, roots: string[]): void {
  const all = builtinDefinitions().definitions;
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (schemas[name] !== undefined || all[name] === undefined) continue;
    schemas[name] = toV3(all[name], queue);
  }
}

const TYPE_META = {
  apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
  kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
};

/** Component for a kind without vendored definition (custom resources): its schema with metadata → ObjectMeta. */
function customKindSchema(def: ResourceDef): Json {
  const schema: JSONSchemaProps = def.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties = { ...TYPE_META, ...(schema.properties ?? {}), metadata: { $ref: `${V3_REF}${META_V1}.ObjectMeta`, description: "Standard object's metadata." } };
  return { ...schema, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.kind }] };
}

function customListSchema(def: ResourceDef, kindName: string): Json {
  return {
    description: `${def.listKind} is a list of ${def.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      ...TYPE_META,
      items: { type: 'array', description: `List of ${def.plural}.`, items: { $ref: V3_REF + kindName } },
      metadata: { $ref: `${V3_REF}${META_V1}.ListMeta`, description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.listKind }],
  };
}

/** Adds the resource's kind and list schemas; returns the path context for its operations. */
function addResource(schemas: Schemas, def: ResourceDef): Parameters<typeof resourcePaths>[0] {
  const vendored = def.builtin && hasBuiltinDefinition(def.group, def.version, def.kind);
  const kindSchema = definitionName(def.group, def.version, def.kind, def.builtin);
  const listSchema = definitionName(def.group, def.version, def.listKind, def.builtin);
  if (vendored) {
    addVendored(schemas, [kindSchema, listSchema]);
  } else {
    schemas[kindSchema] = customKindSchema(def);
    schemas[listSchema] = customListSchema(def, kindSchema);
  }
  return { def, kindSchema, listSchema, strategicMerge: vendored };
}

function buildDocument(gv: GroupVersion, defs: ResourceDef[]): Json {
  const schemas: Schemas = {};
  const paths: Record<string, unknown> = {};
  for (const def of defs) Object.assign(paths, resourcePaths(addResource(schemas, def)));
  addVendored(schemas, META_ROOTS);
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_GIT_VERSION },
    paths,
    components: { schemas: sorted, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
    security: [{ BearerToken: [] }],
  };
}

interface CachedDoc {
  doc: Json;
  hash: string;
}

/**
 * Builds OpenAPI v3 documents with a cache keyed by the identity of the ResourceDef objects:
 * the server passes the same objects until a CRD changes, so unchanged GVs cost a lookup.
 */
export class OpenApiV3Cache {
  #ids = new WeakMap<ResourceDef, number>();
  #nextId = 1;
  #docs = new Map<string, CachedDoc>();

  /** The document of `gv` built from the defs of that GV (others are ignored). */
  document(gv: GroupVersion, defs: ResourceDef[]): Json {
    return this.#get(gv, defs).doc;
  }

  /** Stable content hash (SHA-512, upper-case hex, like upstream) of the GV document. */
  hash(gv: GroupVersion, defs: ResourceDef[]): string {
    return this.#get(gv, defs).hash;
  }

  #id(def: ResourceDef): number {
    let id = this.#ids.get(def);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(def, id);
    }
    return id;
  }

  #get(gv: GroupVersion, defs: ResourceDef[]): CachedDoc {
    const mine = defs.filter((d) => d.group === gv.group && d.version === gv.version);
    const key = `${gv.group}/${gv.version}|${mine.map((d) => this.#id(d)).join(',')}`;
    let hit = this.#docs.get(key);
    if (!hit) {
      const doc = buildDocument(gv, mine);
      hit = { doc, hash: createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase() };
      if (this.#docs.size >= CACHE_LIMIT) this.#docs.delete(this.#docs.keys().next().value!);
      this.#docs.set(key, hit);
    }
    return hit;
  }
}

let defaultCache: OpenApiV3Cache | undefined;
let defaultDefs: ResourceDef[] | undefined;

function cacheAndDefs(defs: ResourceDef[] | undefined): [OpenApiV3Cache, ResourceDef[]] {
  defaultCache ??= new OpenApiV3Cache();
  return [defaultCache, defs ?? (defaultDefs ??= builtinResources())];
}

/**
 * OpenAPI 3.0 document of one GroupVersion: paths for every resource of `defs` in that GV
 * (PATCH carries `x-kubernetes-group-version-kind` and `fieldValidation`) and upstream-named
 * `components.schemas`. Cached per GV and set of def objects. Do not mutate the result.
 *
 * @example
 * openApiV3Document({ group: '', version: 'v1' }, builtinResources()).paths['/api/v1/namespaces/{namespace}/configmaps/{name}'];
 */
export function openApiV3Document(gv: GroupVersion, defs?: ResourceDef[]): Json {
  const [cache, all] = cacheAndDefs(defs);
  return cache.document(gv, all);
}

/**
 * The `GET /openapi/v3` index. URLs carry no cluster prefix: client-go re-applies its own base path.
 *
 * @example
 * openApiV3Index(['v1', 'apps/v1']);
 * // {paths: {'api/v1': {serverRelativeURL: '/openapi/v3/api/v1?hash=…'}, 'apis/apps/v1': {…}}}
 */
export function openApiV3Index(groupVersions: string[], defs?: ResourceDef[]): { paths: Record<string, { serverRelativeURL: string }> } {
  const [cache, all] = cacheAndDefs(defs);
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gvString of groupVersions) {
    const gv = parseGroupVersion(gvString);
    const path = openApiPathOf(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${cache.hash(gv, all)}` };
  }
  return { paths };
}
