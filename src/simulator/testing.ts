/**
 * Test harness shared by the node simulator and OLM operator tests: an in-process API server (memory storage,
 * plain HTTP, OLM CRDs installed) and an in-process OCI registry over plain HTTP (viewer/pw pull, admin/pw push),
 * plus helpers to push a small test image and to wait. Not imported by production code.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../apiserver/index.ts';
import { createMemoryStorage } from '../storage/index.ts';
import { createKubeClient } from '../kube/index.ts';
import type { KubeClient } from '../kube/index.ts';
import { copyImage, createRegistryClient, parseReference } from '../oci/index.ts';
import type { RegistryClient } from '../oci/index.ts';
import { writeTestImageLayout } from '../oci/fixtures.ts';
import { createRegistry } from '../registry/index.ts';
import { testAuth } from '../registry/testing.ts';
import { OLM_CRDS } from '../olm/crds/index.ts';

/** A running API server + registry pair. */
export interface TestEnv {
  kube: KubeClient;
  /** Pull client (viewer), as the simulator uses it. */
  registry: RegistryClient;
  /** Pushes a small image so that `image` (any host) is present. */
  pushImage(image: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the in-process API server (with OLM CRDs) and registry. */
export async function startTestEnv(): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'simulator-test-'));
  const api = createApiServer({ storage: createMemoryStorage(), authenticate: (t) => (t === 'tok' ? { name: 'admin', groups: [] } : undefined), compactionIntervalMs: 3_600_000 });
  await api.start();
  const apiServer = createServer((req, res) => api.handle(req, res));
  const reg = createRegistry({ root: join(dir, 'registry'), auth: testAuth() });
  const regServer = createServer((req, res) => {
    void reg.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const kube = createKubeClient({ server: `http://127.0.0.1:${await listen(apiServer)}`, token: 'tok' });
  const host = `127.0.0.1:${await listen(regServer)}`;
  const registry = createRegistryClient({ registry: host, plain: true, credentials: { username: 'viewer', password: 'pw' } });
  const pusher = createRegistryClient({ registry: host, plain: true, credentials: { username: 'admin', password: 'pw' } });
  for (const crd of OLM_CRDS) await kube.create({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false }, crd);
  let n = 0;
  return {
    kube,
    registry,
    async pushImage(image) {
      const ref = parseReference(image);
      const layout = join(dir, `layout-${n++}`);
      await writeTestImageLayout(layout, { tag: 'v', layers: [64] });
      await copyImage({ from: { layout, tag: 'v' }, to: { client: pusher, repository: ref.repository, ref: ref.tag ?? 'latest' } });
    },
    async stop() {
      kube.close();
      registry.close();
      pusher.close();
      for (const s of [apiServer, regServer]) {
        s.closeAllConnections();
        s.close();
      }
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` (sync or async) every 25 ms until true or `ms` elapse; then fails with `what`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string | (() => string | Promise<string>), ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!(await cond())) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
}
