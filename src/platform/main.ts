import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatusError } from '../kube/index.ts';
import type { KubeObject } from '../kube/index.ts';
import { ensureDataDir, resolveDataDir, readRuntime } from './datadir.ts';
import { UserStore } from './users.ts';
import { platformRequest } from './client.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import { clusterObject, parseLabels } from './clusters.ts';

const program = new Command('marketplace').description('The Marketplace platform: Kubernetes-compatible API server with OperatorHub, Cluster Plugins, registry and chart repository.');

program
  .command('up')
  .description('start the embedded platform (HTTPS on loopback)')
  .option('--data-dir <dir>', 'state directory (default ~/.marketplace)')
  .option('--port <port>', 'HTTPS port (default 6443; 0 = random)', '6443')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--admin-password <password>', 'password for the "admin" user')
  .option('--tls-san <name...>', 'extra names/IPs for the serving certificate')
  .option('--anonymous-pull', 'allow pulling from the platform registry without credentials')
  .option('--compaction-interval <seconds>', 'storage history kept for watch resume (kube: 300)', '300')
  .option('--min-request-timeout <seconds>', 'watches last between this and twice this', '1800')
  .action(async (opts) => {
    const t0 = performance.now();
    // A background controller's failed promise must not take the whole platform down: log it and go on.
    process.on('unhandledRejection', (err) => console.error('unhandled rejection in a background task:', err));
    const dataDir = resolveDataDir(opts.dataDir);
    const { startPlatform } = await import('./up.ts'); // the whole platform: only `up` loads it
    const platform = await startPlatform({ dataDir, host: opts.host, port: Number(opts.port), adminPassword: opts.adminPassword, tlsSans: opts.tlsSan, anonymousPull: !!opts.anonymousPull, compactionIntervalMs: Number(opts.compactionInterval) * 1000, minRequestTimeoutSeconds: Number(opts.minRequestTimeout), log: (l) => console.log(l) });
    console.log(`marketplace ready at ${platform.url} in ${Math.round(performance.now() - t0)} ms`);
    console.log(`  kubeconfig: ${platform.kubeconfigPath}   (export KUBECONFIG=${platform.kubeconfigPath})`);
    console.log(`  CA:         ${platform.caFile}`);
    console.log(`  registry:   ${platform.registryHost}   (skopeo --dest-cert-dir ${dataDir}/certs, user admin)`);
    const stop = async (signal: string) => {
      console.log(`received ${signal}, shutting down`);
      await platform.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });

program
  .command('kubeconfig')
  .description('print a kubeconfig with a context per logical cluster')
  .option('--data-dir <dir>', 'state directory of the platform')
  .option('--cluster <name>', 'make this cluster the current context', 'global')
  .action(async (opts) => {
    const dataDir = resolveDataDir(opts.dataDir);
    const runtime = readRuntime(dataDir);
    const list = await platformRequest<{ items: KubeObject[] }>(dataDir, 'GET', '/apis/platform.tkestack.io/v1/clusters');
    const clusters = list.items.map((c) => c.metadata.name!);
    if (!clusters.includes(opts.cluster)) throw new Error(`cluster "${opts.cluster}" does not exist; known clusters: ${clusters.join(', ')}`);
    const ordered = [opts.cluster, ...clusters.filter((c) => c !== opts.cluster)];
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const ca = readFileSync(join(dataDir, 'ca.crt'), 'utf8');
    process.stdout.write(buildKubeconfig({ baseUrl: runtime.url, caPem: ca, token, user: 'admin', clusters: ordered, current: opts.cluster }));
  });

const cluster = program.command('cluster').description('manage logical workload clusters');
cluster
  .command('create <name>')
  .description('add a logical workload cluster (its Cluster object in global)')
  .option('--data-dir <dir>', 'state directory of the platform')
  .option('--label <k=v>', 'label for the Cluster object (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .action(async (name: string, opts) => {
    const dataDir = resolveDataDir(opts.dataDir);
    const labels = parseLabels(opts.label);
    await platformRequest(dataDir, 'POST', '/apis/platform.tkestack.io/v1/clusters', clusterObject(name, labels));
    await waitForCluster(dataDir, name);
    console.log(`cluster "${name}" created`);
  });

