import protobuf from 'protobufjs';
import type { Field, Type } from 'protobufjs';
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import { StatusError } from '../../kube/errors.ts';
import { isInline, keepsZero } from './fields.ts';

/** A plain object that protobufjs `Type.fromObject` accepts. */
type Plain = Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;

const SPECIAL_FROM_JSON: Readonly<Record<string, (json: JsonValue) => Plain>> = {
  [TIME]: parseTime,
  [MICRO_TIME]: parseTime,
  [`${META}.FieldsV1`]: (json) => ({ Raw: Buffer.from(JSON.stringify(json)) }),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (json) => ({ raw: Buffer.from(JSON.stringify(json)) }),
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (json) => ({ string: String(json) }),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': (json) =>
    typeof json === 'string' ? { type: 1, strVal: json } : { type: 0, intVal: Number(json) },
};

/**
 * Builds the protobufjs plain object for a JSON object, the way a Go client marshals it with
 * gogo protobuf: value scalars the JSON leaves out are written as zero (`""`, `0`, `false`)
 * and zero Times as empty messages, so a decoder sees what a real client sends. Pointer fields
 * (listed in fields.ts) are written only when present.
 */
export function jsonToMessage(type: Type, json: JsonValue): Plain {
  const special = SPECIAL_FROM_JSON[type.fullName];
  if (special) return special(json);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw StatusError.badRequest(`cannot encode ${type.name}: expected an object, got ${JSON.stringify(json)}`);
  }
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const value = fieldFromJson(type.name, field, json);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

function fieldFromJson(messageName: string, field: Field, json: JsonObject): unknown {
  if (isInline(messageName, field.name)) return jsonToMessage(field.resolvedType as Type, json);
  const value = json[field.name];
  if (value === undefined || value === null) return zeroFor(messageName, field);
  if (field.map) return mapFromJson(field, value);
  if (field.repeated) return (value as JsonValue[]).map((item) => elementFromJson(field, item));
  return elementFromJson(field, value);
}

function mapFromJson(field: Field, value: JsonValue): Plain {
  const out: Plain = {};
  for (const [key, item] of Object.entries(value as JsonObject)) out[key] = elementFromJson(field, item);
  return out;
}

function elementFromJson(field: Field, value: JsonValue): unknown {
  return field.resolvedType instanceof protobuf.Type ? jsonToMessage(field.resolvedType, value) : value;
}

/** What gogo writes for a field the Go struct leaves at its zero value. */
function zeroFor(messageName: string, field: Field): unknown {
  if (field.repeated || field.map || keepsZero(messageName, field.name)) return undefined;
  if (field.resolvedType) return field.resolvedType.fullName === TIME ? {} : undefined;
  if (field.type === 'string') return '';
  if (field.type === 'bool') return false;
  if (field.type === 'bytes') return undefined;
  return 0;
}

function parseTime(json: JsonValue): Plain {
  const text = String(json);
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw StatusError.badRequest(`cannot encode time ${JSON.stringify(json)}: not RFC 3339`);
  const fraction = /\.(\d{1,9})/.exec(text)?.[1] ?? '';
  return { seconds: Math.floor(millis / 1000), nanos: Number(fraction.padEnd(9, '0') || '0') };
}
