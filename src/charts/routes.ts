/**
 * URL space of the chart repository on the platform port. `/charts/<repo>/…` is ours entirely. `/api/` is
 * shared with the Kubernetes core API (`/api`, `/api/v1/…`), so only ChartMuseum's exact shapes are claimed:
 * `/api/<repo>/charts[/<chart>[/<version>]]` and `/api/<repo>/prov`, where `<repo>` is never `v1`.
 */

/** A parsed chart-repository request path. */
export type ChartRoute =
  | { kind: 'index'; repo: string }
  | { kind: 'file'; repo: string; file: string }
  | { kind: 'charts'; repo: string }
  | { kind: 'chart'; repo: string; chart: string }
  | { kind: 'version'; repo: string; chart: string; version: string }
  | { kind: 'prov'; repo: string }
  | { kind: 'unknown' };

/** ChartRepo names: Kubernetes object names of one DNS label or subdomain. */
const REPO_RE = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SEGMENT_RE = /^[A-Za-z0-9._+-]{1,256}$/;
const API_RE = /^\/api\/([^/]+)\/(charts|prov)(?:\/(.*))?$/;

/** True when the path belongs to the chart repository (and not to the Kubernetes API). */
export function isChartRepositoryPath(path: string): boolean {
  if (path === '/charts' || path.startsWith('/charts/')) return true;
  const m = API_RE.exec(path);
  return Boolean(m && m[1] !== 'v1');
}

/** Parses a path the chart repository claims (see {@link isChartRepositoryPath}); invalid names → unknown. */
export function parseChartRoute(path: string): ChartRoute | undefined {
  if (!isChartRepositoryPath(path)) return undefined;
  const segments = path.replace(/\/+$/, '').split('/').slice(1).map(decode);
  if (segments.some((s) => s === undefined || s === '.' || s === '..')) return { kind: 'unknown' };
  const [root, repo, ...rest] = segments as string[];
  if (!repo || !REPO_RE.test(repo)) return { kind: 'unknown' };
  if (rest.some((s) => !SEGMENT_RE.test(s))) return { kind: 'unknown' };
  return root === 'charts' ? repoRoute(repo, rest) : apiRoute(repo, rest);
}

function repoRoute(repo: string, rest: string[]): ChartRoute {
  if (rest.length === 1 && rest[0] === 'index.yaml') return { kind: 'index', repo };
  const file = rest.length === 2 && rest[0] === 'charts' ? rest[1] : rest.length === 1 ? rest[0] : undefined;
  if (file && /\.tgz(\.prov)?$/.test(file)) return { kind: 'file', repo, file };
  return { kind: 'unknown' };
}

function apiRoute(repo: string, rest: string[]): ChartRoute {
  const [what, chart, version, ...extra] = rest;
  if (extra.length) return { kind: 'unknown' };
  if (what === 'prov') return chart === undefined ? { kind: 'prov', repo } : { kind: 'unknown' };
  if (chart === undefined) return { kind: 'charts', repo };
  if (version === undefined) return { kind: 'chart', repo, chart };
  return { kind: 'version', repo, chart, version };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