const registryCmd = program.command('registry').description('the platform OCI registry');
registryCmd
  .command('gc')
  .description('delete blobs no manifest references (after a grace period) and stale uploads; safe while pushes run')
  .option('--dry-run', 'only report what would be removed')
  .option('--data-dir <dir>', 'state directory of the platform')
  .action(async (opts) => {
    const r = await platformRequest<{ dryRun: boolean; blobsRemoved: number; bytesFreed: number; uploadsRemoved: number }>(resolveDataDir(opts.dataDir), 'POST', `/platform/v1/registry/gc${opts.dryRun ? '?dryRun=true' : ''}`);
    console.log(`${r.dryRun ? 'would remove' : 'removed'} ${r.blobsRemoved} blob(s), ${r.bytesFreed} bytes, ${r.uploadsRemoved} stale upload(s)`);
  });

/** One pending upgrade as the platform reports it (src/olm/bulk-upgrade.ts). */
interface OperatorUpgrade {
  namespace: string;
  installPlan: string;
  subscription: string;
  package: string;
  fromCSV: string;
  toCSV: string;
}

const operators = program.command('operators').description('operators installed through OperatorHub');
operators
  .command('upgrades')
  .description('list pending upgrades of Alauda operators (Manual InstallPlans awaiting approval) in a cluster')
  .option('--cluster <name>', 'the cluster', 'global')
  .option('--data-dir <dir>', 'state directory of the platform')
  .action(async (opts) => {
    const r = await platformRequest<{ items: OperatorUpgrade[] }>(resolveDataDir(opts.dataDir), 'GET', `/platform/v1/clusters/${encodeURIComponent(opts.cluster)}/operator-upgrades`);
    if (r.items.length === 0) console.log(`no pending Alauda operator upgrades in cluster ${opts.cluster}`);
    else process.stdout.write(upgradesTable(r.items));
  });
operators
  .command('approve-upgrades')
  .description('approve every pending upgrade of Alauda operators in a cluster (bulk upgrade; other operators are not touched)')
  .option('--cluster <name>', 'the cluster', 'global')
  .option('--data-dir <dir>', 'state directory of the platform')
  .action(async (opts) => {
    const r = await platformRequest<{ approved: OperatorUpgrade[] }>(resolveDataDir(opts.dataDir), 'POST', `/platform/v1/clusters/${encodeURIComponent(opts.cluster)}/operator-upgrades/approve`);
    if (r.approved.length === 0) return console.log(`no pending Alauda operator upgrades in cluster ${opts.cluster}`);
    console.log(`approved ${r.approved.length} Alauda operator upgrade(s) in cluster ${opts.cluster}:`);
    process.stdout.write(upgradesTable(r.approved));
  });

/** `NAMESPACE PACKAGE FROM TO INSTALLPLAN`, columns padded like kubectl's. */
function upgradesTable(items: OperatorUpgrade[]): string {
  const rows = [['NAMESPACE', 'PACKAGE', 'FROM', 'TO', 'INSTALLPLAN'], ...items.map((u) => [u.namespace, u.package, u.fromCSV, u.toCSV, u.installPlan])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join('')).join('\n') + '\n';
}

const user = program.command('user').description('manage platform users');
user
  .command('create <name>')
  .description('create or update a platform user (violet needs role property System with role platform-admin-system)')
  .requiredOption('--password <password>', 'the password')
  .option('--role-property <System|Custom>', 'account role property', 'Custom')
  .option('--role <role>', 'role (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--data-dir <dir>', 'state directory of the platform')
  .action((name: string, opts) => {
    if (opts.roleProperty !== 'System' && opts.roleProperty !== 'Custom') throw new Error(`--role-property must be System or Custom, not "${opts.roleProperty}"`);
    const users = new UserStore(ensureDataDir(resolveDataDir(opts.dataDir)));
    users.upsertUser(name, opts.password, opts.roleProperty, opts.role);
    console.log(`user "${name}" saved (role property ${opts.roleProperty}, roles: ${opts.role.join(', ') || 'none'})`);
  });

async function waitForCluster(dataDir: string, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await platformRequest(dataDir, 'GET', `/kubernetes/${encodeURIComponent(name)}/api/v1/namespaces/cpaas-system`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`cluster "${name}" was registered but did not become ready in 5s`);
}

// The portal is a separate server: its modules load only for `marketplace portal …` (and for help), not on
// every `marketplace up` or `cluster create`.
if (!process.argv[2] || /^(portal|help|-h|--help)$/.test(process.argv[2])) (await import('../portal/index.ts')).registerPortal(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof StatusError) console.error(`Error from server (${err.reason}): ${err.message}`);
  else console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
