/**
 * CRD defaulting (apiextensions v1 SetDefaults_*) and the translation of a CRD into the
 * {@link ResourceDef}s the API server serves.
 */
import type { KubeObject } from '../../kube/types.ts';
import { ALL_VERBS } from '../resource.ts';
import type { JSONSchemaProps, PrinterColumn, ResourceDef, ScaleSubresource } from '../resource.ts';
import { cloneJson, isObject } from './util.ts';
import type { JsonMap } from './util.ts';

function obj(v: unknown): JsonMap {
  return isObject(v) ? v : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Return a defaulted copy of a CRD: `names.singular` = lowercase kind, `names.listKind` =
 * kind + "List", `conversion` = `{strategy: None}`, webhook service port 443. Scope has no
 * default in v1 (it is required).
 *
 * @example
 * defaultCRD(crd).spec.names.listKind; // 'WidgetList'
 */
export function defaultCRD(crd: KubeObject): KubeObject {
  const out = cloneJson(crd);
  if (!isObject(out.spec)) return out;
  const spec = out.spec;
  const names = obj(spec.names);
  const kind = typeof names.kind === 'string' ? names.kind : '';
  if (!names.singular && kind) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (isObject(spec.names)) spec.names = names;
  if (!isObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  const service = obj(obj(obj(obj(spec.conversion).webhook).clientConfig).service);
  if (isObject(obj(obj(spec.conversion).webhook).clientConfig) && 'name' in service && service.port === undefined) service.port = 443;
  return out;
}

function scaleOf(sub: JsonMap): ScaleSubresource | undefined {
  if (!isObject(sub.scale)) return undefined;
  const scale: ScaleSubresource = { specReplicasPath: String(sub.scale.specReplicasPath ?? ''), statusReplicasPath: String(sub.scale.statusReplicasPath ?? '') };
  if (typeof sub.scale.labelSelectorPath === 'string') scale.labelSelectorPath = sub.scale.labelSelectorPath;
  return scale;
}

/** `.spec.color` → `spec.color`, the field-selector name upstream derives from selectableFields. */
function selectableFieldsOf(v: JsonMap): string[] | undefined {
  if (!Array.isArray(v.selectableFields) || v.selectableFields.length === 0) return undefined;
  return v.selectableFields.map((f) => String(obj(f).jsonPath ?? '').replace(/^\./, ''));
}

/**
 * One {@link ResourceDef} per served version of a (defaulted) CRD.
 *
 * @example
 * resourceDefsFromCRD(widgetCRD).map((d) => d.version); // ['v1']
 */
export function resourceDefsFromCRD(crd: KubeObject): ResourceDef[] {
  const spec = obj(defaultCRD(crd).spec);
  const names = obj(spec.names);
  const versions = Array.isArray(spec.versions) ? spec.versions.map(obj) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  return versions.filter((v) => v.served === true).map((v) => {
    const sub = obj(v.subresources);
    const def: ResourceDef = {
      group: String(spec.group ?? ''),
      version: String(v.name ?? ''),
      kind: String(names.kind ?? ''),
      listKind: String(names.listKind ?? ''),
      plural: String(names.plural ?? ''),
      singular: String(names.singular ?? ''),
      shortNames: strings(names.shortNames),
      categories: strings(names.categories),
      namespaced: spec.scope === 'Namespaced',
      verbs: [...ALL_VERBS],
      statusSubresource: isObject(sub.status),
      builtin: false,
      allowUnconditionalUpdate: false,
    };
    const scale = scaleOf(sub);
    if (scale) def.scale = scale;
    const schema = obj(v.schema).openAPIV3Schema;
    if (isObject(schema)) def.schema = schema as JSONSchemaProps;
    if (Array.isArray(v.additionalPrinterColumns)) def.printerColumns = v.additionalPrinterColumns as unknown as PrinterColumn[];
    if (typeof storage === 'string' && storage !== def.version) def.storageVersion = storage;
    const selectable = selectableFieldsOf(v);
    if (selectable) def.selectableFields = selectable;
    return def;
  });
}
