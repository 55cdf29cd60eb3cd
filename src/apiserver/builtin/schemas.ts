/**
 * Vendored upstream OpenAPI definitions of the built-in kinds (vendor/definitions.json) and their
 * resolution into self-contained {@link JSONSchemaProps} trees for ResourceDef.schema.
 */
import { readFileSync } from 'node:fs';
import type { JSONSchemaProps } from '../resource.ts';
import { definitionName, META_V1 } from './names.ts';

/** An OpenAPI v2 definition as vendored: `$ref`s point at `#/definitions/<name>`. */
export type Definition = Record<string, unknown>;

/** Where the definitions came from (see README.md). */
export interface DefinitionsFile {
  info: { title?: string; version?: string };
  provenance: string;
  definitions: Record<string, Definition>;
}

const REF_PREFIX = '#/definitions/';
let loaded: DefinitionsFile | undefined;
const resolvedCache = new Map<string, JSONSchemaProps>();

/** The vendored definitions, read once on first use. */
export function builtinDefinitions(): DefinitionsFile {
  loaded ??= JSON.parse(readFileSync(new URL('./vendor/definitions.json', import.meta.url), 'utf8')) as DefinitionsFile;
  return loaded;
}

/** True when the built-in kind has a real upstream schema (not the permissive fallback). */
export function hasBuiltinDefinition(group: string, version: string, kind: string): boolean {
  return builtinDefinitions().definitions[definitionName(group, version, kind, true)] !== undefined;
}

/** Schemas substituted for apimachinery types whose JSON form is not what their Go type says. */
const SPECIAL: Record<string, JSONSchemaProps> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { 'x-kubernetes-int-or-string': true },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { 'x-kubernetes-int-or-string': true },
  [`${META_V1}.Time`]: { type: 'string', format: 'date-time' },
  [`${META_V1}.MicroTime`]: { type: 'string', format: 'date-time' },
  [`${META_V1}.FieldsV1`]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};

/** Permissive schema for kinds without vendored definitions and for recursive references. */
export function permissiveSchema(description?: string): JSONSchemaProps {
  const s: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (description) s.description = description;
  return s;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function withDescription(schema: JSONSchemaProps, description: unknown): JSONSchemaProps {
  return typeof description === 'string' ? { ...schema, description } : schema;
}

function refName(node: Record<string, unknown>): string | undefined {
  const ref = node.$ref;
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/** Resolves one schema node; `stack` holds the definitions being expanded (cycle guard). */
function resolveNode(node: Record<string, unknown>, stack: string[]): JSONSchemaProps {
  const ref = refName(node);
  if (ref !== undefined) return withDescription(resolveDefinition(ref, stack), node.description);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-kubernetes-group-version-kind') continue;
    if (key === 'properties') out[key] = resolveProperties(value as Record<string, Record<string, unknown>>, stack);
    else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) out[key] = resolveNode(value, stack);
    else out[key] = value;
  }
  if (out.properties !== undefined && out.type === undefined) out.type = 'object';
  return out as JSONSchemaProps;
}

function resolveProperties(props: Record<string, Record<string, unknown>>, stack: string[]): Record<string, JSONSchemaProps> {
  const out: Record<string, JSONSchemaProps> = {};
  for (const [name, prop] of Object.entries(props)) out[name] = resolveNode(prop, stack);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolveDefinition(name: string, stack: string[]): JSONSchemaProps {
  const special = SPECIAL[name];
  if (special) return withDescription(special, builtinDefinitions().definitions[name]?.description);
  if (stack.includes(name)) return permissiveSchema(`Recursive reference to ${name}.`);
  const cached = resolvedCache.get(name);
  if (cached) return cached;
  const def = builtinDefinitions().definitions[name];
  if (!def) return permissiveSchema(`No schema vendored for ${name}.`);
  const resolved = deepFreeze(resolveNode(def, [...stack, name]));
  // Only results that did not cut a cycle through an outer definition are context-free.
  if (!JSON.stringify(resolved).includes('Recursive reference to')) resolvedCache.set(name, resolved);
  return resolved;
}

/**
 * Self-contained (all `$ref`s inlined) schema of a vendored definition; recursive references
 * become permissive objects. Results are frozen and shared.
 *
 * @example
 * resolveBuiltinDefinition('io.k8s.api.core.v1.PodSpec').properties?.containers?.['x-kubernetes-patch-merge-key']; // 'name'
 */
export function resolveBuiltinDefinition(name: string): JSONSchemaProps {
  return resolveDefinition(name, []);
}

/** Schema of a built-in kind, or a permissive object schema when none is vendored. */
export function builtinSchema(group: string, version: string, kind: string): JSONSchemaProps {
  return resolveBuiltinDefinition(definitionName(group, version, kind, true));
}
