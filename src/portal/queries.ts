import { ARCHES, BUNDLE_TYPES, compareVersions, fileForArch, isKnownPlatformVersion, platformVersionsMatch } from './catalogue.ts';
import type { App, AppVersion, Arch, BundleType, Catalogue, Scenario } from './catalogue.ts';
import { badRequest, notFound } from './errors.ts';

/** What the portal answers to the catalogue questions of `violet ac`: pure functions of the catalogue. */

export interface ScenarioItem {
  id: string;
  name: string;
  description: string;
  upgrade: boolean;
}

export interface PackageItem {
  appID: string;
  appName: string;
  type?: string;
  channel?: string;
  version: string;
  /** File name in the store (also its download name). */
  file: string;
}

export interface PackageQuery {
  arch: Arch;
  platformVersion?: string;
  appID?: string;
  appVersions?: string[];
  scenario?: string;
  /** Only the newest matching version per app. */
  latest?: boolean;
}

/** One application of `violet list`'s apps.yaml. */
export interface InstalledApplication {
  displayName?: string;
  type?: string;
  installed?: { clusterName?: string; version?: string }[];
}

export interface CheckResult {
  appID: string;
  appName: string;
  installed: string[];
  status: 'Passed' | 'Failed';
  /** The package a Passed app should be upgraded to / downloaded. */
  package?: PackageItem;
  reason: string;
}

export function parseArch(value: string | undefined): Arch {
  const arch = (value || 'amd64') as Arch;
  if (!ARCHES.includes(arch)) throw badRequest(`unknown arch "${value}": use one of ${ARCHES.join(', ')}`);
  return arch;
}

/** Throws 404 for a platform version the catalogue does not know, listing the known ones. */
export function requireKnownPlatformVersion(c: Catalogue, version: string | undefined): void {
  if (version && !isKnownPlatformVersion(c, version)) throw notFound(`unknown platform version "${version}": the portal has packages for ${c.platformVersions.join(', ')}`);
}

const compatible = (v: AppVersion, platformVersion: string | undefined) => !platformVersion || v.platformVersions.some((p) => platformVersionsMatch(p, platformVersion));

/** `violet ac scenarios`: scenarios for an arch and platform version; upgrade scenarios only with `upgrade`. */
export function listScenarios(c: Catalogue, q: { arch: Arch; platformVersion?: string; upgrade: boolean }): ScenarioItem[] {
  requireKnownPlatformVersion(c, q.platformVersion);
  return c.scenarios
    .filter((s) => s.upgrade === q.upgrade && scenarioFits(s, q.arch, q.platformVersion))
    .map((s) => ({ id: s.id, name: s.name, description: s.description, upgrade: s.upgrade }));
}

function scenarioFits(s: Scenario, arch: Arch, platformVersion: string | undefined): boolean {
  const archOk = !s.arches || s.arches.includes(arch);
  return archOk && (!platformVersion || s.platformVersions.some((p) => platformVersionsMatch(p, platformVersion)));
}

const item = (app: App, v: AppVersion, file: string): PackageItem => ({ appID: app.id, appName: app.name, type: app.type, channel: v.channel, version: v.version, file });

/** `violet ac packages` and `download-app`: the packages matching the query, or a 404 saying why none do. */
export function selectPackages(c: Catalogue, q: PackageQuery): PackageItem[] {
  requireKnownPlatformVersion(c, q.platformVersion);
  if (q.scenario) return scenarioPackages(c, q);
  if (q.appID) return appPackages(c, findApp(c, q.appID), q);
  const all = c.apps.flatMap((app) => matchingVersions(app, q).map((v) => item(app, v, fileForArch(v.packages, q.arch)!)));
  return sortItems(q.latest ? newestPerApp(all) : all);
}

function findApp(c: Catalogue, appID: string): App {
  const app = c.apps.find((a) => a.id === appID);
  if (!app) throw notFound(`app ID "${appID}" is not in the portal catalogue; list the available apps with: violet ac packages`);
  return app;
}

