/**
 * Inputs and outputs of the resolver. Local types (not in `../model.ts`): the Subscription / installed-CSV views
 * the resolver reads, catalog priority (the model's `Catalog` has no `priority`), and the result shapes.
 */

import type { Bundle, BundleProperty, Catalog } from '../model.ts';

/** The part of a Subscription the resolver reads (names verbatim from `operators.coreos.com/v1alpha1`). */
export interface SubscriptionInput {
  name: string;
  spec: {
    /** Package name. */
    name: string;
    /** `''` or absent matches every channel (default channel preferred). */
    channel?: string;
    source: string;
    sourceNamespace: string;
    startingCSV?: string;
    /** Only the exact string `Manual` is manual (olm.md §3.3). */
    installPlanApproval?: string;
  };
  status?: { installedCSV?: string; currentCSV?: string };
}

/** An installed (non-copied) CSV in the namespace: the virtual `@existing/<ns>` catalog. */
export interface InstalledCSV {
  name: string;
  version: string;
  replaces?: string;
  /** olm.package, olm.gvk, olm.gvk.required, … as projected from the CSV. */
  properties: BundleProperty[];
}

/** Where an entry comes from: a CatalogSource, or `@existing` for installed CSVs. */
export interface CatalogKey {
  source: string;
  sourceNamespace: string;
}

/** One bundle in one channel of one catalog (upstream `cache.Entry`), or one installed CSV. */
export interface Entry {
  /** Solver identifier `<source>/<namespace>/<channel>/<csv>`. */
  id: string;
  name: string;
  package: string;
  channel: string;
  defaultChannel: boolean;
  catalog: CatalogKey;
  version: string;
  replaces?: string;
  skips: string[];
  skipRange?: string;
  properties: BundleProperty[];
  /** The catalog bundle; absent for installed CSVs. */
  bundle?: Bundle;
  /** True for installed CSVs (`@existing`). */
  existing: boolean;
  /** Legacy `olm.deprecated`: prohibited by the resolver. */
  deprecated: boolean;
}

/** A Subscription candidate: an entry plus the CSV it replaces when chosen. */
export interface Candidate {
  entry: Entry;
  /** The installed CSV it replaces (upgrade), else the catalog entry's own `replaces` (fresh install). */
  replaces?: string;
}

/** Input of {@link resolveNamespace}. */
export interface ResolveInput {
  namespace: string;
  subscriptions: SubscriptionInput[];
  installedCSVs: InstalledCSV[];
  catalogs: Catalog[];
  /** Catalogs here are visible from every namespace (`cpaas-system`). */
  globalCatalogNamespace: string;
  /** CatalogSource `spec.priority` keyed `<namespace>/<name>` (default 0); higher wins for dependencies. */
  catalogPriorities?: Record<string, number>;
}

/** The Subscription an InstallPlan step creates for an auto-installed dependency (upstream naming). */
export interface GeneratedSubscription {
  name: string;
  package: string;
  channel: string;
  source: string;
  sourceNamespace: string;
  startingCSV: string;
  installPlanApproval: 'Automatic';
}

/** One CSV to install or upgrade in the namespace's InstallPlan. */
export interface ResolvedStep {
  csvName: string;
  package: string;
  channel: string;
  version: string;
  source: string;
  sourceNamespace: string;
  bundle: Bundle;
  /** Written to the created CSV's `spec.replaces` (REPLACES column). */
  replaces?: string;
  /** The Subscription that chose it; absent for a dependency. */
  subscription?: string;
  /** For a dependency: the Subscription step OLM creates for it. */
  generatedSubscription?: GeneratedSubscription;
  /** Bundles (CSV names) whose dependency this step satisfies. */
  requiredBy: string[];
}

/** Why an Automatic Subscription's step waits for approval. */
export interface BlockedExplanation {
  subscription: string;
  /** Manual Subscriptions in the namespace that force the plan to Manual. */
  blockedBy: string[];
  message: string;
}

/** Per-Subscription outcome of a successful resolution. */
export interface SubscriptionResolution {
  name: string;
  /** The CSV the Subscription moves to (or stays at). */
  currentCSV?: string;
  /** Whether `status.currentCSV` changes (the controller creates an InstallPlan only then). */
  changed: boolean;
  approval: 'Manual' | 'Automatic';
}

/** A resolution failure, set on every Subscription of the namespace (upstream). */
export interface ResolutionFailure {
  subscription: string;
  /** `ResolutionFailed` condition reason. */
  reason: 'ConstraintsNotSatisfiable' | 'ErrorPreventedResolution';
  message: string;
}

/** Output of {@link resolveNamespace}. */
export type ResolveResult =
  | {
      ok: true;
      steps: ResolvedStep[];
      approval: 'Manual' | 'Automatic';
      blocked: BlockedExplanation[];
      subscriptions: SubscriptionResolution[];
    }
  | {
      ok: false;
      reason: 'ConstraintsNotSatisfiable' | 'ErrorPreventedResolution';
      message: string;
      failures: ResolutionFailure[];
    };
