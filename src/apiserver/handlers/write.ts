import type { KubeObject } from '../../kube/index.ts';
import { StatusError, apiVersionOf, parseApiVersion } from '../../kube/index.ts';
import type { RequestContext } from '../context.ts';
import type { ResourceDef } from '../resource.ts';
import { asObject, decodeBody, mediaType, readBody, sendJson, warningHeaders } from '../http.ts';
import type { WriteOptions, WriteResult } from '../store.ts';
import type { FieldValidation } from '../strategy.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchMetaFor } from '../patch/index.ts';
import { applyServerSide, defaultFieldManager } from '../ssa/index.ts';
import { answerReview } from './reviews.ts';

export function writeOptions(ctx: RequestContext): WriteOptions {
  const q = ctx.query;
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) throw StatusError.badRequest(`Invalid value: ${JSON.stringify(dryRun)}: supported values: "All"`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv)) throw StatusError.badRequest(`fieldValidation parameter unsupported: ${fv}, must be one of Ignore, Warn, Strict`);
  const manager = q.get('fieldManager') ?? defaultFieldManager(String(ctx.req.headers['user-agent'] ?? ''));
  if (manager.length > 128) throw StatusError.badRequest('fieldManager: Too long: may not be longer than 128');
  return { dryRun: dryRun.length > 0, fieldManager: manager, fieldValidation: fv as FieldValidation };
}

/** POST to a collection. */
export async function handleCreate(ctx: RequestContext, def: ResourceDef, namespace: string | undefined): Promise<void> {
  const body = asObject(decodeBody(await readBody(ctx.req), mediaType(ctx.req)));
  checkTypeMeta(def, body);
  const review = answerReview(ctx, def, body);
  if (review) return sendJson(ctx.res, 201, review);
  if (def.namespaced && body.metadata.namespace && body.metadata.namespace !== namespace) {
    throw StatusError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!body.metadata.name && !body.metadata.generateName) {
    throw StatusError.invalid({ group: def.group, kind: def.kind }, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  respond(ctx, await ctx.store.create(ctx.cluster.name, def, namespace, body, writeOptions(ctx)));
}

/** PUT to an object or its status subresource. */
export async function handleUpdate(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, name: string, subresource?: string): Promise<void> {
  const body = asObject(decodeBody(await readBody(ctx.req), mediaType(ctx.req)));
  checkTypeMeta(def, body);
  if (body.metadata.name && body.metadata.name !== name) {
    throw StatusError.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const opts = { ...writeOptions(ctx), subresource, requireResourceVersion: !def.allowUnconditionalUpdate };
  respond(ctx, await ctx.store.update(ctx.cluster.name, def, namespace, name, () => ({ ...body, metadata: { ...body.metadata, name } }), opts));
}

/** PATCH: JSON patch, merge patch, strategic merge patch (built-ins) or server-side apply. */
export async function handlePatch(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, name: string, subresource?: string): Promise<void> {
  const type = mediaType(ctx.req);
  const raw = await readBody(ctx.req);
  const opts = { ...writeOptions(ctx), subresource };
  if (type === 'application/apply-patch+yaml') return respond(ctx, await serverSideApply(ctx, def, namespace, name, raw, opts));
  const patch = decodePatch(raw, type, def);
  const mutate = (current: KubeObject | undefined): KubeObject => {
    const patched = applyPatchOfType(type, current!, patch, def);
    const obj = asObject(patched);
    if (obj.metadata.name !== name) throw StatusError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    // A resourceVersion the patch sets is a precondition; otherwise the patch applies to whatever is current.
    if (obj.metadata.resourceVersion === current!.metadata.resourceVersion) delete obj.metadata.resourceVersion;
    return obj;
  };
  respond(ctx, await ctx.store.update(ctx.cluster.name, def, namespace, name, mutate, opts));
}

function decodePatch(raw: Buffer, type: string, def: ResourceDef): unknown {
  const accepted = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
  if (type === 'application/strategic-merge-patch+json' && !def.builtin) {
    throw StatusError.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  }
  if (!['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].includes(type)) {
    throw StatusError.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}, application/strategic-merge-patch+json`);
  }
  const patch = decodeBody(raw, 'application/json');
  if (patch === undefined) throw StatusError.badRequest('the body of the request is empty');
  return patch;
}

function applyPatchOfType(type: string, current: KubeObject, patch: unknown, def: ResourceDef): unknown {
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(patch)) throw StatusError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    return applyJsonPatch(current, patch);
  }
  if (type === 'application/merge-patch+json') return applyMergePatch(current, patch);
  return applyStrategicMergePatch(current, patch, patchSchema(def));
}

async function serverSideApply(ctx: RequestContext, def: ResourceDef, namespace: string | undefined, name: string, raw: Buffer, opts: WriteOptions & { subresource?: string }): Promise<WriteResult> {
  const applied = asObject(decodeBody(raw, 'application/apply-patch+yaml'));
  checkTypeMeta(def, applied, true);
  if (applied.metadata.name && applied.metadata.name !== name) throw StatusError.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  if (!ctx.query.get('fieldManager')) throw StatusError.badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const force = ctx.query.get('force') === 'true';
  applied.metadata.name = name;
  if (def.namespaced) applied.metadata.namespace = namespace;
  const mutate = (current: KubeObject | undefined): KubeObject => {
    const result = applyServerSide({ live: current, applied, manager: opts.fieldManager, force, schema: patchSchema(def), apiVersion: apiVersionOf(def.group, def.version), subresource: opts.subresource, now: ctx.store.timestamp() });
    if (!applied.metadata.resourceVersion) delete result.metadata.resourceVersion;
    return result;
  };
  return ctx.store.update(ctx.cluster.name, def, namespace, name, mutate, { ...opts, createIfMissing: opts.subresource === undefined, ssa: true });
}

/** The body's apiVersion/kind must name this resource (absent is allowed and filled in). */
function checkTypeMeta(def: ResourceDef, body: KubeObject, required = false): void {
  if (required && (!body.apiVersion || !body.kind)) throw StatusError.badRequest('apiVersion and kind must be set in an apply configuration');
  if (body.kind && body.kind !== def.kind) throw StatusError.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`);
  if (body.apiVersion) {
    const gv = parseApiVersion(body.apiVersion);
    if (gv.group !== def.group || gv.version !== def.version) {
      throw StatusError.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(def.group, def.version)})`);
    }
  }
  body.apiVersion = apiVersionOf(def.group, def.version);
  body.kind = def.kind;
}

export function respond(ctx: RequestContext, result: WriteResult): void {
  sendJson(ctx.res, result.created ? 201 : 200, result.object, warningHeaders(result.warnings));
}

/** Built-ins: the hand-checked patch metadata first (vendored schemas may lag upstream); CRs: their schema. */
function patchSchema(def: ResourceDef) {
  return def.builtin ? (patchMetaFor(def.kind) ?? def.schema) : def.schema;
}
