/**
 * Chart packages: the chart archive (`chart/<name>-<version>.tgz`) goes into the platform's chart
 * repository (`--target-chartrepo`, default public-charts) through its ChartMuseum API. Same bytes again
 * is a no-op; a different archive under an existing version is refused unless --force.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { http } from '../../kube/node-http.ts';
const httpRequest = http.request;
import type { PackageManifest } from '../../packages/format.ts';
import { walkPackage } from '../../packages/reader.ts';
import type { PlatformSession } from './platform.ts';

/** The chart archive inside a chart package. */
export async function readPackagedChart(file: string, m: PackageManifest, signal?: AbortSignal): Promise<Buffer> {
  const path = m.chart!.path;
  let found: Buffer | undefined;
  await walkPackage(file, async (entry) => {
    if (entry.path !== path) return void entry.stream.resume();
    const chunks: Buffer[] = [];
    for await (const c of entry.stream as AsyncIterable<Buffer>) chunks.push(c);
    found = Buffer.concat(chunks);
    return 'stop';
  }, { signal });
  if (!found) throw new Error(`${file}: the package has no ${path} (manifest.json names it as the chart archive)`);
  return found;
}

/** Refuses early (before any image is pushed) when the repository has this version with other content. */
export async function refuseChartConflict(session: PlatformSession, repo: string, m: PackageManifest, tgz: Buffer): Promise<void> {
  const { chartName, chartVersion } = m.chart!;
  const res = await call(session, 'GET', `/api/${encodeURIComponent(repo)}/charts/${encodeURIComponent(chartName)}/${encodeURIComponent(chartVersion)}`);
  if (res.status === 404 && /chart repository .* does not exist/.test(res.message)) throw new Error(res.message);
  if (res.status !== 200) return;
  const digest = createHash('sha256').update(tgz).digest('hex');
  const existing = (res.json as { digest?: string } | undefined)?.digest;
  if (existing && existing !== digest) {
    throw new Error(`chart ${chartName} ${chartVersion} already exists in chart repository "${repo}" with different content (sha256:${existing}, package has sha256:${digest}): a different build under the same version. Re-run with --force to overwrite it`);
  }
}

/** Uploads the archive; returns what the repository did (`created`, `unchanged`, `replaced`). */
export async function uploadChart(session: PlatformSession, repo: string, tgz: Buffer, force: boolean): Promise<string> {
  const res = await call(session, 'POST', `/api/${encodeURIComponent(repo)}/charts${force ? '?force=true' : ''}`, tgz);
  if (res.status === 409) throw new Error(`${res.message}`.replace(/; publish a new version, or overwrite with \?force=true \(violet push --force\)$/, '. Re-run with --force to overwrite it'));
  if (res.status >= 300) throw new Error(`chart repository "${repo}" refused the chart (HTTP ${res.status}): ${res.message}`);
  return (res.json as { outcome?: string } | undefined)?.outcome ?? 'created';
}

interface Reply {
  status: number;
  json?: unknown;
  message: string;
}

function call(session: PlatformSession, method: string, path: string, body?: Buffer): Promise<Reply> {
  const base = new URL(session.address);
  const send = base.protocol === 'http:' ? httpRequest : request;
  const headers: Record<string, string | number> = { Accept: 'application/json', Authorization: `Bearer ${session.token}` };
  if (body) Object.assign(headers, { 'Content-Type': 'application/gzip', 'Content-Length': body.length });
  return new Promise((resolve, reject) => {
    const req = send(new URL(path, base), { method, ca: session.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: { message?: string; error?: string } | undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 500, json, message: json?.message ?? json?.error ?? text.slice(0, 300) });
      });
    });
    req.on('error', (err) => reject(new Error(`cannot reach the chart repository at ${base.origin}: ${err.message}`)));
    req.end(body);
  });
}
