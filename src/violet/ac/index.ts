/**
 * `violet ac …`: the Customer Portal side of violet (product document: 下载软件包). Each operation takes
 * its flags, talks to the portal through a PortalClient and returns what to print and the exit code;
 * src/violet/commands/ac.ts only wires the flags.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createPortalClient, normaliseUrl } from './client.ts';
import type { PortalClient } from './client.ts';
import { downloadAll, isDownloaded } from './download.ts';
import type { DownloadOutcome, DownloadTask, ProgressSink } from './download.ts';
import { createProgress, mib } from './progress.ts';
import { DEFAULT_AC_URL, requireSession, saveSession } from './session.ts';
import { formatTable } from './table.ts';

export { DEFAULT_AC_URL } from './session.ts';
export { downloadAll } from './download.ts';
export type { DownloadTask, DownloadOutcome } from './download.ts';

export interface Result {
  stdout: string;
  stderr?: string;
  exitCode: number;
}

/** A package as the portal lists it (src/portal/queries.ts PackageItem plus download facts). */
interface PortalPackage extends DownloadTask {
  appID: string;
  appName: string;
  channel?: string;
  version: string;
}

export interface AppQuery {
  arch?: string;
  platformVersion?: string;
}

/** The session's client: refuses with "log in" advice when there is no valid token. */
export function sessionClient(): PortalClient {
  const s = requireSession();
  return createPortalClient({ url: s.url, token: s.token, caFile: s.caFile });
}

export async function login(opts: { account?: string; username?: string; password?: string; accessToken?: string; acUrl?: string; caFile?: string }): Promise<Result> {
  const url = normaliseUrl(opts.acUrl ?? process.env.VIOLET_AC_URL ?? DEFAULT_AC_URL);
  const anon = createPortalClient({ url, caFile: opts.caFile });
  try {
    let session: { token: string; account: string; username: string; expiresAt: string };
    if (opts.accessToken) {
      const info = await createPortalClient({ url, token: opts.accessToken, caFile: opts.caFile }).getJson<{ account: string; username: string; expiresAt: string }>('/api/v1/tenant/info');
      session = { ...info, token: opts.accessToken };
    } else {
      const missing = (['account', 'username', 'password'] as const).filter((k) => !opts[k]);
      if (missing.length) throw new Error(`violet ac login needs ${missing.map((m) => `--${m}`).join(', ')} (or --access-token=<token> exported from Customer Portal - Settings)`);
      session = await anon.postJson('/api/v1/login', { account: opts.account, username: opts.username, password: opts.password });
    }
    const file = saveSession({ url, token: session.token, account: session.account, username: session.username, expiresAt: session.expiresAt, caFile: opts.caFile ? resolve(opts.caFile) : undefined });
    return { stdout: `Login succeeded: ${session.account}/${session.username} at ${url}\nToken saved to ${file} (mode 0600); it expires at ${session.expiresAt}\n`, exitCode: 0 };
  } finally {
    anon.close();
  }
}

export async function scenarios(client: PortalClient, q: AppQuery & { upgrade: boolean }): Promise<Result> {
  const r = await client.getJson<{ items: { id: string; name: string; description: string }[] }>('/api/v1/scenarios', { arch: q.arch, platformVersion: q.platformVersion, upgrade: String(q.upgrade) });
  if (!r.items.length) return { stdout: '', stderr: `No scenarios for arch ${q.arch}${q.platformVersion ? ` and platform ${q.platformVersion}` : ''}${q.upgrade ? ' (upgrade scenarios)' : ''}.\n`, exitCode: 0 };
  return { stdout: formatTable(['ID', 'Name', 'Description'], r.items.map((s) => [s.id, s.name, s.description])), exitCode: 0 };
}

export interface PackagesQuery extends AppQuery {
  appID?: string;
  appVersion?: string;
  scenario?: string;
  latest?: boolean;
}

async function listPackages(client: PortalClient, q: PackagesQuery): Promise<PortalPackage[]> {
  const r = await client.getJson<{ items: PortalPackage[] }>('/api/v1/packages', { arch: q.arch, platformVersion: q.platformVersion, appID: q.appID, appVersion: q.appVersion, scenario: q.scenario, latest: q.latest ? 'true' : undefined });
  return r.items;
}

const channelAndVersion = (p: PortalPackage) => (p.channel ? `${p.channel}/${p.version}` : p.version);
const packageRow = (p: PortalPackage) => [p.appID, p.appName, channelAndVersion(p), p.file];

export async function packages(client: PortalClient, q: PackagesQuery): Promise<Result> {
  const items = await listPackages(client, q);
  if (!items.length) return { stdout: '', stderr: 'No packages match.\n', exitCode: 0 };
  return { stdout: formatTable(['APP ID', 'APP Name', 'Channel And Version', 'Package'], items.map(packageRow)), exitCode: 0 };
}

