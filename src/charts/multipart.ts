/** A small multipart/form-data reader for ChartMuseum uploads (`-F chart=@c.tgz -F prov=@c.tgz.prov`). */
import { ChartError } from './errors.ts';

/** The boundary of a multipart/form-data Content-Type, or undefined for other bodies. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new ChartError(400, 'BadRequest', 'multipart/form-data upload without a boundary parameter');
  return m[1] ?? m[2];
}

/** Form fields by name (the part bodies); the first part of each name wins. */
export function parseMultipart(body: Buffer, boundary: string): Map<string, Buffer> {
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, Buffer>();
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new ChartError(400, 'BadRequest', 'multipart upload: the body does not contain the boundary');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), pos);
    if (headerEnd < 0 || next < 0 || headerEnd > next) throw new ChartError(400, 'BadRequest', 'multipart upload is truncated or malformed');
    const headers = body.subarray(pos, headerEnd).toString('latin1');
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined && !fields.has(name)) fields.set(name, body.subarray(headerEnd + 4, next));
    pos = next + 2;
  }
  return fields;
}
