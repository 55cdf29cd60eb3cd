import type { Agent} from 'node:https';
import { request } from 'node:https';
import { http } from './node-http.ts';
const httpRequest = http.request;
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from './types.ts';
import { fromStatus, StatusError } from './errors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchRequest {
  server: string;
  path: string;
  token?: string;
  ca?: string | Buffer;
  agent?: Agent;
  resourceVersion?: string;
  labelSelector?: string;
  timeoutSeconds?: number;
  signal: AbortSignal;
}

/**
 * Streams a Kubernetes watch as an async iterable of events (newline-delimited JSON). Ends when the server
 * closes the stream or the signal aborts; a non-200 answer or an ERROR event with a Status becomes a
 * StatusError (410 Gone means: list again).
 */
export async function* watchStream<T extends KubeObject = KubeObject>(req: WatchRequest): AsyncGenerator<WatchEvent<T>> {
  const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true' });
  if (req.resourceVersion) q.set('resourceVersion', req.resourceVersion);
  if (req.labelSelector) q.set('labelSelector', req.labelSelector);
  if (req.timeoutSeconds) q.set('timeoutSeconds', String(req.timeoutSeconds));
  const url = new URL(`${req.server.replace(/\/$/, '')}${req.path}?${q}`);
  const res = await open(url, req);
  let buffer = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as WatchEvent<T>;
        if (event.type === 'ERROR') throw fromStatus(event.object as never, (event.object as unknown as { code?: number }).code ?? 500);
        yield event;
      }
    }
  } catch (err) {
    if (req.signal.aborted) return;
    throw err;
  } finally {
    res.destroy();
  }
}

function open(url: URL, req: WatchRequest): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(url, { method: 'GET', agent: req.agent, ca: req.ca, signal: req.signal, headers: { Accept: 'application/json', ...(req.token ? { Authorization: `Bearer ${req.token}` } : {}) } }, (res) => {
      if (res.statusCode === 200) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: object = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString());
        } catch {
          // not a Status
        }
        reject(fromStatus(body, res.statusCode ?? 500));
      });
    });
    r.on('error', (err) => reject(req.signal.aborted ? err : StatusError.unavailable(`watch ${url.pathname}: ${err.message}`)));
    r.end();
  });
}
