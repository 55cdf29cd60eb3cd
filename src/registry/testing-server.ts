/**
 * A registry in its own process, for crash tests: `node testing-server.ts <root> <tlsDir>` serves HTTPS on
 * 127.0.0.1 (random port, printed as one JSON line `{"port":N}` on stdout) with the test auth.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureTls } from '../platform/tls.ts';
import { createRegistry } from './index.ts';
import { testAuth } from './testing.ts';

const [root, tlsDir] = process.argv.slice(2);
if (!root || !tlsDir) throw new Error('usage: testing-server.ts <root> <tlsDir>');
const tls = await ensureTls(tlsDir);
const registry = createRegistry({ root, auth: testAuth() });
const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
  void registry.handle(req, res).then((handled) => {
    if (!handled) res.writeHead(404).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
