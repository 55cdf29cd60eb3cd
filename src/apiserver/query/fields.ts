/**
 * Field selectors as apimachinery pkg/fields (parse, match) plus the per-kind selectable field
 * sets of kube-apiserver's registries (`ToSelectableFields` / `GetAttrs`).
 */
import { StatusError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { compileJsonPath } from './jsonpath.ts';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '==' | '!=';
  readonly value: string;
}

/** AND of field requirements; empty matches everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

// Unescaped commas separate terms; the backslash is kept for unescapeValue.
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: FieldRequirement['operator']; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const op = termOperators.find((candidate) => term.startsWith(candidate, i));
    if (op) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
  }
  return undefined;
}

function unescapeValue(s: string): string {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a `fieldSelector` query value (fields.ParseSelector). Throws StatusError.badRequest.
 *
 * @example
 * parseFieldSelector('metadata.name=x,status.phase!=Running');
 */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of splitTerms(text).sort()) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw StatusError.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    try {
      requirements.push({ field: term.lhs, operator: term.op, value: unescapeValue(term.rhs) });
    } catch (err) {
      throw StatusError.badRequest((err as Error).message);
    }
  }
  return { requirements };
}

/** A missing field reads as "" (so `spec.nodeName=` finds unscheduled pods), as upstream. */
export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** Throws `field label not supported: <f>` for the first field outside `allowedFields`. */
export function validateFieldSelector(selector: FieldSelector, allowedFields: Iterable<string>): void {
  const allowed = new Set(allowedFields);
  const bad = selector.requirements.find((r) => !allowed.has(r.field));
  if (bad) throw StatusError.badRequest(`field label not supported: ${bad.field}`);
}

type Getter = (obj: Record<string, unknown>) => string;

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const str = (path: string): Getter => (obj) => {
  const v = at(obj, path);
  return typeof v === 'string' ? v : '';
};
const int = (path: string): Getter => (obj) => String(typeof at(obj, path) === 'number' ? Math.trunc(at(obj, path) as number) : 0);
const bool = (path: string): Getter => (obj) => String(at(obj, path) === true);

// Upstream reads status.podIPs[0]; status.podIP is the same address in v1 JSON.
const podIP: Getter = (obj) => {
  const ips = at(obj, 'status.podIPs');
  const first = Array.isArray(ips) ? (ips[0] as { ip?: unknown } | undefined)?.ip : at(obj, 'status.podIP');
  return typeof first === 'string' ? first : '';
};

const involved = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

const kindFields: Record<string, Record<string, Getter>> = {
  Secret: { type: str('type') },
  Namespace: { 'status.phase': str('status.phase') },
  Node: { 'spec.unschedulable': bool('spec.unschedulable') },
  ReplicaSet: { 'status.replicas': int('status.replicas') },
  ReplicationController: { 'status.replicas': int('status.replicas') },
  Job: { 'status.successful': int('status.succeeded') },
  Pod: {
    'spec.nodeName': str('spec.nodeName'),
    'spec.restartPolicy': str('spec.restartPolicy'),
    'spec.schedulerName': str('spec.schedulerName'),
    'spec.serviceAccountName': str('spec.serviceAccountName'),
    'spec.hostNetwork': bool('spec.hostNetwork'),
    'status.phase': str('status.phase'),
    'status.podIP': podIP,
    'status.nominatedNodeName': str('status.nominatedNodeName'),
  },
  Event: {
    ...Object.fromEntries(involved.map((f) => [`involvedObject.${f}`, str(`involvedObject.${f}`)])),
    reason: str('reason'),
    reportingComponent: str('reportingComponent'),
    source: (obj) => str('source.component')(obj) || str('reportingComponent')(obj),
    type: str('type'),
  },
};

function selectableValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(Math.trunc(value));
  if (typeof value === 'boolean') return String(value);
  return '';
}

function customFields(obj: KubeObject, paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    const name = path.replace(/^\{?\.?/, '').replace(/\}$/, '');
    let value: unknown;
    try {
      value = compileJsonPath(path.startsWith('.') || path.startsWith('{') ? path : `.${path}`)(obj)[0];
    } catch {
      value = undefined;
    }
    out[name] = selectableValue(value);
  }
  return out;
}

/**
 * The field set a field selector is matched against: metadata.name, metadata.namespace, the
 * kind's built-in selectable fields and, for custom resources, `extraSelectable` JSON paths
 * (CRD `selectableFields[].jsonPath`, with or without the leading dot).
 *
 * @example
 * fieldsOf(secret, 'Secret'); // { 'metadata.name': 'x', 'metadata.namespace': 'ns', type: 'Opaque' }
 */
export function fieldsOf(obj: KubeObject, kind: string, extraSelectable: readonly string[] = []): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
  for (const [name, get] of Object.entries(kindFields[kind] ?? {})) fields[name] = get(obj as Record<string, unknown>);
  return { ...fields, ...customFields(obj, extraSelectable) };
}

/** Field names `fieldsOf` produces for a kind: the allow-list for validateFieldSelector. */
export function selectableFields(kind: string, extraSelectable: readonly string[] = []): string[] {
  const custom = extraSelectable.map((p) => p.replace(/^\{?\.?/, '').replace(/\}$/, ''));
  return ['metadata.name', 'metadata.namespace', ...Object.keys(kindFields[kind] ?? {}), ...custom];
}
