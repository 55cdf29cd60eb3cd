/**
 * A minimal protobuf writer for tests: builds bodies byte by byte, independently of protobufjs,
 * the way gogo protobuf lays them out (fields in number order, zero value scalars included).
 */
export type WireField = [id: number, value: string | number | Uint8Array | WireField[]];

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function lengthDelimited(id: number, bytes: Uint8Array): number[] {
  return [...varint((id << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** Encodes fields: numbers as varints, strings/bytes/nested field lists as length-delimited. */
export function wire(fields: WireField[]): Uint8Array {
  const out: number[] = [];
  for (const [id, value] of fields) {
    if (typeof value === 'number') out.push(...varint(id << 3), ...varint(value));
    else if (typeof value === 'string') out.push(...lengthDelimited(id, new TextEncoder().encode(value)));
    else if (value instanceof Uint8Array) out.push(...lengthDelimited(id, value));
    else out.push(...lengthDelimited(id, wire(value)));
  }
  return Uint8Array.from(out);
}

/** Prefixes the magic and wraps `raw` in a runtime.Unknown envelope. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const unknown = wire([[1, [[1, apiVersion], [2, kind]]], [2, raw], [3, ''], [4, '']]);
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown]);
}

/** ObjectMeta as gogo writes it for a fresh object: every value string empty, generation 0, zero Time. */
export function freshMeta(name: string, namespace = '', extra: WireField[] = []): WireField[] {
  return [[1, name], [2, ''], [3, namespace], [4, ''], [5, ''], [6, ''], [7, 0], [8, []], ...extra];
}
