/**
 * Evaluator for client-go JSONPath templates (util/jsonpath/jsonpath.go) over decoded JSON, with
 * AllowMissingKeys(true) as kubectl and the CRD printer columns use it.
 */
import { StatusError } from '../../kube/errors.ts';
import { goJson, goTypeName } from './gofmt.ts';
import type { PathNode, SliceParam } from './jsonpath-parse.ts';
import { parseJsonPath } from './jsonpath-parse.ts';

type Json = unknown;

function fail(message: string): never {
  throw StatusError.badRequest(message);
}

const isMap = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

function children(v: Json): Json[] {
  if (Array.isArray(v)) return v;
  return isMap(v) ? Object.values(v) : [];
}

function evalField(input: Json[], name: string): Json[] {
  const out: Json[] = [];
  for (const v of input) {
    if (!isMap(v)) continue;
    // `{.}` selects the value itself.
    if (name === '') out.push(v);
    else if (Object.hasOwn(v, name)) out.push(v[name]);
  }
  return out;
}

function sliceBounds(params: readonly SliceParam[], length: number): [number, number] | undefined {
  let start = params[0].known ? params[0].value : 0;
  if (start < 0) start += length;
  let end = params[1].known ? params[1].value : length;
  if (end < 0 || (end === 0 && params[1].derived)) end += length;
  if (end === start) return undefined;
  if (start >= length || start < 0) fail(`array index out of bounds: index ${start}, length ${length}`);
  if (end > length || end < 0) fail(`array index out of bounds: index ${end - 1}, length ${length}`);
  if (start > end) fail(`starting index ${start} is greater than ending index ${end}`);
  return [start, end];
}

function evalArray(input: Json[], params: readonly SliceParam[]): Json[] {
  const out: Json[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) fail(`${goTypeName(v)} is not array or slice`);
    const bounds = sliceBounds(params, v.length);
    // Upstream returns at the first empty slice, dropping later inputs.
    if (!bounds) return out;
    let step = 1;
    if (params[2].known) {
      if (params[2].value <= 0) fail('step must be > 0');
      step = params[2].value;
    }
    for (let i = bounds[0]; i < bounds[1]; i += step) out.push(v[i]);
  }
  return out;
}

function evalRecursive(input: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of input) {
    const kids = children(v);
    if (kids.length === 0) continue;
    out.push(v, ...evalRecursive(kids));
  }
  return out;
}

function compare(op: string, left: Json, right: Json): boolean {
  const kind = (v: Json): string => (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? typeof v : 'invalid');
  if (kind(left) === 'invalid' || kind(right) === 'invalid') fail('invalid type for comparison');
  if (kind(left) !== kind(right)) fail('incompatible types for comparison');
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  if (typeof left === 'boolean') fail('invalid type for comparison');
  const [l, r] = [left as number | string, right as number | string];
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    case '>=':
      return l >= r;
    default:
      return fail(`unrecognized filter operator ${op}`);
  }
}

function single(values: Json[]): Json | undefined {
  if (values.length > 1) fail('can only compare one element at a time');
  return values.length === 0 ? undefined : values[0];
}

function evalFilter(input: Json[], node: Extract<PathNode, { type: 'filter' }>): Json[] {
  const out: Json[] = [];
  for (const v of input) {
    if (!Array.isArray(v)) fail(`${goJson(v)} is not array or slice and cannot be filtered`);
    for (const item of v) {
      const lefts = evalList([item], node.left);
      if (node.op === 'exists') {
        if (lefts.length > 0) out.push(item);
        continue;
      }
      const left = single(lefts);
      const right = left === undefined ? undefined : single(evalList([item], node.right));
      if (left !== undefined && right !== undefined && compare(node.op, left, right)) out.push(item);
    }
  }
  return out;
}

function walk(input: Json[], node: PathNode): Json[] {
  switch (node.type) {
    case 'list':
      return evalList(input, node.nodes);
    case 'text':
      return [node.text];
    case 'literal':
      return input.map(() => node.value);
    case 'field':
      return evalField(input, node.name);
    case 'wildcard':
      return input.flatMap(children);
    case 'recursive':
      return evalRecursive(input);
    case 'array':
      return evalArray(input, node.params);
    case 'filter':
      return evalFilter(input, node);
    case 'union':
      return node.branches.flatMap((branch) => evalList(input, branch));
  }
}

function evalList(input: Json[], nodes: readonly PathNode[]): Json[] {
  return nodes.reduce((values, node) => walk(values, node), input);
}

/**
 * Parses once and returns an evaluator giving one result list per template node (text or
 * `{...}` action), like JSONPath.FindResults. Missing keys yield empty lists; syntax and
 * evaluation errors throw StatusError.badRequest.
 */
export function compileJsonPathResults(template: string): (data: unknown) => unknown[][] {
  const nodes = parseJsonPath(template);
  return (data) => nodes.map((node) => walk([data], node));
}

/**
 * Parses once and returns an evaluator giving all results flattened.
 *
 * @example
 * const ready = compileJsonPath('.status.conditions[?(@.type=="Ready")].status');
 * ready(obj); // ["True"]
 */
export function compileJsonPath(template: string): (data: unknown) => unknown[] {
  const find = compileJsonPathResults(template);
  return (data) => find(data).flat(1);
}

/**
 * Evaluates a client-go JSONPath template (`{.a.b}`, or a bare `.a.b` as printer columns write
 * it) against a decoded object and returns every result.
 *
 * @example
 * evaluateJsonPath('.spec.containers[*].image', pod); // ["nginx", "busybox"]
 */
export function evaluateJsonPath(template: string, obj: unknown): unknown[] {
  return compileJsonPath(template)(obj);
}
