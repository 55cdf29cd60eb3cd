import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { StatusError } from '../../kube/index.ts';
import type { KubeClient, KubeObject, ResourceRef } from '../../kube/index.ts';
import { loadConfig } from '../config.ts';
import { connectPlatform } from '../push/platform.ts';
import { ARTIFACTS, MODULE_PLUGINS, SYSTEM_NAMESPACE } from '../push/register.ts';

const CSVS: ResourceRef = { group: 'operators.coreos.com', version: 'v1alpha1', plural: 'clusterserviceversions', namespaced: true };
const MODULE_INFOS: ResourceRef = { group: 'cluster.alauda.io', version: 'v1alpha1', plural: 'moduleinfoes', namespaced: false };

type AppType = 'OperatorBundle' | 'ModulePlugin' | 'Chart';
interface Application {
  displayName: string;
  type: AppType;
  installed: { clusterName: string; version: string }[];
}

/** `violet list [--clusters a,b] [--output-file apps.yaml]`: uploaded applications and where they are installed. */
export function registerList(program: Command): void {
  program
    .command('list')
    .description('list uploaded plugins, operators and charts with their installed versions (the applications: file for violet ac import-yaml)')
    .option('--platform-address <url>', 'platform access address')
    .option('--platform-username <user>', 'platform user name')
    .option('--platform-password <password>', 'platform user password')
    .option('--platform-token <token>', 'platform access token')
    .option('--ca-file <file>', 'CA certificate to trust for the platform')
    .option('--clusters <names>', 'clusters to look at, comma separated', 'global')
    .option('--output-file <file>', 'write the applications YAML to this file')
    .option('--debug', 'log each cluster query')
    .action(async (opts) => {
      const config = loadConfig();
      const address = opts.platformAddress ?? config.platformAddress;
      if (!address) throw new Error('--platform-address is required');
      const session = await connectPlatform({ address, username: opts.platformUsername, password: opts.platformPassword, token: opts.platformToken, caFile: opts.caFile ?? config.caFile });
      const clusters = String(opts.clusters).split(',').map((c) => c.trim()).filter(Boolean);
      const apps = await collectApplications((c) => session.kube(c), clusters);
      const text = stringify({ applications: apps });
      if (opts.outputFile) {
        writeFileSync(opts.outputFile, text);
        process.stderr.write(`wrote ${Object.keys(apps).length} application(s) to ${opts.outputFile}\n`);
      } else process.stdout.write(text);
    });
}

/** Uploaded operators and charts (Artifacts per cluster), plugins (ModulePlugins in global), with installs. */
export async function collectApplications(kube: (cluster: string) => KubeClient, clusters: string[]): Promise<Record<string, Application>> {
  const apps: Record<string, Application> = {};
  for (const cluster of clusters) {
    const client = kube(cluster);
    for (const a of await listOrEmpty(client, ARTIFACTS, SYSTEM_NAMESPACE)) {
      const spec = a.spec as { type?: string; displayName?: string };
      const type: AppType = spec.type === 'chart' ? 'Chart' : 'OperatorBundle';
      apps[a.metadata.name!] ??= { displayName: spec.displayName ?? a.metadata.name!, type, installed: [] };
    }
    for (const csv of await listOrEmpty(client, CSVS)) {
      const pkg = csv.metadata.labels?.['operators.coreos.com/package'] ?? csv.metadata.name!.replace(/\.v?\d.*$/, '');
      const app = apps[pkg];
      const version = (csv.spec as { version?: string }).version;
      if (app && version && !app.installed.some((i) => i.clusterName === cluster)) app.installed.push({ clusterName: cluster, version });
    }
  }
  const global = kube('global');
  for (const mp of await listOrEmpty(global, MODULE_PLUGINS)) {
    const names = parseDisplayName(mp.metadata.annotations?.['cpaas.io/display-name']);
    apps[mp.metadata.name!] = { displayName: names ?? mp.metadata.name!, type: 'ModulePlugin', installed: [] };
  }
  for (const mi of await listOrEmpty(global, MODULE_INFOS)) {
    const app = apps[mi.metadata.labels?.['cpaas.io/module-name'] ?? ''];
    const cluster = mi.metadata.labels?.['cpaas.io/cluster-name'];
    const version = (mi.status as { version?: string } | undefined)?.version ?? (mi.spec as { version?: string }).version;
    if (app && cluster && version && clusters.includes(cluster)) app.installed.push({ clusterName: cluster, version });
  }
  return apps;
}

async function listOrEmpty(client: KubeClient, r: ResourceRef, namespace?: string): Promise<KubeObject[]> {
  try {
    return (await client.list(r, { namespace })).items;
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return [];
    throw err;
  }
}

function parseDisplayName(annotation: string | undefined): string | undefined {
  if (!annotation) return undefined;
  try {
    return (JSON.parse(annotation) as { en?: string }).en;
  } catch {
    return annotation;
  }
}