function matchingVersions(app: App, q: PackageQuery): AppVersion[] {
  return app.versions.filter((v) => compatible(v, q.platformVersion) && fileForArch(v.packages, q.arch));
}

function appPackages(c: Catalogue, app: App, q: PackageQuery): PackageItem[] {
  if (q.appVersions?.length) return q.appVersions.map((wanted) => item(app, ...pinnedVersion(app, wanted, q)));
  const versions = matchingVersions(app, q);
  if (!versions.length) throw notFound(noMatchReason(app, q));
  const items = sortItems(versions.map((v) => item(app, v, fileForArch(v.packages, q.arch)!)));
  return q.latest ? items.slice(-1) : items;
}

/** A named version of an app, checked against the arch and platform version. */
function pinnedVersion(app: App, wanted: string, q: PackageQuery): [AppVersion, string] {
  const v = app.versions.find((x) => x.version === wanted || x.version.replace(/^v/, '') === wanted.replace(/^v/, ''));
  if (!v) throw notFound(`app "${app.id}" has no version "${wanted}": available versions are ${app.versions.map((x) => x.version).join(', ')}`);
  const file = fileForArch(v.packages, q.arch);
  if (!file) throw notFound(`arch mismatch: ${app.id} ${v.version} has no ${q.arch} package (packages exist for ${archList(v)}); use --arch=${firstArch(v)}`);
  if (!compatible(v, q.platformVersion)) throw notFound(`${app.id} ${v.version} is not compatible with platform ${q.platformVersion} (compatible: ${v.platformVersions.join(', ')})`);
  return [v, file];
}

const archList = (v: AppVersion) => (v.packages.ALL ? 'every arch' : Object.keys(v.packages).join(', '));
const firstArch = (v: AppVersion) => Object.keys(v.packages)[0];

function noMatchReason(app: App, q: PackageQuery): string {
  const onPlatform = app.versions.filter((v) => compatible(v, q.platformVersion));
  if (!onPlatform.length) return `no version of "${app.id}" is compatible with platform ${q.platformVersion} (versions: ${app.versions.map((v) => `${v.version} for ${v.platformVersions.join('/')}`).join(', ')})`;
  return `arch mismatch: no ${q.arch} package of "${app.id}"${q.platformVersion ? ` for platform ${q.platformVersion}` : ''} (packages exist for ${[...new Set(onPlatform.map(archList))].join(', ')})`;
}

function scenarioPackages(c: Catalogue, q: PackageQuery): PackageItem[] {
  const s = c.scenarios.find((x) => x.id === q.scenario || x.name === q.scenario);
  if (!s) throw notFound(`scenario "${q.scenario}" does not exist; list the scenarios with: violet ac scenarios --arch=${q.arch}${q.platformVersion ? ` --platformVersion=${q.platformVersion}` : ''}`);
  if (!scenarioFits(s, q.arch, q.platformVersion)) throw notFound(`scenario "${s.id}" is not offered for arch ${q.arch}${q.platformVersion ? ` on platform ${q.platformVersion}` : ''} (platform versions: ${s.platformVersions.join(', ')}; arches: ${(s.arches ?? ARCHES).join(', ')})`);
  return sortItems(
    s.apps.map((e) => {
      const app = findApp(c, e.appID);
      if (e.version) return item(app, ...pinnedVersion(app, e.version, q));
      const versions = matchingVersions(app, q);
      if (!versions.length) throw notFound(`scenario "${s.id}": ${noMatchReason(app, q)}`);
      const newest = versions.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b));
      return item(app, newest, fileForArch(newest.packages, q.arch)!);
    }),
  );
}

function newestPerApp(items: PackageItem[]): PackageItem[] {
  const best = new Map<string, PackageItem>();
  for (const i of items) {
    const cur = best.get(i.appID);
    if (!cur || compareVersions(i.version, cur.version) > 0) best.set(i.appID, i);
  }
  return [...best.values()];
}

