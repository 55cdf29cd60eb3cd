/**
 * Building the resolution problem for one namespace: the variables upstream creates in `Resolver.Resolve`
 * (`resolver.go`, `variable_types.go`; shared/reference/olm.md §4.5), with the same messages, ready for the
 * search in `solver.ts`.
 */

import type { Catalog } from '../model.ts';
import { findSubscriptionOptions, sortByChannel } from './candidates.ts';
import { ok, type Result } from './errors.ts';
import { catalogEntries, dependencyPredicates, EXISTING, existingEntries, providedGVKs, type Predicate } from './entries.ts';
import type { CatalogKey, Entry, ResolveInput, SubscriptionInput } from './types.ts';

/** "Pick one of `options`" (upstream `solver.Dependency`), with its message. */
export interface Dependency {
  options: string[];
  message: string;
}

/** A solver variable: a bundle (catalog entry or installed CSV) or a Subscription. */
export interface Variable {
  id: string;
  entry?: Entry;
  subscription?: SubscriptionInput;
  /** Message of a `Mandatory` constraint. */
  mandatory?: string;
  /** Message of a `Prohibited` constraint. */
  prohibited?: string;
  dependencies: Dependency[];
  /** Identifiers this variable conflicts with (candidate vs the CSV it replaces). */
  conflicts: string[];
}

/** The whole problem: variables in creation order plus the at-most-one invariants. */
export interface Problem {
  variables: Map<string, Variable>;
  /** Mandatory variables, in the order the search anchors them. */
  anchors: string[];
  /** Per-Subscription option lists ([candidates…, current]) and the candidates' `replaces`. */
  subscriptions: { sub: SubscriptionInput; options: string[]; replaces: Map<string, string | undefined> }[];
  /** package → bundle ids; gvk key → bundle ids (only groups with more than one member matter). */
  packages: Map<string, string[]>;
  gvks: Map<string, string[]>;
}

function keyOf(k: CatalogKey): string {
  return `${k.sourceNamespace}/${k.source}`;
}

/** Upstream `sortableSnapshots.Less`: existing, the dependent's catalog, priority, preferred namespace, name. */
function catalogOrder(keys: CatalogKey[], preferred: CatalogKey, namespace: string, priorities: Record<string, number>): CatalogKey[] {
  const rank = (k: CatalogKey): [number, number, number, number, string, string] => [
    k.source === EXISTING ? 0 : 1,
    keyOf(k) === keyOf(preferred) ? 0 : 1,
    -(priorities[keyOf(k)] ?? 0),
    k.sourceNamespace === namespace ? 0 : 1,
    k.source,
    k.sourceNamespace,
  ];
  return [...keys].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] < rb[i] ? -1 : 1;
    return 0;
  });
}