/** x86 / arm / hybrid (download-pkg's vocabulary) → the portal's amd64 / arm64 / hybrid. */
export function bundleArch(arch: string): string {
  const map: Record<string, string> = { x86: 'amd64', amd64: 'amd64', x86_64: 'amd64', arm: 'arm64', arm64: 'arm64', aarch64: 'arm64', hybrid: 'hybrid' };
  const mapped = map[arch];
  if (!mapped) throw new Error(`--arch "${arch}" is not one of x86, arm, hybrid`);
  return mapped;
}

export async function downloadPkg(client: PortalClient, q: { arch: string; platformVersion?: string; type: string; dir: string; progress?: ProgressSink }): Promise<Result> {
  const r = await client.getJson<{ items: DownloadTask[] }>('/api/v1/platform-packages', { arch: bundleArch(q.arch), platformVersion: q.platformVersion, type: q.type });
  return summarise(await downloadAll(client, r.items, { dir: q.dir, progress: q.progress ?? createProgress() }), q.dir);
}

export async function downloadApp(client: PortalClient, q: PackagesQuery & { check: boolean; dir: string; progress?: ProgressSink }): Promise<Result> {
  // By app ID without versions: the newest matching version; by scenario: the scenario's versions.
  const items = await listPackages(client, { ...q, latest: !!q.appID && !q.appVersion });
  if (!items.length) return { stdout: '', stderr: 'No packages match: nothing to download.\n', exitCode: 0 };
  if (q.check) return checkDownloads(client, items, q.dir);
  return summarise(await downloadAll(client, items, { dir: q.dir, progress: q.progress ?? createProgress() }), q.dir);
}

async function checkDownloads(client: PortalClient, items: PortalPackage[], dir: string): Promise<Result> {
  const rows: string[][] = [];
  for (const p of items) rows.push([...packageRow(p), (await isDownloaded(client, p, dir)) ? 'Downloaded' : 'Download Failed']);
  const failed = rows.filter((r) => r[4] !== 'Downloaded').length;
  const table = formatTable(['APP ID', 'APP Name', 'Channel And Version', 'Package', 'Status'], rows);
  return { stdout: table, stderr: failed ? `${failed} of ${rows.length} package(s) are not downloaded (or fail their checksum) in ${resolve(dir)}: run the same command without --check to download them\n` : undefined, exitCode: failed ? 1 : 0 };
}

function summarise(outcomes: DownloadOutcome[], dir: string): Result {
  const count = (s: DownloadOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const bytes = outcomes.reduce((n, o) => n + o.fetched, 0);
  const failed = outcomes.filter((o) => o.status === 'failed');
  const line = `${outcomes.length} package(s) in ${resolve(dir)}: ${count('downloaded')} downloaded (${mib(bytes)}), ${count('present')} already present, ${failed.length} failed\n`;
  const why = failed.map((o) => `  ${o.file}: ${o.error}\n`).join('');
  return { stdout: line, stderr: failed.length ? `failed downloads:\n${why}` : undefined, exitCode: failed.length ? 1 : 0 };
}

interface CheckItem {
  appID: string;
  appName: string;
  installed: string[];
  status: 'Passed' | 'Failed';
  package?: PortalPackage;
  reason: string;
}

/** Reads the `applications:` map of a `violet list` apps.yaml. */
export async function readApplications(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; export it from the platform with: violet list --output-file apps.yaml`, { cause: err });
  }
  const doc = parse(text) as { applications?: unknown } | null;
  if (!doc || typeof doc.applications !== 'object' || doc.applications === null || Array.isArray(doc.applications)) throw new Error(`${path} has no "applications:" map; it should be the file written by violet list --output-file apps.yaml`);
  return doc.applications as Record<string, unknown>;
}

export async function importYaml(client: PortalClient, q: AppQuery & { path: string; download: boolean; dir: string; progress?: ProgressSink }): Promise<Result> {
  const applications = await readApplications(q.path);
  const r = await client.postJson<{ items: CheckItem[] }>('/api/v1/scenario-check', { arch: q.arch, platformVersion: q.platformVersion, applications });
  const table = formatTable(['APP ID', 'APP Name', 'Installed', 'Result', 'Package', 'Message'], r.items.map((i) => [i.appID, i.appName, i.installed.join(',') || '-', i.status, i.package?.file ?? '-', i.reason]));
  const failed = r.items.filter((i) => i.status === 'Failed').length;
  let stdout = `${table}${r.items.length - failed} passed, ${failed} failed\n`;
  let exitCode = failed ? 1 : 0;
  let stderr = failed ? `${failed} application(s) have no usable package for platform ${q.platformVersion} (${q.arch}): see the Message column\n` : undefined;
  if (q.download) {
    const tasks = r.items.filter((i) => i.status === 'Passed' && i.package).map((i) => i.package!);
    const d = summarise(await downloadAll(client, tasks, { dir: q.dir, progress: q.progress ?? createProgress() }), q.dir);
    stdout += d.stdout;
    stderr = [stderr, d.stderr].filter(Boolean).join('') || undefined;
    exitCode = Math.max(exitCode, d.exitCode);
  }
  return { stdout, stderr, exitCode };
}