function sortItems(items: PackageItem[]): PackageItem[] {
  return items.sort((a, b) => a.appID.localeCompare(b.appID) || compareVersions(a.version, b.version));
}

/** `violet ac download-pkg`: the core/extensions/standard bundle of a platform version for an arch. */
export function selectPlatformBundle(c: Catalogue, q: { arch: Arch; platformVersion?: string; type: string }): { platformVersion: string; type: BundleType; file: string } {
  if (!q.platformVersion) throw badRequest(`--platformVersion is required: the portal has platform packages for ${[...new Set(c.platformBundles.map((b) => b.platformVersion))].join(', ')}`);
  if (!BUNDLE_TYPES.includes(q.type as BundleType)) throw badRequest(`unknown package type "${q.type}": use one of ${BUNDLE_TYPES.join(', ')}`);
  requireKnownPlatformVersion(c, q.platformVersion);
  const forVersion = c.platformBundles.filter((b) => platformVersionsMatch(b.platformVersion, q.platformVersion!)).sort((a, b) => compareVersions(b.platformVersion, a.platformVersion));
  const ofType = forVersion.filter((b) => b.type === q.type);
  if (!ofType.length) throw notFound(`there is no ${q.type} package for platform ${q.platformVersion}${forVersion.length ? ` (types available: ${[...new Set(forVersion.map((b) => b.type))].join(', ')})` : ''}`);
  const bundle = ofType.find((b) => fileForArch(b.packages, q.arch));
  if (!bundle) throw notFound(`arch mismatch: the ${q.type} package of platform ${q.platformVersion} exists for ${Object.keys(ofType[0].packages).join(', ')}, not ${q.arch}`);
  return { platformVersion: bundle.platformVersion, type: bundle.type, file: fileForArch(bundle.packages, q.arch)! };
}

/**
 * The scenario check of `violet ac import-yaml`: per application of a `violet list` apps.yaml, the
 * newest package compatible with the target platform and arch, refused when older than what is installed.
 */
export function checkApplications(c: Catalogue, q: { arch: Arch; platformVersion?: string; applications: Record<string, InstalledApplication> }): CheckResult[] {
  if (!q.platformVersion) throw badRequest('platformVersion is required for the scenario check: pass --platformVersion=<target platform version>');
  requireKnownPlatformVersion(c, q.platformVersion);
  return Object.entries(q.applications ?? {})
    .map(([appID, a]) => checkOne(c, q, appID, a ?? {}))
    .sort((a, b) => a.appID.localeCompare(b.appID));
}

function checkOne(c: Catalogue, q: { arch: Arch; platformVersion?: string }, appID: string, a: InstalledApplication): CheckResult {
  const installed = [...new Set((a.installed ?? []).map((i) => String(i.version ?? '')).filter(Boolean))];
  const base = { appID, appName: a.displayName ?? appID, installed };
  const app = c.apps.find((x) => x.id === appID);
  if (!app) return { ...base, status: 'Failed', reason: 'not in the portal catalogue' };
  const versions = matchingVersions(app, q);
  if (!versions.length) return { ...base, appName: a.displayName ?? app.name, status: 'Failed', reason: noMatchReason(app, q) };
  const newest = versions.reduce((x, y) => (compareVersions(x.version, y.version) >= 0 ? x : y));
  const pkg = item(app, newest, fileForArch(newest.packages, q.arch)!);
  const ahead = installed.filter((v) => compareVersions(v, newest.version) > 0);
  if (ahead.length) return { ...base, appName: a.displayName ?? app.name, status: 'Failed', package: pkg, reason: `installed ${ahead.join(', ')} is newer than the newest compatible package ${newest.version}` };
  return { ...base, appName: a.displayName ?? app.name, status: 'Passed', package: pkg, reason: installed.length ? `upgrade to ${newest.version}` : `compatible package ${newest.version}` };
}
