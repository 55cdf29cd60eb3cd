/**
 * The package format (see docs/package-format.md): a gzip tar whose FIRST entry is `manifest.json`,
 * followed by an OCI image layout under `oci/` holding every image, and type-specific files.
 */

export type PackageType = 'bundle' | 'plugin' | 'chart';
export const PACKAGE_TYPES: readonly PackageType[] = ['bundle', 'plugin', 'chart'];

/** Operator source types of the product document (灵雀云 = Alauda). */
export type SourceType = 'Alauda' | 'Curated' | 'Community' | 'Marketplace' | 'Custom';
export const SOURCE_TYPES: readonly SourceType[] = ['Alauda', 'Curated', 'Community', 'Marketplace', 'Custom'];

export const MANIFEST_ENTRY = 'manifest.json';
export const LAYOUT_PREFIX = 'oci/';
/** `show` reads only this much of the archive's head; a bigger manifest is refused. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
export const PACKAGE_SCHEMA_VERSION = 1;

/** One image the package carries: where it came from and where it sits in the OCI layout. */
export interface PackageImage {
  /** The original reference, e.g. `harbor.demo.io/acp/topolvm-operator:v3.11.0`. */
  ref: string;
  /** Digest of the top manifest or index in the layout. */
  digest: string;
  mediaType: string;
  /** Platforms present (`linux/amd64`, …); empty for single-platform images without platform data. */
  platforms: string[];
  /**
   * Every blob of the image in push order (layers and configs, then manifests, the root last), so a
   * push can check what the registry already has from the head of the package alone.
   */
  blobs?: { digest: string; size: number; mediaType: string }[];
}

export interface BundleMetadata {
  package: string;
  channels: string[];
  defaultChannel: string;
  csvName: string;
  csvVersion: string;
  replaces?: string;
  skips?: string[];
  skipRange?: string;
  sourceType: SourceType;
  provider?: string;
}

export interface PluginMetadata {
  /** The ModulePlugin document (cluster.alauda.io/v1alpha1) as YAML text. */
  modulePlugin: string;
  /** Chart archives inside the package, `plugin/charts/<name>-<version>.tgz`. */
  charts: { name: string; version: string; path: string }[];
  lifecycleType?: 'Core' | 'Aligned' | 'Agnostic';
}

export interface ChartMetadata {
  chartName: string;
  chartVersion: string;
  appVersion?: string;
  /** `chart/<name>-<version>.tgz` inside the package. */
  path: string;
}

/** `manifest.json`, the first entry of every package. */
export interface PackageManifest {
  schemaVersion: typeof PACKAGE_SCHEMA_VERSION;
  type: PackageType;
  /** Machine name (file name part), e.g. `topolvm-operator`. */
  name: string;
  /** What `violet show` prints as Name, e.g. `NativeStor`. */
  displayName: string;
  version: string;
  channel?: string;
  /** `amd64`, `arm64`, `hybrid` or `ALL` (file name part). */
  arch: string;
  /** The main artifact (bundle image, plugin chart image, or chart). */
  artifact: string;
  relatedImages: string[];
  images: PackageImage[];
  bundle?: BundleMetadata;
  plugin?: PluginMetadata;
  chart?: ChartMetadata;
  createdAt: string;
  createdBy: string;
}

const NAME_PART = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;

/** `<name>[.<channel>].<arch>.<version>.tgz` — the conventional file name. */
export function packageFileName(m: Pick<PackageManifest, 'name' | 'channel' | 'arch' | 'version'>): string {
  const version = m.version.startsWith('v') ? m.version : `v${m.version}`;
  return [m.name, m.channel, m.arch, version].filter(Boolean).join('.') + '.tgz';
}

/** Validates a manifest read from a package; returns every problem at once. */
export function manifestProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['manifest.json is not a JSON object'];
  const m = value as Partial<PackageManifest>;
  const problems: string[] = [];
  if (m.schemaVersion !== PACKAGE_SCHEMA_VERSION) problems.push(`schemaVersion must be ${PACKAGE_SCHEMA_VERSION}, got ${JSON.stringify(m.schemaVersion)}`);
  if (!PACKAGE_TYPES.includes(m.type as PackageType)) problems.push(`unknown package type ${JSON.stringify(m.type)}: expected one of ${PACKAGE_TYPES.join(', ')}`);
  if (typeof m.name !== 'string' || !NAME_PART.test(m.name)) problems.push(`name ${JSON.stringify(m.name)} must be lowercase letters, digits, '-', '.' or '_'`);
  for (const key of ['displayName', 'version', 'arch', 'artifact'] as const) if (typeof m[key] !== 'string' || !m[key]) problems.push(`${key} is required`);
  if (!Array.isArray(m.images)) problems.push('images must be a list');
  else m.images.forEach((img, i) => imageProblems(img, i, problems));
  if (!Array.isArray(m.relatedImages)) problems.push('relatedImages must be a list');
  if (m.type === 'bundle' && !m.bundle) problems.push('a bundle package needs bundle metadata');
  if (m.type === 'bundle' && m.bundle && !SOURCE_TYPES.includes(m.bundle.sourceType)) problems.push(`bundle.sourceType must be one of ${SOURCE_TYPES.join(', ')}`);
  if (m.type === 'plugin' && !m.plugin) problems.push('a plugin package needs plugin metadata');
  if (m.type === 'chart' && !m.chart) problems.push('a chart package needs chart metadata');
  return problems;
}

function imageProblems(img: Partial<PackageImage>, i: number, problems: string[]): void {
  if (typeof img?.ref !== 'string' || !img.ref) problems.push(`images[${i}].ref is required`);
  if (typeof img?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(img.digest)) problems.push(`images[${i}].digest must be a sha256 digest`);
}
