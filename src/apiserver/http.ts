import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../kube/index.ts';
import { StatusError, toStatusError } from '../kube/index.ts';
import { decodeProtobufObject, isProtobufContentType } from './protobuf/index.ts';

/** HTTP/1.1 and HTTP/2-compat requests share this surface; handlers are typed against HTTP/1's. */
export type Req = IncomingMessage;
export type Res = ServerResponse;

/** kube-apiserver accepts bodies up to 3 MiB (helm release Secrets approach 1 MiB base64-doubled). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export async function readBody(req: Req): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw StatusError.tooLarge('Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: Req): string {
  const header = req.headers['content-type'];
  return (Array.isArray(header) ? header[0] : header ?? '').split(';')[0].trim().toLowerCase();
}

/** Decodes a JSON, YAML or Kubernetes-protobuf request body into an object. */
export function decodeBody(body: Buffer, type: string): unknown {
  if (body.length === 0) return undefined;
  if (isProtobufContentType(type)) return decodeProtobufObject(body).object;
  const text = body.toString('utf8');
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
    return JSON.parse(text);
  } catch (err) {
    const what = type.includes('yaml') ? 'yaml' : 'json';
    throw StatusError.badRequest(`the body of the request was in an unknown format - ${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function asObject(value: unknown, what = 'object'): KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw StatusError.badRequest(`the body of the request must be a JSON ${what}`);
  const obj = value as KubeObject;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw StatusError.badRequest('metadata must be an object');
  return obj;
}

export function sendJson(res: Res, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

export function sendError(res: Res, err: unknown): void {
  const status = toStatusError(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status.toStatus());
}

/** `Warning: 299 - "text"` headers, printed by kubectl as `Warning: text`. */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

export interface AcceptInfo {
  table: boolean;
  aggregatedDiscovery: boolean;
  protobufOnly: boolean;
}

/** Reads the Accept header for the variants we serve (Table, aggregated discovery). */
export function parseAccept(req: Req): AcceptInfo {
  const header = String(req.headers.accept ?? '');
  const entries = header.split(',').map((e) => e.trim().toLowerCase());
  const hasParams = (e: string, want: Record<string, string>) => Object.entries(want).every(([k, v]) => e.split(';').some((p) => p.trim() === `${k}=${v}`));
  const table = entries.some((e) => e.startsWith('application/json') && hasParams(e, { as: 'table', g: 'meta.k8s.io' }) && (hasParams(e, { v: 'v1' }) || hasParams(e, { v: 'v1beta1' })));
  const aggregatedDiscovery = entries.some((e) => e.startsWith('application/json') && hasParams(e, { as: 'apigroupdiscoverylist', g: 'apidiscovery.k8s.io', v: 'v2' }));
  const protobufOnly = entries.length > 0 && entries.every((e) => e.startsWith('application/vnd.kubernetes.protobuf'));
  return { table, aggregatedDiscovery, protobufOnly };
}

export function queryFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}
