/**
 * Field paths and field sets (structured-merge-diff `fieldpath`), with the FieldsV1 wire encoding
 * used in `metadata.managedFields[].fieldsV1`.
 */
import type { JsonObject, JsonValue } from '../../kube/types.ts';

/**
 * One path element, already in FieldsV1 form: `f:<field>`, `k:<json of key fields>`,
 * `v:<json value>` or `i:<index>`.
 */
export type PathElement = string;

/** A path from the object root, e.g. `['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image']`. */
export type FieldPath = readonly PathElement[];

/**
 * A set of field paths. Every path in the set is a *member* (owned/changed field); ancestors of a
 * member are only implied. Keyed by {@link pathKey}. Treat as immutable.
 */
export type FieldSet = ReadonlyMap<string, FieldPath>;

/** The map key of a path inside a {@link FieldSet}. */
export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

/** Build a set from paths. */
export function makeFieldSet(paths: Iterable<FieldPath>): FieldSet {
  const out = new Map<string, FieldPath>();
  for (const p of paths) out.set(pathKey(p), p);
  return out;
}

export const emptyFieldSet: FieldSet = new Map();

export function hasPath(set: FieldSet, path: FieldPath): boolean {
  return set.has(pathKey(path));
}

export function union(...sets: FieldSet[]): FieldSet {
  const out = new Map<string, FieldPath>();
  for (const s of sets) for (const [k, p] of s) out.set(k, p);
  return out;
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out = new Map<string, FieldPath>();
  for (const [k, p] of a) if (!b.has(k)) out.set(k, p);
  return out;
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out = new Map<string, FieldPath>();
  for (const [k, p] of a) if (b.has(k)) out.set(k, p);
  return out;
}

/** Keys of every proper prefix of every member: lets walkers know where to descend. */
export function prefixKeys(set: FieldSet): Set<string> {
  const out = new Set<string>();
  for (const p of set.values()) for (let i = 1; i < p.length; i++) out.add(pathKey(p.slice(0, i)));
  return out;
}

/**
 * Upstream `EnsureNamedFieldsAreMembers`: a field (`f:`) that has owned children counts as owned
 * itself, so removing an unowned parent never takes owned children with it.
 */
export function ensureFieldsAreMembers(set: FieldSet): FieldSet {
  const out = new Map(set);
  for (const p of set.values()) {
    for (let i = 1; i < p.length; i++) {
      if (p[i - 1].startsWith('f:')) out.set(pathKey(p.slice(0, i)), p.slice(0, i));
    }
  }
  return out;
}

interface Node {
  member: boolean;
  children: Map<PathElement, Node>;
}

function buildTrie(set: FieldSet): Node {
  const root: Node = { member: false, children: new Map() };
  for (const p of set.values()) {
    let n = root;
    for (const pe of p) {
      let c = n.children.get(pe);
      if (!c) n.children.set(pe, (c = { member: false, children: new Map() }));
      n = c;
    }
    n.member = true;
  }
  return root;
}

const TYPE_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Upstream PathElement.Compare: fields < keys < values < indexes, then by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ta = TYPE_ORDER[a[0]] ?? 4;
  const tb = TYPE_ORDER[b[0]] ?? 4;
  if (ta !== tb) return ta - tb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  if (a[0] === 'v') return compareValues(JSON.parse(a.slice(2)), JSON.parse(b.slice(2)));
  if (a[0] === 'k') return compareKeys(JSON.parse(a.slice(2)) as JsonObject, JSON.parse(b.slice(2)) as JsonObject);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareValues(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function compareKeys(a: JsonObject, b: JsonObject): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    if (i >= ka.length) return -1;
    if (i >= kb.length) return 1;
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    const c = compareValues(a[ka[i]], b[kb[i]]);
    if (c !== 0) return c;
  }
  return 0;
}

function sortedChildren(n: Node): [PathElement, Node][] {
  return [...n.children].sort(([a], [b]) => comparePathElements(a, b));
}

/**
 * Paths in upstream iteration order: at each level the members first, then the children's
 * subtrees (this is the order conflicts are reported in).
 */
export function sortedPaths(set: FieldSet): FieldPath[] {
  const out: FieldPath[] = [];
  const visit = (n: Node, prefix: PathElement[]): void => {
    const kids = sortedChildren(n);
    for (const [pe, c] of kids) if (c.member) out.push([...prefix, pe]);
    for (const [pe, c] of kids) if (c.children.size > 0) visit(c, [...prefix, pe]);
  };
  visit(buildTrie(set), []);
  return out;
}

/**
 * Encode a set as FieldsV1 JSON: `{"f:data":{"f:a":{}},"f:spec":{"k:{\"name\":\"x\"}":{".":{},...}}}`.
 *
 * @example
 * toFieldsV1(makeFieldSet([['f:data', 'f:a']])); // {"f:data":{"f:a":{}}}
 */
export function toFieldsV1(set: FieldSet): JsonObject {
  const emit = (n: Node, includeSelf: boolean): JsonObject => {
    const out: JsonObject = {};
    if (includeSelf && n.children.size > 0) out['.'] = {};
    for (const [pe, c] of sortedChildren(n)) out[pe] = emit(c, c.member);
    return out;
  };
  return emit(buildTrie(set), false);
}

/**
 * Decode FieldsV1 JSON into a set. Throws on malformed input (non-object nodes, unknown prefixes).
 */
export function fromFieldsV1(json: JsonValue | undefined): FieldSet {
  const out = new Map<string, FieldPath>();
  const visit = (node: JsonValue, prefix: PathElement[]): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error(`invalid FieldsV1 node at ${formatPath(prefix) || '.'}`);
    const keys = Object.keys(node);
    if (keys.length === 0 && prefix.length > 0) out.set(pathKey(prefix), prefix);
    for (const k of keys) {
      if (k === '.') {
        if (prefix.length > 0) out.set(pathKey(prefix), prefix);
        continue;
      }
      if (!/^[fkvi]:/.test(k)) throw new Error(`invalid FieldsV1 path element ${JSON.stringify(k)}`);
      visit(node[k], [...prefix, k]);
    }
  };
  if (json !== undefined) visit(json, []);
  return out;
}

/** Upstream Path.String(): `.spec.containers[name="app"].image`, `[=value]`, `[0]`. */
export function formatPath(path: FieldPath): string {
  return path.map(formatElement).join('');
}

function formatElement(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = JSON.parse(body) as JsonObject;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${goValueString(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${goValueString(JSON.parse(body) as JsonValue)}]`;
    default:
      return `[${body}]`;
  }
}

function goValueString(v: JsonValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
