/**
 * Label selectors as apimachinery pkg/labels: requirements, matching, metav1.LabelSelector
 * conversion and the canonical string form. The text parser lives in labels-parse.ts.
 */
import { StatusError } from '../../kube/errors.ts';
import { aggregate, invalidValue, isQualifiedName, isValidLabelValue } from './validation.ts';

/** selection.Operator values, verbatim. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and unique when parsed from text. */
  readonly values: readonly string[];
}

/** AND of requirements. `matchesNothing` is labels.Nothing() (a nil metav1.LabelSelector). */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  readonly matchesNothing?: boolean;
}

/** metav1.LabelSelector as found in Deployment.spec.selector and friends. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** The label key error message exactly as upstream validateLabelKey renders it. */
export function labelKeyError(key: string, path: string | null): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidValue(path, key, errs.join('; ')) : undefined;
}

function valueErrors(op: LabelOperator, values: readonly string[]): string[] {
  const label = JSON.stringify(values);
  switch (op) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [`values: Invalid value: ${label}: for 'in', 'notin' operators, values set can't be empty`] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [`values: Invalid value: ${label}: exact-match compatibility requires one single value`] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [`values: Invalid value: ${label}: values set must be empty for exists and does not exist`] : [];
    case 'gt':
    case 'lt': {
      const errs = values.length !== 1 ? [`values: Invalid value: ${label}: for 'Gt', 'Lt' operators, exactly one value is required`] : [];
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      return errs;
    }
  }
}

/**
 * labels.NewRequirement: validates key, operator arity and values; throws the aggregated
 * message (as a plain Error; callers wrap it).
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): Requirement {
  const errs: string[] = [];
  const keyErr = labelKeyError(key, 'key');
  if (keyErr) errs.push(keyErr);
  errs.push(...valueErrors(operator, values));
  values.forEach((v, i) => {
    const bad = isValidLabelValue(v);
    if (bad.length) errs.push(invalidValue(`values[${i}][${key}]`, v, bad.join('; ')));
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values: [...values] };
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt':
      return has && compareInt(r.operator, value, r.values);
  }
}

function compareInt(op: 'gt' | 'lt', value: string, values: readonly string[]): boolean {
  if (values.length !== 1 || !/^[+-]?\d+$/.test(value) || !/^[+-]?\d+$/.test(values[0])) return false;
  const [left, right] = [BigInt(value), BigInt(values[0])];
  return op === 'gt' ? left > right : left < right;
}

/**
 * True when every requirement matches (an empty selector matches everything).
 *
 * @example
 * matchesLabels(parseLabelSelector('owner=helm'), { owner: 'helm' }); // true
 */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | null | undefined): boolean {
  if (selector.matchesNothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => matchesRequirement(r, set));
}

/** True for the selector that does not restrict anything. */
export function isEverything(selector: LabelSelector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0;
}

/** Requirements sorted by key, as labels.Selector.Add does (stable here). */
export function sortRequirements(requirements: Requirement[]): Requirement[] {
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const expressionOperators: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: nil → matches nothing, `{}` → everything. Throws
 * StatusError.badRequest on an unknown operator or an invalid key/value.
 *
 * @example
 * labelSelectorFromObject({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] });
 */
export function labelSelectorFromObject(object: LabelSelectorObject | null | undefined): LabelSelector {
  if (!object) return { requirements: [], matchesNothing: true };
  const requirements: Requirement[] = [];
  try {
    for (const [k, v] of Object.entries(object.matchLabels ?? {})) requirements.push(newRequirement(k, '=', [v]));
    for (const expr of object.matchExpressions ?? []) {
      const op = expressionOperators[expr.operator];
      if (!op) throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
      requirements.push(newRequirement(expr.key, op, expr.values ?? []));
    }
  } catch (err) {
    throw StatusError.badRequest((err as Error).message);
  }
  return { requirements: sortRequirements(requirements) };
}

function requirementString(r: Requirement): string {
  const values = [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** labels.Selector.String(): requirements joined by ",". Empty for everything and nothing. */
export function labelSelectorString(selector: LabelSelector): string {
  return selector.matchesNothing ? '' : selector.requirements.map(requirementString).join(',');
}

/** metav1.FormatLabelSelector: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(object: LabelSelectorObject | null | undefined): string {
  try {
    return labelSelectorString(labelSelectorFromObject(object)) || '<none>';
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `k=v,...` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

export { binaryOperators };
