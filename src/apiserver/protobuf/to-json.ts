import protobuf from 'protobufjs';
import type { Field, Type } from 'protobufjs';
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import { StatusError } from '../../kube/errors.ts';
import { isInline, keepsZero } from './fields.ts';

/** A message as protobufjs decodes it: fields present on the wire are own properties. */
type Decoded = Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';

/** Messages with a custom Go JSON form (MarshalJSON upstream). */
const SPECIAL_TO_JSON: Readonly<Record<string, (message: Decoded) => JsonValue | undefined>> = {
  [`${META}.Time`]: (m) => formatTime(m, false),
  [`${META}.MicroTime`]: (m) => formatTime(m, true),
  [`${META}.FieldsV1`]: (m) => parseRawJson(m.Raw, 'FieldsV1'),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (m) => parseRawJson(m.raw, 'RawExtension'),
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => (typeof m.string === 'string' && m.string !== '' ? m.string : '0'),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': intOrStringToJson,
};

/**
 * Converts a decoded message into the JSON Go would produce for the same object (see the
 * rules in fields.ts). Returns undefined for messages whose JSON is absent (a zero Time).
 */
export function messageToJson(type: Type, message: Decoded): JsonValue | undefined {
  const special = SPECIAL_TO_JSON[type.fullName];
  if (special) return special(message);
  const out: JsonObject = {};
  for (const field of type.fieldsArray) addField(out, type.name, field, message);
  return out;
}

function addField(out: JsonObject, messageName: string, field: Field, message: Decoded): void {
  if (!Object.hasOwn(message, field.name)) return;
  const value = message[field.name];
  let json: JsonValue | undefined;
  if (field.map) json = mapToJson(field, value as Record<string, unknown>);
  else if (field.repeated) json = listToJson(field, value as unknown[]);
  else json = singleToJson(messageName, field, value);
  if (json === undefined) return;
  if (isInline(messageName, field.name) && isJsonObject(json)) Object.assign(out, json);
  else out[field.name] = json;
}

function singleToJson(messageName: string, field: Field, value: unknown): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  const json = valueToJson(field, value);
  if (field.resolvedType) return json;
  return isZeroScalar(json) && !keepsZero(messageName, field.name) ? undefined : json;
}

function listToJson(field: Field, values: unknown[]): JsonValue | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.map((value) => valueToJson(field, value) ?? null);
}

/** Map fields: protobufjs's `resolvedType` is the value type. */
function mapToJson(field: Field, entries: Record<string, unknown>): JsonValue | undefined {
  const keys = Object.keys(entries ?? {});
  if (keys.length === 0) return undefined;
  const out: JsonObject = {};
  for (const key of keys) out[key] = valueToJson(field, entries[key]) ?? null;
  return out;
}

/** One element: a message, bytes (→ base64 like Go's []byte), int64 (→ number) or a scalar. */
function valueToJson(field: Field, value: unknown): JsonValue | undefined {
  if (field.resolvedType instanceof protobuf.Type) return messageToJson(field.resolvedType, value as Decoded);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isLong(value)) return value.toNumber();
  return value as JsonValue;
}

function formatTime(message: Decoded, micro: boolean): string | undefined {
  const seconds = toNumber(message.seconds);
  const nanos = toNumber(message.nanos);
  if (seconds === 0 && nanos === 0) return undefined;
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!micro) return `${whole}Z`;
  return `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function intOrStringToJson(message: Decoded): JsonValue {
  if (toNumber(message.type) === 1) return typeof message.strVal === 'string' ? message.strVal : '';
  return toNumber(message.intVal);
}

function parseRawJson(raw: unknown, what: string): JsonValue | undefined {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw StatusError.badRequest(`protobuf body has a ${what} that is not JSON; only JSON-encoded nested objects are supported`);
  }
}

interface LongLike {
  toNumber(): number;
}

function isLong(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && typeof (value as LongLike).toNumber === 'function';
}

function toNumber(value: unknown): number {
  if (isLong(value)) return value.toNumber();
  return typeof value === 'number' ? value : 0;
}

function isZeroScalar(value: JsonValue | undefined): boolean {
  return value === '' || value === 0 || value === false;
}

function isJsonObject(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
