/**
 * A small backtracking search standing in for OLM's SAT solver (go-air/gini via `solver.Solve`).
 * It keeps the properties users observe: mandatory variables (Subscriptions, unreferenced installed CSVs) must be
 * installed; each `Dependency` picks its earliest viable option (so the candidate closest to the head, the
 * installed provider and the subscribed catalog win); at most one bundle per package and per provided GVK;
 * explicit conflicts; prohibited (deprecated / invalid) variables. Subscriptions are decided before the
 * dependencies they pull in (breadth first), so a dependency never pins a Subscription to its installed CSV.
 * On failure it reports the messages of the constraints involved, like upstream's unsat core.
 */

import type { Dependency, Problem, Variable } from './problem.ts';
import { providedGVKs } from './entries.ts';

/** Search result: the selected variable ids, or the messages explaining unsatisfiability. */
export type SolveResult =
  | { ok: true; selected: Set<string> }
  | { ok: false; reason: 'unsatisfiable'; messages: string[] }
  | { ok: false; reason: 'budget' };

interface Obligation {
  dep: Dependency;
  /** Messages of the constraints that led here (for the failure explanation). */
  path: string[];
}

/** Upper bound on search nodes; real namespaces need a few dozen. */
const DEFAULT_BUDGET = 50_000;

class BudgetExceeded extends Error {}

function listIds(ids: string[]): string {
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

class Search {
  readonly selected = new Set<string>();
  readonly core = new Set<string>();
  private budget: number;
  private readonly p: Problem;

  constructor(p: Problem, budget: number) {
    this.p = p;
    this.budget = budget;
  }

  private variable(id: string): Variable {
    const v = this.p.variables.get(id);
    if (v === undefined) throw new Error(`unknown variable ${id}`);
    return v;
  }

  /** Why `id` cannot be selected now, or undefined. */
  blocker(id: string): string | undefined {
    const v = this.variable(id);
    if (v.prohibited) return v.prohibited;
    for (const c of v.conflicts) if (this.selected.has(c)) return `${id} conflicts with ${c}`;
    for (const s of this.selected) if (this.variable(s).conflicts.includes(id)) return `${s} conflicts with ${id}`;
    if (v.entry === undefined) return undefined;
    const pkg = this.p.packages.get(v.entry.package) ?? [];
    if (pkg.some((o) => o !== id && this.selected.has(o))) return `${listIds(pkg)} originate from package ${v.entry.package}`;
    for (const gvk of providedGVKs(v.entry)) {
      const providers = this.p.gvks.get(gvk) ?? [];
      if (providers.some((o) => o !== id && this.selected.has(o))) {
        const [group, version, kind] = gvk.split('/');
        return `${listIds(providers)} provide ${kind} (${group}/${version})`;
      }
    }
    return undefined;
  }

  obligationsOf(id: string, path: string[]): Obligation[] {
    return this.variable(id).dependencies.map((dep) => ({ dep, path }));
  }

  run(queue: Obligation[]): boolean {
    if (--this.budget < 0) throw new BudgetExceeded();
    if (queue.length === 0) return true;
    const [ob, ...rest] = queue;
    if (ob.dep.options.some((o) => this.selected.has(o))) return this.run(rest);
    const reasons: string[] = [];
    for (const opt of ob.dep.options) {
      const blocked = this.blocker(opt);
      if (blocked !== undefined) {
        reasons.push(blocked);
        continue;
      }
      this.selected.add(opt);
      if (this.run([...rest, ...this.obligationsOf(opt, [...ob.path, ob.dep.message])])) return true;
      this.selected.delete(opt);
    }
    for (const m of [...ob.path, ob.dep.message, ...reasons]) this.core.add(m);
    return false;
  }
}

function attempt(p: Problem, anchors: string[], budget: number): SolveResult {
  const s = new Search(p, budget);
  const invalid: string[] = [];
  const subQueue: Obligation[] = [];
  const depQueue: Obligation[] = [];
  for (const id of anchors) {
    const v = p.variables.get(id) as Variable;
    const mandatory = v.mandatory as string;
    if (v.prohibited) {
      // Upstream prints the prohibiting message before "subscription X exists".
      invalid.push(v.prohibited, mandatory);
      continue;
    }
    const blocked = s.blocker(id);
    if (blocked !== undefined) {
      invalid.push(mandatory, blocked);
      continue;
    }
    s.selected.add(id);
    (v.subscription ? subQueue : depQueue).push(...s.obligationsOf(id, [mandatory]));
  }
  if (invalid.length > 0) return { ok: false, reason: 'unsatisfiable', messages: [...new Set(invalid)] };
  try {
    if (s.run([...subQueue, ...depQueue])) return { ok: true, selected: s.selected };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { ok: false, reason: 'budget' };
    throw e;
  }
  return { ok: false, reason: 'unsatisfiable', messages: [...s.core] };
}

/**
 * Solve a {@link Problem}. Anchors are installed first (unreferenced installed CSVs, then Subscriptions), then
 * every Subscription's "requires" constraint, then all dependencies breadth first. When unsatisfiable, anchors
 * that are not needed for the conflict are dropped one by one (deletion-based core minimisation), so the
 * message names only the Subscriptions and CSVs involved, as upstream's unsat core does.
 */
export function solve(p: Problem, budget = DEFAULT_BUDGET): SolveResult {
  const first = attempt(p, p.anchors, budget);
  if (first.ok || first.reason === 'budget') return first;
  let core = [...p.anchors];
  for (const id of p.anchors) {
    const without = core.filter((a) => a !== id);
    const r = attempt(p, without, budget);
    if (!r.ok && r.reason === 'unsatisfiable') core = without;
  }
  const minimal = attempt(p, core, budget);
  return minimal.ok || minimal.reason === 'budget' ? first : minimal;
}
