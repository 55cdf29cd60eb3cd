import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeClient } from '../kube/index.ts';
import { StatusError } from '../kube/index.ts';
import type { UserStore } from './users.ts';
import { adminDenial } from './auth-endpoint.ts';
import { approveAlaudaUpgrades, pendingAlaudaUpgrades } from '../olm/bulk-upgrade.ts';

/** `/platform/v1/clusters/<cluster>/operator-upgrades[/approve]`. */
export const OPERATOR_UPGRADES_PATH = /^\/platform\/v1\/clusters\/([^/]+)\/operator-upgrades(\/approve)?\/?$/;

/**
 * Bulk upgrade of Alauda operators (platform admins; product document "升级流程", SPEC §7):
 * `GET /platform/v1/clusters/<cluster>/operator-upgrades` → `{cluster, items}` (pending upgrades);
 * `POST /platform/v1/clusters/<cluster>/operator-upgrades/approve` → `{cluster, approved}` (each plan approved).
 * `clientFor` returns a KubeClient (admin token) for a known cluster, undefined for an unknown one; it is closed here.
 * Errors are Kubernetes Status objects (with `error` too, like the other platform endpoints).
 */
export async function handleOperatorUpgrades(users: UserStore, clientFor: (cluster: string) => KubeClient | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = OPERATOR_UPGRADES_PATH.exec((req.url ?? '/').split('?')[0]);
  if (!m) return fail(res, 404, 'NotFound', 'the server could not find the requested resource');
  const approve = !!m[2];
  const want = approve ? 'POST' : 'GET';
  if (req.method !== want) return fail(res, 405, 'MethodNotAllowed', `use ${want}`);
  const denied = adminDenial(users, req);
  if (denied) return fail(res, denied.code, denied.code === 401 ? 'Unauthorized' : 'Forbidden', denied.error);
  let cluster: string;
  try {
    cluster = decodeURIComponent(m[1]);
  } catch {
    return fail(res, 400, 'BadRequest', 'bad cluster name');
  }
  const kube = clientFor(cluster);
  if (!kube) return fail(res, 404, 'NotFound', `cluster "${cluster}" not found`);
  try {
    if (approve) send(res, 200, { cluster, approved: await approveAlaudaUpgrades(kube) });
    else send(res, 200, { cluster, items: await pendingAlaudaUpgrades(kube) });
  } catch (err) {
    if (err instanceof StatusError) return fail(res, err.code, err.reason, `cluster "${cluster}": ${err.message}`);
    throw err;
  } finally {
    kube.close();
  }
}

function fail(res: ServerResponse, code: number, reason: string, message: string): void {
  send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, error: message });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
