/** OpenAPI v3 `paths` entries of one resource, shaped like kube-apiserver's (enough for kubectl and helm). */
import type { ResourceDef } from '../resource.ts';
import { META_V1 } from './names.ts';

type Json = Record<string, unknown>;

const JSON_MEDIA = ['application/json', 'application/yaml'];
const PATCH_MEDIA = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
const SMP_MEDIA = 'application/strategic-merge-patch+json';

function ref(name: string): Json {
  return { $ref: `#/components/schemas/${name}` };
}

function query(name: string, type: string, description: string): Json {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Json {
  return { name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } };
}

const DRY_RUN = query('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = query('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query('fieldValidation', 'string', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.');
const FORCE = query('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Must be unset for non-apply patch requests.');
const PRETTY = query('pretty', 'string', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  query('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  query('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  query('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  query('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  query('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  query('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  query('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  query('sendInitialEvents', 'boolean', 'sendInitialEvents=true may be set together with watch=true.'),
  query('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  query('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
];

/** What the path builder needs to know about the resource's documents. */
export interface PathContext {
  def: ResourceDef;
  kindSchema: string;
  listSchema: string;
  /** Advertise strategic merge patch (built-in kind with a real schema). */
  strategicMerge: boolean;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "rbac.authorization.k8s.io" → "RbacAuthorization", "" → "Core" (upstream operationId style). */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(capitalize).join('');
}

function content(schema: Json, media = JSON_MEDIA): Json {
  return Object.fromEntries(media.map((m) => [m, { schema }]));
}

function operation(ctx: PathContext, action: string, verbWord: string, suffix: string, extra: Json): Json {
  const { def } = ctx;
  const scope = def.namespaced && !suffix.startsWith('ForAll') ? 'Namespaced' : '';
  return {
    operationId: `${verbWord}${groupWord(def.group)}${capitalize(def.version)}${scope}${def.kind}${suffix}`,
    tags: [`${groupWord(def.group).toLowerCase()}_${def.version}`],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, version: def.version, kind: def.kind },
    ...extra,
  };
}

function okResponse(schemaName: string, code = '200'): Json {
  return { [code]: { description: 'OK', content: content(ref(schemaName)) }, '401': { description: 'Unauthorized' } };
}

function patchOp(ctx: PathContext, suffix: string): Json {
  const media = ctx.strategicMerge ? [...PATCH_MEDIA, SMP_MEDIA] : PATCH_MEDIA;
  return operation(ctx, 'patch', 'patch', suffix, {
    description: `partially update the specified ${ctx.def.kind}${suffix ? ' status' : ''}`,
    parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
    requestBody: { required: true, content: content(ref(`${META_V1}.Patch`), media) },
    responses: okResponse(ctx.kindSchema),
  });
}

function writeOp(ctx: PathContext, action: 'put' | 'post', suffix: string): Json {
  return operation(ctx, action, action === 'put' ? 'replace' : 'create', suffix, {
    description: `${action === 'put' ? 'replace' : 'create'} ${suffix ? 'status of ' : ''}the specified ${ctx.def.kind}`,
    parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
    requestBody: { required: true, content: content(ref(ctx.kindSchema)) },
    responses: okResponse(ctx.kindSchema),
  });
}

function itemPath(ctx: PathContext): Json {
  const { def } = ctx;
  const ops: Json = { parameters: [pathParam('name', `name of the ${def.kind}`), ...namespaceParam(def), PRETTY] };
  if (def.verbs.includes('get')) ops.get = operation(ctx, 'get', 'read', '', { description: `read the specified ${def.kind}`, responses: okResponse(ctx.kindSchema) });
  if (def.verbs.includes('update')) ops.put = writeOp(ctx, 'put', '');
  if (def.verbs.includes('patch')) ops.patch = patchOp(ctx, '');
  if (def.verbs.includes('delete')) {
    ops.delete = operation(ctx, 'delete', 'delete', '', {
      description: `delete a ${def.kind}`,
      parameters: [DRY_RUN, query('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'), query('propagationPolicy', 'string', 'Whether and how garbage collection will be performed.')],
      requestBody: { content: content(ref(`${META_V1}.DeleteOptions`)) },
      responses: okResponse(`${META_V1}.Status`),
    });
  }
  return ops;
}

function statusPath(ctx: PathContext): Json {
  const { def } = ctx;
  return {
    parameters: [pathParam('name', `name of the ${def.kind}`), ...namespaceParam(def), PRETTY],
    get: operation(ctx, 'get', 'read', 'Status', { description: `read status of the specified ${def.kind}`, responses: okResponse(ctx.kindSchema) }),
    put: writeOp(ctx, 'put', 'Status'),
    patch: patchOp(ctx, 'Status'),
  };
}

function collectionPath(ctx: PathContext): Json {
  const { def } = ctx;
  const ops: Json = { parameters: [...namespaceParam(def), PRETTY] };
  if (def.verbs.includes('list')) ops.get = operation(ctx, 'list', 'list', '', { description: `list or watch objects of kind ${def.kind}`, parameters: LIST_PARAMS, responses: okResponse(ctx.listSchema) });
  if (def.verbs.includes('create')) ops.post = writeOp(ctx, 'post', '');
  if (def.verbs.includes('deletecollection')) {
    ops.delete = operation(ctx, 'deletecollection', 'deleteCollection', '', { description: `delete collection of ${def.kind}`, parameters: [DRY_RUN, ...LIST_PARAMS], responses: okResponse(`${META_V1}.Status`) });
  }
  return ops;
}

function namespaceParam(def: ResourceDef): Json[] {
  return def.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
}

/** Every path (collection, item, status, all-namespaces list) the server serves for `ctx.def`. */
export function resourcePaths(ctx: PathContext): Record<string, Json> {
  const { def } = ctx;
  const prefix = def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  const collection = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
  const paths: Record<string, Json> = { [collection]: collectionPath(ctx) };
  if (def.verbs.some((v) => v !== 'create' && v !== 'list' && v !== 'deletecollection')) paths[`${collection}/{name}`] = itemPath(ctx);
  if (def.statusSubresource) paths[`${collection}/{name}/status`] = statusPath(ctx);
  if (def.namespaced && def.verbs.includes('list')) {
    paths[`${prefix}/${def.plural}`] = {
      parameters: [PRETTY],
      get: operation(ctx, 'list', 'list', 'ForAllNamespaces', { description: `list or watch objects of kind ${def.kind}`, parameters: LIST_PARAMS, responses: okResponse(ctx.listSchema) }),
    };
  }
  return paths;
}
