/**
 * The catalog model OLM works on, independent of where content comes from (ArtifactVersions pushed by
 * violet, or file-based-catalog images). Field names follow operator-registry's model and FBC
 * (olm.package / olm.channel / olm.bundle); see shared/reference/olm.md §3.2, §4, §5.
 */

/** A property of a bundle (FBC `properties[]`): olm.package, olm.gvk, olm.gvk.required, olm.package.required, … */
export interface BundleProperty {
  type: string;
  value: unknown;
}

export interface Bundle {
  /** CSV name, e.g. `harbor-ce-operator.v2.12.11`. */
  name: string;
  package: string;
  /** Semantic version without a leading `v`. */
  version: string;
  /** Bundle image reference (pullable from the platform registry). */
  image: string;
  replaces?: string;
  skips: string[];
  skipRange?: string;
  properties: BundleProperty[];
  /** Images the operator runs (CSV relatedImages + deployment images). */
  relatedImages: string[];
  /** The CSV document, when known (ArtifactVersion bundles know it after unpacking; FBC carries olm.csv.metadata). */
  csv?: Record<string, unknown>;
  /** Legacy deprecated marker (olm.deprecated property): omitted from PackageManifest entries. */
  deprecated?: boolean;
}

export interface ChannelEntry {
  name: string;
  replaces?: string;
  skips?: string[];
  skipRange?: string;
}

export interface Channel {
  name: string;
  package: string;
  entries: ChannelEntry[];
}

export interface Package {
  name: string;
  defaultChannel: string;
  /** data:… icon, if any. */
  icon?: { base64data: string; mediatype: string };
  description?: string;
  /** Platform source type of the product document (Alauda, Curated, Community, Marketplace, Custom). */
  sourceType?: string;
}

/** One catalog (a CatalogSource's content). */
export interface Catalog {
  /** CatalogSource name and namespace. */
  source: string;
  sourceNamespace: string;
  displayName?: string;
  publisher?: string;
  packages: Package[];
  channels: Channel[];
  bundles: Bundle[];
}
