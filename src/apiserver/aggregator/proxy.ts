import { request as httpsRequest } from 'node:https';
import { http } from '../../kube/node-http.ts';
const httpRequest = http.request;
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../kube/index.ts';
import type { Req, Res } from '../http.ts';
import type { UserInfo } from '../context.ts';

/** Where an aggregated group/version is served. */
export interface BackendTarget {
  /** Base URL, e.g. https://127.0.0.1:8443 */
  url: string;
  /** PEM CA to verify the backend (APIService spec.caBundle); absent with insecureSkipTLSVerify. */
  ca?: string;
  insecureSkipTLSVerify: boolean;
}

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'authorization', 'proxy-authorization', 'te', 'trailer']);

/**
 * Forwards a request to an aggregated API server (kube-aggregator style): the caller's identity goes
 * in X-Remote-User / X-Remote-Group, the path loses the logical-cluster prefix, bodies and watch
 * streams pass through unbuffered.
 */
export function proxyRequest(target: BackendTarget, path: string, req: Req, res: Res, user: UserInfo): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.has(k) && !k.startsWith(':')) headers[k] = v;
    headers['x-remote-user'] = user.name;
    headers['x-remote-group'] = user.groups;
    const url = new URL(path, target.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(url, { method: req.method, headers, ca: target.ca, rejectUnauthorized: !target.insecureSkipTLSVerify }, (back: IncomingMessage) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(back.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) out[k] = v;
      res.writeHead(back.statusCode ?? 502, out);
      (res as { flushHeaders?: () => void }).flushHeaders?.();
      back.pipe(res);
      back.on('end', () => resolve());
      back.on('error', reject);
    });
    upstream.on('error', (err) => reject(StatusError.unavailable(`error trying to reach service: ${err.message}`)));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}

/** GET of a JSON document from the backend (discovery, OpenAPI). */
export function fetchJson(target: BackendTarget, path: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, target.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' }, ca: target.ca, rejectUnauthorized: !target.insecureSkipTLSVerify, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${path} returned HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()));
        } catch (err) {
          reject(new Error(`${path} did not return JSON: ${(err as Error).message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
