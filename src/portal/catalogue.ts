import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

/**
 * The package store's catalogue (`catalogue.yaml` in the packages directory), format in
 * docs/portal-catalogue.md. Loading validates everything and reports every problem at once.
 */

/** Portal architectures (product document: `amd64`, `arm64`, `hybrid`). */
export type Arch = 'amd64' | 'arm64' | 'hybrid';
export const ARCHES: readonly Arch[] = ['amd64', 'arm64', 'hybrid'];

/** Platform bundle types of `violet ac download-pkg --type`. */
export type BundleType = 'core' | 'extensions' | 'standard';
export const BUNDLE_TYPES: readonly BundleType[] = ['core', 'extensions', 'standard'];

/** Package file per arch; the key `ALL` serves every arch. */
export type ArchFiles = Partial<Record<Arch | 'ALL', string>>;

export interface AppVersion {
  version: string;
  channel?: string;
  /** Platform versions this version runs on ("ACP compatible versions"), e.g. `v4.1` (every v4.1.x) or `v4.1.3`. */
  platformVersions: string[];
  packages: ArchFiles;
}

export interface App {
  id: string;
  name: string;
  type?: string;
  versions: AppVersion[];
}

export interface ScenarioApp {
  appID: string;
  /** Pinned version; absent = the newest version compatible with the asked platform version. */
  version?: string;
}

export interface Scenario {
  id: string;
  name: string;
  description: string;
  upgrade: boolean;
  platformVersions: string[];
  /** Absent = every arch. */
  arches?: Arch[];
  apps: ScenarioApp[];
}

export interface PlatformBundle {
  platformVersion: string;
  type: BundleType;
  packages: ArchFiles;
}

export interface Catalogue {
  /** Directory holding the catalogue and every file it names. */
  dir: string;
  platformVersions: string[];
  apps: App[];
  scenarios: Scenario[];
  platformBundles: PlatformBundle[];
}

export const CATALOGUE_FILE = 'catalogue.yaml';

