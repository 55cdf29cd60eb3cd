import { parse } from 'yaml';
import type { RegistryClient } from '../oci/index.ts';
import { readLayers, resolveImage } from '../oci/index.ts';
import type { Descriptor, ModuleConfigSpec } from './model.ts';

/** What the main chart's `scripts/plugin-config.yaml` contributes to a ModuleConfig (alauda.md §10). */
export interface PluginConfig {
  supportedUpgradeVersions?: string;
  mustUpgrade?: boolean;
  config?: Record<string, unknown>;
  valuesTemplates?: Record<string, string>;
  deployDescriptors?: Descriptor[];
  editDescriptors?: Descriptor[];
  upgradeDescriptors?: Descriptor[];
}

const MAX_PLUGIN_CONFIG_BYTES = 1 << 20;
const DEFAULT_CFG_FILE = 'scripts/plugin-config.yaml';

/** Where a plugin version's main chart lives in the platform registry: `acp/chart-web-cli:v4.0.4`. */
export function mainChartReference(spec: ModuleConfigSpec, version: string): { repository: string; tag: string } | undefined {
  const main = spec.mainChart ?? spec.appReleases?.[0]?.chartVersions[0]?.name;
  if (!main) return undefined;
  const chart = spec.appReleases?.flatMap((a) => a.chartVersions).find((c) => c.name === main);
  return { repository: main, tag: chart?.version ?? version };
}

/**
 * Reads `scripts/plugin-config.yaml` (or `cfgFilename`) from the main chart, a Helm OCI artifact in the
 * platform registry. The file is mandatory (even if `{}`), as the real platform requires.
 */
export async function fetchPluginConfig(registry: RegistryClient, spec: ModuleConfigSpec, version: string, signal?: AbortSignal): Promise<PluginConfig> {
  const ref = mainChartReference(spec, version);
  if (!ref) throw new Error(`ModulePlugin ${spec.name} names no main chart (spec.mainChart or appReleases[].chartVersions)`);
  const file = (spec.cfgFilename as string | undefined) ?? DEFAULT_CFG_FILE;
  const what = `chart ${ref.repository}:${ref.tag}`;
  const image = await resolveImage(registry, ref.repository, ref.tag, signal).catch((err: Error) => {
    throw new Error(`cannot read ${what} from the platform registry: ${err.message}`);
  });
  const files = await readLayers(registry, ref.repository, image.layers, { keep: (p) => p.split('/').slice(1).join('/') === file, maxBytes: MAX_PLUGIN_CONFIG_BYTES, specialFiles: 'skip', what, signal });
  if (!files.length) throw new Error(`${what} has no ${file}: a cluster plugin's main chart must carry it (it may be {})`);
  return parsePluginConfig(files[0].data.toString('utf8'), `${what}: ${file}`);
}

/** Parses plugin-config.yaml, keeping only the fields that belong in a ModuleConfig. */
export function parsePluginConfig(text: string, what: string): PluginConfig {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new Error(`${what} is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what} must be a YAML mapping`);
  const d = doc as Record<string, unknown>;
  const out: PluginConfig = {};
  if (typeof d.supportedUpgradeVersions === 'string') out.supportedUpgradeVersions = d.supportedUpgradeVersions;
  if (typeof d.mustUpgrade === 'boolean') out.mustUpgrade = d.mustUpgrade;
  if (isObject(d.config)) out.config = d.config;
  if (isObject(d.valuesTemplates)) out.valuesTemplates = Object.fromEntries(Object.entries(d.valuesTemplates).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  for (const key of ['deployDescriptors', 'editDescriptors', 'upgradeDescriptors'] as const) if (Array.isArray(d[key])) out[key] = d[key] as Descriptor[];
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