/** Upstream `sortBundles` within one catalog: default channel first, then package, then channel name. */
function sortCatalogBundles(entries: Entry[]): Result<Entry[]> {
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const k = `${e.package}\u0000${e.channel}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const ordered = [...groups.values()].sort((a, b) => {
    if (a[0].defaultChannel !== b[0].defaultChannel) return a[0].defaultChannel ? -1 : 1;
    if (a[0].package !== b[0].package) return a[0].package < b[0].package ? -1 : 1;
    return a[0].channel < b[0].channel ? -1 : a[0].channel > b[0].channel ? 1 : 0;
  });
  const out: Entry[] = [];
  for (const g of ordered) {
    const s = sortByChannel(g);
    if (!s.ok) return s;
    out.push(...s.value);
  }
  return ok(out);
}

function subscriptionRequires(name: string, options: string[]): string {
  if (options.length === 0) return `no operators found matching the criteria of subscription ${name}`;
  const req = options.length === 1 ? options[0] : `at least one of ${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
  return `subscription ${name} requires ${req}`;
}

class Builder {
  readonly variables = new Map<string, Variable>();
  readonly errors: string[] = [];
  private readonly byCatalog = new Map<string, Entry[]>();
  private readonly keys: CatalogKey[] = [];
  private readonly input: ResolveInput;

  constructor(input: ResolveInput, existing: Entry[], catalogs: Catalog[]) {
    this.input = input;
    this.addCatalog({ source: EXISTING, sourceNamespace: input.namespace }, existing);
    for (const c of catalogs) this.addCatalog({ source: c.source, sourceNamespace: c.sourceNamespace }, catalogEntries(c));
  }

  private addCatalog(key: CatalogKey, entries: Entry[]): void {
    this.keys.push(key);
    this.byCatalog.set(keyOf(key), entries);
  }

  entriesOf(key: CatalogKey): Entry[] | undefined {
    return this.byCatalog.get(keyOf(key));
  }

  /** Upstream `getBundleVariables`: the variable for `entry` and, transitively, its dependencies' options. */
  addBundle(root: Entry): Variable {
    const stack = [root];
    while (stack.length > 0) {
      const entry = stack.pop() as Entry;
      if (this.variables.has(entry.id)) continue;
      const v: Variable = { id: entry.id, entry, dependencies: [], conflicts: [] };
      if (entry.deprecated) v.prohibited = `bundle ${entry.id} is deprecated`;
      this.variables.set(entry.id, v);
      const preds = dependencyPredicates(entry.properties);
      if (!preds.ok) {
        this.errors.push(preds.error.message);
        continue;
      }
      for (const d of preds.value) {
        const options = this.dependencyOptions(entry, d);
        if (options === undefined) continue;
        v.dependencies.push({ options: options.map((o) => o.id), message: `bundle ${entry.name} requires an operator ${d.text}` });
        stack.push(...options);
      }
    }
    return this.variables.get(root.id) as Variable;
  }

  /** Entries satisfying `d`, most preferred first (`FindPreferred` + `sortBundles` + filter). */
  private dependencyOptions(dependent: Entry, d: Predicate): Entry[] | undefined {
    const out: Entry[] = [];
    const order = catalogOrder(this.keys, dependent.catalog, this.input.namespace, this.input.catalogPriorities ?? {});
    for (const key of order) {
      const entries = this.entriesOf(key) ?? [];
      // Whole (package, channel) groups that contain a match are sorted, then filtered (upstream sourcePredicate).
      const groups = new Set(entries.filter((e) => d.test(e)).map((e) => (e.existing ? `csv:${e.name}` : `${e.package}\u0000${e.channel}`)));
      const inGroups = entries.filter((e) => groups.has(e.existing ? `csv:${e.name}` : `${e.package}\u0000${e.channel}`));
      const sorted = sortCatalogBundles(inGroups);
      if (!sorted.ok) {
        this.errors.push(sorted.error.message);
        return undefined;
      }
      out.push(...sorted.value.filter((e) => d.test(e)));
    }
    return out;
  }
}

function groupBy(variables: Iterable<Variable>, keys: (e: Entry) => string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of variables) {
    if (v.entry === undefined) continue;
    for (const k of keys(v.entry)) out.set(k, [...(out.get(k) ?? []), v.id]);
  }
  for (const ids of out.values()) ids.sort();
  return out;
}

/**
 * Build the namespace's problem. Returns upstream error text (aggregated) when a channel cannot be ordered or a
 * dependency property cannot be parsed: those are `ErrorPreventedResolution`, not unsatisfiability.
 */
export function buildProblem(input: ResolveInput): { ok: true; value: Problem } | { ok: false; errors: string[] } {
  const visible = input.catalogs.filter((c) => c.sourceNamespace === input.namespace || c.sourceNamespace === input.globalCatalogNamespace);
  const existing = existingEntries(input.namespace, input.installedCSVs);
  const b = new Builder(input, existing, visible);
  const referenced = new Set(input.subscriptions.map((s) => s.status?.installedCSV).filter((n): n is string => !!n));
  const anchors: string[] = [];
  for (const e of existing) {
    const v = b.addBundle(e);
    if (!referenced.has(e.name)) {
      v.mandatory = `clusterserviceversion ${e.name} exists and is not referenced by a subscription`;
      anchors.push(v.id);
    }
  }
  const subscriptions: Problem['subscriptions'] = [];
  for (const sub of input.subscriptions) {
    const installed = sub.status?.installedCSV;
    const current = installed ? existing.find((e) => e.name === installed) : undefined;
    const id = `subscription:${sub.name}`;
    const found = findSubscriptionOptions(sub, b.entriesOf({ source: sub.spec.source, sourceNamespace: sub.spec.sourceNamespace }), current);
    const subVar: Variable = { id, subscription: sub, mandatory: `subscription ${sub.name} exists`, dependencies: [], conflicts: [] };
    anchors.push(id);
    b.variables.set(id, subVar);
    if (!found.ok) {
      if (found.error.code === 'NoOperatorsFound') subVar.prohibited = found.error.message;
      else b.errors.push(found.error.message);
      continue;
    }
    const replaces = new Map<string, string | undefined>();
    const options: string[] = [];
    for (const c of found.value.candidates) {
      const v = b.addBundle(c.entry);
      if (current && !v.conflicts.includes(current.id)) v.conflicts.push(current.id);
      replaces.set(v.id, c.replaces);
      options.push(v.id);
    }
    if (current) options.push(current.id);
    subVar.dependencies.push({ options, message: subscriptionRequires(sub.name, options) });
    subscriptions.push({ sub, options, replaces });
  }
  if (b.errors.length > 0) return { ok: false, errors: [...new Set(b.errors)] };
  const vars = [...b.variables.values()];
  return {
    ok: true,
    value: {
      variables: b.variables,
      anchors,
      subscriptions,
      packages: groupBy(vars, (e) => (e.package ? [e.package] : [])),
      gvks: groupBy(vars, providedGVKs),
    },
  };
}