/** Reads and validates `<dir>/catalogue.yaml`; throws one error listing every problem. */
export function loadCatalogue(dir: string, fileExists: (path: string) => boolean): Catalogue {
  const file = join(dir, CATALOGUE_FILE);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the portal catalogue ${file}: ${(err as Error).message}; see docs/portal-catalogue.md for the format`);
  }
  const catalogue = parseCatalogue(raw, dir);
  const problems = validateCatalogue(catalogue, fileExists);
  if (problems.length) throw new Error(`the portal catalogue ${file} is invalid:\n  - ${problems.join('\n  - ')}\nfix it (format: docs/portal-catalogue.md) and start the portal again`);
  return catalogue;
}

type Raw = Record<string, unknown>;
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Shapes the YAML into a Catalogue without judging it (validateCatalogue does that). */
export function parseCatalogue(raw: unknown, dir: string): Catalogue {
  const doc = (raw ?? {}) as Raw;
  return {
    dir,
    platformVersions: strings(doc.platformVersions),
    apps: list(doc.apps).map((a) => ({
      id: str(a.id),
      name: str(a.name ?? a.id),
      type: a.type === undefined ? undefined : str(a.type),
      versions: list(a.versions).map((v) => ({ version: str(v.version), channel: v.channel === undefined ? undefined : str(v.channel), platformVersions: strings(v.platformVersions), packages: archFiles(v.packages) })),
    })),
    scenarios: list(doc.scenarios).map((s) => ({
      id: str(s.id),
      name: str(s.name ?? s.id),
      description: str(s.description),
      upgrade: s.upgrade === true,
      platformVersions: strings(s.platformVersions),
      arches: s.arches === undefined ? undefined : (strings(s.arches) as Arch[]),
      apps: list(s.apps).map((e) => ({ appID: str(e.appID), version: e.version === undefined ? undefined : str(e.version) })),
    })),
    platformBundles: list(doc.platformBundles).map((b) => ({ platformVersion: str(b.platformVersion), type: str(b.type ?? 'core') as BundleType, packages: archFiles(b.packages) })),
  };
}

function archFiles(v: unknown): ArchFiles {
  if (typeof v === 'string') return { ALL: v };
  const out: ArchFiles = {};
  for (const [k, f] of Object.entries((v ?? {}) as Raw)) out[k as Arch | 'ALL'] = str(f);
  return out;
}

/** Every problem of a catalogue, as `where: what` lines. */
export function validateCatalogue(c: Catalogue, fileExists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  if (!c.platformVersions.length) problems.push('platformVersions: list at least one platform version (e.g. v4.1.0)');
  const appIDs = new Set<string>();
  const checkFiles = (where: string, files: ArchFiles) => {
    if (!Object.keys(files).length) problems.push(`${where}.packages: no package file`);
    for (const [arch, f] of Object.entries(files)) {
      if (arch !== 'ALL' && !ARCHES.includes(arch as Arch)) problems.push(`${where}.packages: unknown arch "${arch}" (use ${ARCHES.join(', ')} or ALL)`);
      if (!f || basename(f) !== f) problems.push(`${where}.packages.${arch}: "${f}" must be a plain file name in the packages directory`);
      else if (!fileExists(join(c.dir, f))) problems.push(`${where}.packages.${arch}: file ${f} does not exist in ${c.dir}`);
    }
  };
  const checkPlatforms = (where: string, versions: string[]) => {
    for (const v of versions) if (!isKnownPlatformVersion(c, v)) problems.push(`${where}.platformVersions: "${v}" matches none of the catalogue's platformVersions`);
  };
  c.apps.forEach((a, i) => {
    const where = `apps[${i}] (${a.id || '?'})`;
    if (!a.id) problems.push(`apps[${i}].id: required`);
    if (appIDs.has(a.id)) problems.push(`${where}: duplicate app id`);
    appIDs.add(a.id);
    if (!a.versions.length) problems.push(`${where}.versions: at least one version`);
    a.versions.forEach((v, j) => {
      if (!v.version) problems.push(`${where}.versions[${j}].version: required`);
      checkPlatforms(`${where}.versions[${j}]`, v.platformVersions);
      checkFiles(`${where}.versions[${j}]`, v.packages);
    });
  });
  c.scenarios.forEach((s, i) => {
    const where = `scenarios[${i}] (${s.id || '?'})`;
    if (!s.id) problems.push(`scenarios[${i}].id: required`);
    checkPlatforms(where, s.platformVersions);
    for (const arch of s.arches ?? []) if (!ARCHES.includes(arch)) problems.push(`${where}.arches: unknown arch "${arch}"`);
    for (const e of s.apps) {
      const app = c.apps.find((a) => a.id === e.appID);
      if (!app) problems.push(`${where}.apps: app "${e.appID}" is not in apps`);
      else if (e.version && !app.versions.some((v) => v.version === e.version)) problems.push(`${where}.apps: app "${e.appID}" has no version ${e.version}`);
    }
  });
  c.platformBundles.forEach((b, i) => {
    const where = `platformBundles[${i}] (${b.platformVersion} ${b.type})`;
    if (!BUNDLE_TYPES.includes(b.type)) problems.push(`${where}.type: "${b.type}" is not one of ${BUNDLE_TYPES.join(', ')}`);
    if (!c.platformVersions.includes(b.platformVersion)) problems.push(`${where}.platformVersion: not in platformVersions`);
    checkFiles(where, b.packages);
  });
  return problems;
}

/** `v4.1` and `4.1.0` → `['4','1']`, `['4','1','0']`. */
function segments(version: string): string[] {
  return version.trim().replace(/^v/i, '').split('.').filter(Boolean);
}

/**
 * Whether two platform versions name overlapping releases: the shorter is a prefix of the longer
 * (`v4.1` matches `v4.1.3`; `v4.1.2` does not match `v4.1.3`).
 */
export function platformVersionsMatch(a: string, b: string): boolean {
  const sa = segments(a);
  const sb = segments(b);
  const n = Math.min(sa.length, sb.length);
  return n > 0 && sa.slice(0, n).every((s, i) => s === sb[i]);
}

export function isKnownPlatformVersion(c: Catalogue, version: string): boolean {
  return c.platformVersions.some((v) => platformVersionsMatch(v, version));
}

/** The package file serving `arch`: the arch's own, else `ALL` (which also serves hybrid). */
export function fileForArch(files: ArchFiles, arch: Arch): string | undefined {
  return files[arch] ?? files.ALL;
}

/** Orders versions like `v0.18.2` < `v0.18.10` < `v1.0.0`; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [ma, pa = ''] = a.replace(/^v/i, '').split('-', 2);
  const [mb, pb = ''] = b.replace(/^v/i, '').split('-', 2);
  const na = ma.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const nb = mb.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (pa === pb) return 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return pa < pb ? -1 : 1;
}
