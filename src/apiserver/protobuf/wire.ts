import { StatusError } from '../../kube/errors.ts';
import { messageType } from './schema.ts';

/** The four bytes every Kubernetes protobuf body starts with: "k8s\0". */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** The `runtime.Unknown` envelope that wraps every protobuf object on the wire. */
export interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  /** The object's own message, e.g. a serialized `k8s.io.api.core.v1.Secret`. */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Checks the magic prefix and decodes the envelope; throws 400 BadRequest on anything else. */
export function unwrapEnvelope(body: Uint8Array): UnknownEnvelope {
  if (!hasMagic(body)) {
    throw StatusError.badRequest('protobuf body does not start with the Kubernetes magic bytes "k8s\\0"; send a body encoded by a Kubernetes client or use Content-Type: application/json');
  }
  let decoded: Record<string, unknown>;
  try {
    decoded = messageType(UNKNOWN).decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw StatusError.badRequest(`corrupt protobuf body: cannot decode the runtime.Unknown envelope: ${(error as Error).message}`);
  }
  const typeMeta = (decoded.typeMeta ?? {}) as Record<string, unknown>;
  return {
    apiVersion: stringOf(typeMeta.apiVersion),
    kind: stringOf(typeMeta.kind),
    raw: decoded.raw instanceof Uint8Array ? decoded.raw : new Uint8Array(),
    contentEncoding: stringOf(decoded.contentEncoding),
    contentType: stringOf(decoded.contentType),
  };
}

/** Wraps a serialized object message in the envelope and prefixes the magic bytes. */
export function wrapEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const type = messageType(UNKNOWN);
  const envelope = type.encode(type.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + envelope.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(envelope, PROTOBUF_MAGIC.length);
  return out;
}

function hasMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((byte, i) => body[i] === byte);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
