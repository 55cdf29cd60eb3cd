/**
 * Go formatting of decoded JSON values, where kube's output depends on it: `fmt.Print` of a
 * float64/int64 (printer cells of type string) and `json.Marshal` (sorted keys, HTML escaping).
 */

/** fmt.Sprint of a JSON number: int64 plainly, float64 as %v (exponent below 1e-4 or from 1e21). */
export function goNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const [mantissa, expText] = value.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 21) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(value);
}

function goString(value: string): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029')
    .replaceAll('\\b', '\\u0008')
    .replaceAll('\\f', '\\u000c');
}

/** encoding/json.Marshal of a decoded JSON value: map keys sorted, `<>&` escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${goString(k)}:${goJson(obj[k])}`).join(',')}}`;
}

/**
 * jsonpath PrintResults for one value, as `kubectl get -o jsonpath` prints it: maps and slices as
 * JSON, scalars with fmt.Print, JSON null as `<nil>`.
 */
export function jsonPathText(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return goJson(value);
  if (typeof value === 'number') return goNumber(value);
  return String(value);
}

/** Go type name of a decoded JSON value, as jsonpath error messages print it. */
export function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}
