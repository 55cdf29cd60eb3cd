/**
 * Namespace resolution (upstream `syncResolvingNamespace` → `ResolveSteps`; shared/reference/olm.md §4.1,
 * §4.5, §4.6): all Subscriptions of a namespace are solved together, every new CSV goes into one InstallPlan,
 * and the plan is Manual if any Subscription is Manual.
 */

import { buildProblem, type Problem } from './problem.ts';
import { solve } from './solver.ts';
import type {
  BlockedExplanation,
  ResolutionFailure,
  ResolvedStep,
  ResolveInput,
  ResolveResult,
  SubscriptionInput,
  SubscriptionResolution,
} from './types.ts';

/** Only the exact string `Manual` is manual (`GetInstallPlanApproval`). */
export function isManual(sub: SubscriptionInput): boolean {
  return sub.spec.installPlanApproval === 'Manual';
}

/** k8s `utilerrors.NewAggregate(errs).Error()`. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

function failed(input: ResolveInput, reason: ResolutionFailure['reason'], message: string): ResolveResult {
  // Upstream sets the same ResolutionFailed condition on every Subscription of the namespace (#1128).
  const failures = input.subscriptions.map((s) => ({ subscription: s.name, reason, message }));
  return { ok: false, reason, message, failures };
}

function stepFor(p: Problem, id: string): ResolvedStep | undefined {
  const e = p.variables.get(id)?.entry;
  if (e === undefined || e.existing || e.bundle === undefined) return undefined;
  return {
    csvName: e.name,
    package: e.package,
    channel: e.channel,
    version: e.version,
    source: e.catalog.source,
    sourceNamespace: e.catalog.sourceNamespace,
    bundle: e.bundle,
    replaces: e.replaces,
    requiredBy: [],
  };
}

function blockedExplanations(input: ResolveInput, steps: ResolvedStep[]): BlockedExplanation[] {
  const manual = input.subscriptions.filter(isManual).map((s) => s.name);
  if (manual.length === 0) return [];
  const waiting = new Set(steps.map((s) => s.subscription).filter((n): n is string => n !== undefined));
  return input.subscriptions
    .filter((s) => !isManual(s) && waiting.has(s.name))
    .map((s) => ({
      subscription: s.name,
      blockedBy: manual,
      message:
        `Subscription ${s.name} uses installPlanApproval Automatic, but the InstallPlan for namespace ${input.namespace} ` +
        `requires manual approval because Subscription(s) ${manual.join(', ')} use installPlanApproval Manual; ` +
        `OLM puts every Subscription of a namespace into one InstallPlan (one operator per namespace avoids this)`,
    }));
}

/**
 * Resolve one namespace: per Subscription the next CSV (one upgrade step: the candidate closest to the channel
 * head), plus bundles pulled in by `olm.gvk.required` / `olm.package.required` / `olm.constraint`, the plan's
 * approval and why Automatic Subscriptions wait. On failure the upstream-style `ResolutionFailed` message for
 * every Subscription (`constraints not satisfiable: …` or the error that prevented resolution).
 *
 * @example
 * const r = resolveNamespace({ namespace: 'ns', subscriptions, installedCSVs: [], catalogs, globalCatalogNamespace: 'cpaas-system' });
 * if (r.ok) for (const s of r.steps) console.log(s.csvName, s.replaces ?? '');
 * else console.log(r.reason, r.message);
 */
export function resolveNamespace(input: ResolveInput): ResolveResult {
  const built = buildProblem(input);
  if (!built.ok) return failed(input, 'ErrorPreventedResolution', aggregate(built.errors));
  const p = built.value;
  const solved = solve(p);
  if (!solved.ok) {
    if (solved.reason === 'budget') return failed(input, 'ErrorPreventedResolution', `resolution of namespace ${input.namespace} exceeded its search budget`);
    return failed(input, 'ConstraintsNotSatisfiable', `constraints not satisfiable: ${solved.messages.join(', ')}`);
  }
  const { selected } = solved;
  const steps = new Map<string, ResolvedStep>();
  const subscriptions: SubscriptionResolution[] = [];
  for (const { sub, options, replaces } of p.subscriptions) {
    const chosen = options.find((o) => selected.has(o));
    const entry = chosen ? p.variables.get(chosen)?.entry : undefined;
    const step = chosen ? stepFor(p, chosen) : undefined;
    if (chosen && step) {
      step.subscription = sub.name;
      step.replaces = replaces.get(chosen);
      steps.set(chosen, step);
    }
    subscriptions.push({ name: sub.name, currentCSV: entry?.name, changed: entry !== undefined && entry.name !== sub.status?.currentCSV, approval: isManual(sub) ? 'Manual' : 'Automatic' });
  }
  // Invalid Subscriptions never reach here (they make the problem unsatisfiable).
  for (const [id, v] of p.variables) {
    if (!selected.has(id)) continue;
    for (const dep of v.dependencies) {
      const by = dep.options.find((o) => selected.has(o));
      if (by === undefined || v.subscription) continue;
      let step = steps.get(by);
      if (step === undefined) {
        step = stepFor(p, by);
        if (step === undefined) continue;
        step.generatedSubscription = {
          name: [step.package, step.channel, step.source, step.sourceNamespace].join('-'),
          package: step.package,
          channel: step.channel,
          source: step.source,
          sourceNamespace: step.sourceNamespace,
          startingCSV: step.csvName,
          installPlanApproval: 'Automatic',
        };
        steps.set(by, step);
      }
      if (v.entry && !step.requiredBy.includes(v.entry.name)) step.requiredBy.push(v.entry.name);
    }
  }
  const list = [...steps.values()];
  return {
    ok: true,
    steps: list,
    approval: input.subscriptions.some(isManual) ? 'Manual' : 'Automatic',
    blocked: blockedExplanations(input, list),
    subscriptions,
  };
}
