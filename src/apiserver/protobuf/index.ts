/**
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into
 * the JSON objects the API server stores. client-go's typed clients (kubectl create …, helm's
 * release Secrets, kubectl auth can-i) send protobuf and do not fall back to JSON on 415.
 *
 * @example
 * if (isProtobufContentType(req.headers['content-type'] ?? '')) {
 *   const { object } = decodeProtobufObject(body); // { apiVersion: 'v1', kind: 'Secret', metadata: {...}, ... }
 * }
 */
import type { Type } from 'protobufjs';
import type { JsonObject, JsonValue } from '../../kube/types.ts';
import { StatusError } from '../../kube/errors.ts';
import { jsonToMessage } from './from-json.ts';
import { protobufTypeNameFor } from './kinds.ts';
import { messageType } from './schema.ts';
import { messageToJson } from './to-json.ts';
import { unwrapEnvelope, wrapEnvelope } from './wire.ts';

export { protobufKinds, protobufTypeNameFor } from './kinds.ts';
export { PROTOBUF_MAGIC } from './wire.ts';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** A decoded protobuf body: the envelope's type and the object in its JSON form. */
export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  /** The object as Go would serialize it to JSON, starting with `apiVersion` and `kind`. */
  object: Record<string, unknown>;
}

/**
 * True for `application/vnd.kubernetes.protobuf` with any parameters and letter case.
 *
 * @example
 * isProtobufContentType('application/vnd.kubernetes.protobuf; charset=utf-8'); // true
 * isProtobufContentType('application/json'); // false
 */
export function isProtobufContentType(contentType: string): boolean {
  return contentType.split(';', 1)[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

/**
 * Decodes a protobuf request body (magic + `runtime.Unknown` + typed message) into JSON.
 * Throws StatusError 400 BadRequest for a bad magic, an unknown kind or corrupt data.
 *
 * @example
 * const { kind, object } = decodeProtobufObject(body);
 */
export function decodeProtobufObject(body: Uint8Array): DecodedProtobufObject {
  const envelope = unwrapEnvelope(body);
  const { apiVersion, kind } = envelope;
  if (envelope.contentEncoding !== '') {
    throw StatusError.badRequest(`protobuf body for ${describe(apiVersion, kind)} uses contentEncoding "${envelope.contentEncoding}", which is not supported`);
  }
  const type = typeFor(apiVersion, kind);
  let json: JsonValue | undefined;
  try {
    json = messageToJson(type, type.decode(envelope.raw) as unknown as Record<string, unknown>);
  } catch (error) {
    if (error instanceof StatusError) throw error;
    throw StatusError.badRequest(`corrupt protobuf body for ${describe(apiVersion, kind)}: ${(error as Error).message}`);
  }
  return { apiVersion, kind, object: { apiVersion, kind, ...(json as JsonObject) } };
}

/**
 * Encodes a JSON object the way a Go client would (gogo zero values included): the inverse of
 * {@link decodeProtobufObject}, for tests and fixtures.
 *
 * @example
 * const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
 */
export function encodeProtobufObject(object: { apiVersion: string; kind: string } & Record<string, unknown>): Uint8Array {
  const { apiVersion, kind, ...rest } = object;
  const type = typeFor(apiVersion, kind);
  const plain = jsonToMessage(type, rest as JsonObject);
  const raw = type.encode(type.fromObject(plain)).finish();
  return wrapEnvelope(apiVersion, kind, raw);
}

function typeFor(apiVersion: string, kind: string): Type {
  const name = protobufTypeNameFor(apiVersion, kind);
  if (name === undefined) {
    throw StatusError.badRequest(`cannot decode a protobuf body of ${describe(apiVersion, kind)}: this server has no protobuf schema for it; send it with Content-Type: application/json`);
  }
  return messageType(name);
}

function describe(apiVersion: string, kind: string): string {
  return `kind "${kind || '<empty>'}" (apiVersion "${apiVersion || '<empty>'}")`;
}
