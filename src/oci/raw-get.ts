import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import net, { isIP } from 'node:net';
import tls from 'node:tls';
import { OciError, toOciError } from './errors.ts';
import type { HttpRequest, HttpResponse } from './transport.ts';

/**
 * Big blob downloads over a connection of their own, with the body read straight from the socket.
 *
 * Node's HTTP/1.1 parser copies every body chunk into a new Buffer (llhttp on_body → Buffer::Copy): on a
 * 2-core VM about a tenth of a pull's CPU, plus the page faults and GC of that second copy (docs/adr/0005).
 * A blob GET is the simplest HTTP there is — one request, a status line, headers, `Content-Length` bytes —
 * so for blobs of a known, large size the client sends `Connection: close` on a fresh TLS connection,
 * parses the head itself and hands the socket on as the body: the bytes are the decrypted TLS chunks,
 * copied nowhere. Anything unusual (chunked or compressed encoding, 1xx, an oversized head) is retried
 * through the regular client, so behaviour stays that of the regular client.
 */

export interface RawGetOptions {
  ca?: string | Buffer;
  rejectUnauthorized: boolean;
  userAgent: string;
}

const MAX_HEAD_BYTES = 64 * 1024;

/** The response, or 'unsupported' when the regular client must make the request instead. */
export function rawGet(req: HttpRequest, opts: RawGetOptions): Promise<HttpResponse | 'unsupported'> {
  const { url, signal } = req;
  if (signal?.aborted) return Promise.reject(toOciError(signal.reason, url.host, signal));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const socket =
    url.protocol === 'https:'
      ? tls.connect({ host, port, servername: isIP(host) ? undefined : host, ca: opts.ca, rejectUnauthorized: opts.rejectUnauthorized, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
  return new Promise((resolve, reject) => {
    let head: Buffer = Buffer.alloc(0);
    const fail = (err: unknown) => {
      cleanup();
      socket.destroy();
      reject(toOciError(err, url.host, signal));
    };
    const onAbort = () => fail(signal!.reason);
    const onClose = () => fail(new OciError('NETWORK', `connection to ${url.host} closed before the response head`, { retryable: true }));
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) fail(new OciError('PROTOCOL', `response head from ${url.host} exceeds ${MAX_HEAD_BYTES} bytes`));
        return;
      }
      cleanup();
      socket.pause();
      const parsed = parseHead(head.subarray(0, end).toString('latin1'));
      const rest = head.subarray(end + 4);
      if (!parsed || parsed.status < 200 || /chunked|gzip|deflate|br/i.test(String(parsed.headers['transfer-encoding'] ?? '') + String(parsed.headers['content-encoding'] ?? ''))) {
        socket.destroy();
        return resolve('unsupported');
      }
      if (rest.length) socket.unshift(rest);
      // Until the consumer attaches (it may first open a file), a reset must not be an uncaught 'error' event:
      // consumers learn of it through stream.finished() / pipeline(), which read the stream's errored state.
      socket.on('error', () => undefined);
      if (signal) {
        const abortBody = () => socket.destroy(toOciError(signal.reason, url.host, signal));
        signal.addEventListener('abort', abortBody, { once: true });
        socket.once('close', () => signal.removeEventListener('abort', abortBody));
      }
      resolve({ status: parsed.status, headers: parsed.headers, body: socket as unknown as IncomingMessage, url });
    };
    const cleanup = () => {
      socket.off('data', onData).off('error', fail).off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.on('data', onData).once('error', fail).once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, `User-Agent: ${opts.userAgent}`, 'Connection: close', 'Accept-Encoding: identity'];
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (/[\r\n]/.test(name + value)) return fail(new OciError('PROTOCOL', `header ${name} contains a line break`));
      lines.push(`${name}: ${value}`);
    }
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

function parseHead(text: string): { status: number; headers: IncomingHttpHeaders } | undefined {
  const [statusLine, ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(m[1]), headers };
}
