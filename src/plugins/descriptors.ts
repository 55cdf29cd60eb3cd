import type { Descriptor } from './model.ts';

/**
 * Validates a ModuleInfo's `spec.config` against the ModuleConfig's form: the descriptors' x-descriptor URNs
 * (OLM spec-descriptor vocabulary plus Alauda's `validation:*`, alauda.md §10) and the types of the defaults in
 * `spec.config`. Returns every problem at once, each naming the path.
 */
const UI = 'urn:alm:descriptor:com.tectonic.ui:';
const VALIDATION = 'urn:alm:descriptor:validation:';

type FieldType = 'boolean' | 'number' | 'string';

interface FieldRules {
  type?: FieldType;
  options: string[];
  required: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** Reads one descriptor's URNs into rules. */
export function fieldRules(d: Descriptor): FieldRules {
  const rules: FieldRules = { options: [], required: false };
  for (const urn of d['x-descriptors'] ?? []) {
    if (urn.startsWith(UI)) readUi(urn.slice(UI.length), rules);
    else if (urn.startsWith(VALIDATION)) readValidation(urn.slice(VALIDATION.length), rules);
  }
  return rules;
}

function readUi(rest: string, rules: FieldRules): void {
  if (rest === 'booleanSwitch' || rest === 'checkbox') rules.type = 'boolean';
  else if (rest === 'number') rules.type = 'number';
  else if (rest === 'text' || rest === 'textarea' || rest === 'password') rules.type = 'string';
  else if (rest.startsWith('select:')) rules.options.push(rest.slice('select:'.length));
}

function readValidation(rest: string, rules: FieldRules): void {
  const colon = rest.indexOf(':');
  const kind = colon < 0 ? rest : rest.slice(0, colon);
  const arg = colon < 0 ? '' : rest.slice(colon + 1);
  if (kind === 'required') rules.required = true;
  else if (kind === 'minimum' || kind === 'maximum' || kind === 'minLength' || kind === 'maxLength') rules[kind] = Number(arg);
  else if (kind === 'pattern') rules.pattern = arg;
}

/** The value at a dot path (`custom.mps_enable`). */
export function valueAt(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Problems with `config` under `descriptors`, given the ModuleConfig's defaults (for types). */
export function validateConfig(config: unknown, descriptors: Descriptor[], defaults: Record<string, unknown> = {}): string[] {
  const problems: string[] = [];
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) return ['spec.config must be an object'];
  for (const d of descriptors) {
    const rules = fieldRules(d);
    rules.type ??= typeOfDefault(valueAt(defaults, d.path));
    const value = valueAt(config ?? {}, d.path);
    problems.push(...checkField(`spec.config.${d.path}`, value, rules));
  }
  problems.push(...typeMismatches(config ?? {}, defaults, 'spec.config', new Set(descriptors.map((d) => d.path))));
  return problems;
}

function typeOfDefault(v: unknown): FieldType | undefined {
  return typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : undefined;
}

function checkField(path: string, value: unknown, r: FieldRules): string[] {
  if (value === undefined || value === null || value === '') return r.required ? [`${path} is required`] : [];
  if (r.type && typeof value !== r.type) return [`${path} must be a ${r.type}, got ${JSON.stringify(value)}`];
  const out: string[] = [];
  if (r.options.length && !r.options.includes(String(value))) out.push(`${path} must be one of ${r.options.map((o) => `"${o}"`).join(', ')}, got ${JSON.stringify(value)}`);
  if (typeof value === 'number') {
    if (r.minimum !== undefined && value < r.minimum) out.push(`${path} must be at least ${r.minimum}, got ${value}`);
    if (r.maximum !== undefined && value > r.maximum) out.push(`${path} must be at most ${r.maximum}, got ${value}`);
  }
  if (typeof value === 'string') {
    if (r.minLength !== undefined && value.length < r.minLength) out.push(`${path} must be at least ${r.minLength} characters long`);
    if (r.maxLength !== undefined && value.length > r.maxLength) out.push(`${path} must be at most ${r.maxLength} characters long`);
    if (r.pattern !== undefined && !safeRegExp(r.pattern)?.test(value)) out.push(`${path} must match the pattern ${r.pattern}, got ${JSON.stringify(value)}`);
  }
  return out;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/** Scalars whose default is a boolean/number/string must keep that type (paths already checked are skipped). */
function typeMismatches(config: unknown, defaults: unknown, path: string, checked: Set<string>, rel = ''): string[] {
  if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults) || !config || typeof config !== 'object') return [];
  const out: string[] = [];
  for (const [k, def] of Object.entries(defaults)) {
    const value = (config as Record<string, unknown>)[k];
    const key = rel ? `${rel}.${k}` : k;
    if (value === undefined || checked.has(key)) continue;
    const want = typeOfDefault(def);
    if (want && typeof value !== want) out.push(`${path}.${key} must be a ${want} (like its default ${JSON.stringify(def)}), got ${JSON.stringify(value)}`);
    else if (!want) out.push(...typeMismatches(value, def, path, checked, key));
  }
  return out;
}

/** Defaults overlaid with the user's config (objects merge, everything else replaces). */
export function mergeConfig(defaults: unknown, config: unknown): Record<string, unknown> {
  return deepMerge(defaults ?? {}, config ?? {}) as Record<string, unknown>;
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
