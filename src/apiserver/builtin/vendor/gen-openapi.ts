/**
 * Regenerates `definitions.json` from an upstream Kubernetes swagger (OpenAPI v2) document plus
 * `overlay.json`. Run by hand; see ../README.md for where the input comes from.
 *
 *   node src/apiserver/builtin/vendor/gen-openapi.ts <swagger.json> [provenance text]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinResourcesWithoutSchemas } from '../resources.ts';
import { definitionName, META_V1 } from '../names.ts';

type Def = Record<string, unknown> & { properties?: Record<string, unknown> };
type Defs = Record<string, Def>;

interface Overlay {
  aliases: Record<string, string>;
  gvk: Record<string, { group: string; version: string; kind: string }>;
  definitions: Defs;
  properties: Record<string, Record<string, unknown>>;
}

const REF = '#/definitions/';
const EXTRA_ROOTS = [`${META_V1}.Patch`, `${META_V1}.Status`, `${META_V1}.DeleteOptions`, `${META_V1}.WatchEvent`, 'io.k8s.api.autoscaling.v1.Scale'];

function renameRefs(value: unknown, rename: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, rename));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') out[k] = REF + (rename.get(v.slice(REF.length)) ?? v.slice(REF.length));
    else out[k] = renameRefs(v, rename);
  }
  return out;
}

/** Copies old-version definitions under new names; refs between aliased definitions follow. */
function applyAliases(defs: Defs, aliases: Record<string, string>): void {
  for (const [to, from] of Object.entries(aliases)) {
    const src = defs[from];
    if (!src) throw new Error(`alias ${to}: source definition ${from} not found in input`);
    // Map every old name to the alias within the same target package only.
    const pkg = to.slice(0, to.lastIndexOf('.'));
    const rename = new Map(Object.entries(aliases).filter(([t]) => t.startsWith(pkg + '.')).map(([t, f]) => [f, t]));
    const copy = renameRefs(src, rename) as Def;
    const gvks = copy['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
    if (gvks?.[0]) copy['x-kubernetes-group-version-kind'] = [{ ...gvks[0], version: pkg.slice(pkg.lastIndexOf('.') + 1), kind: to.slice(pkg.length + 1) }];
    defs[to] = copy;
  }
}

function applyOverlay(defs: Defs, overlay: Overlay): void {
  applyAliases(defs, overlay.aliases);
  Object.assign(defs, structuredClone(overlay.definitions));
  for (const [name, gvk] of Object.entries(overlay.gvk)) defs[name]['x-kubernetes-group-version-kind'] = [gvk];
  for (const [name, props] of Object.entries(overlay.properties)) {
    const def = defs[name];
    if (!def) throw new Error(`overlay properties: ${name} not found`);
    def.properties ??= {};
    for (const [prop, schema] of Object.entries(props)) {
      if (schema === null) delete def.properties[prop];
      else def.properties[prop] = schema;
    }
    if (Array.isArray(def.required)) def.required = def.required.filter((r: string) => def.properties?.[r] !== undefined);
  }
}

function collectRefs(value: unknown, into: string[]): void {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v.slice(REF.length));
      else collectRefs(v, into);
    }
  }
}

/** Definitions reachable from the served kinds, their lists and the meta types. */
function reachable(defs: Defs, roots: string[]): Defs {
  const out: Defs = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (out[name]) continue;
    const def = defs[name];
    if (!def) throw new Error(`definition ${name} is referenced but missing`);
    out[name] = def;
    collectRefs(def, queue);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function main(): void {
  const [input, provenance = ''] = process.argv.slice(2);
  if (!input) throw new Error('usage: gen-openapi.ts <swagger.json> [provenance]');
  const swagger = JSON.parse(readFileSync(input, 'utf8')) as { info: unknown; definitions: Defs };
  const overlay = JSON.parse(readFileSync(new URL('overlay.json', import.meta.url), 'utf8')) as Overlay;
  const defs = swagger.definitions;
  applyOverlay(defs, overlay);
  const roots = builtinResourcesWithoutSchemas().flatMap((d) => [
    definitionName(d.group, d.version, d.kind, true),
    ...(d.verbs.includes('list') ? [definitionName(d.group, d.version, d.listKind, true)] : []),
  ]);
  const out = { info: swagger.info, provenance, definitions: reachable(defs, [...roots, ...EXTRA_ROOTS]) };
  writeFileSync(new URL('definitions.json', import.meta.url), JSON.stringify(out) + '\n');
  process.stdout.write(`wrote ${Object.keys(out.definitions).length} definitions\n`);
}

main();
