import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog } from '../model.ts';
import { catalog, chain, gvk, gvkRequired, installed, packageRequired, subscription } from './fixtures.ts';
import { resolveNamespace } from './resolve.ts';
import type { InstalledCSV, ResolveResult, SubscriptionInput } from './types.ts';

const GLOBAL = 'cpaas-system';
const NS = 'team';
const WIDGET = gvk('example.io', 'v1', 'Widget');

const ops = catalog('ops', GLOBAL, [
  { name: 'chain', defaultChannel: 'stable', channels: { stable: chain('chain', ['1.0.0', '2.0.0', '3.0.0']) } },
  {
    name: 'memcached',
    defaultChannel: 'stable',
    channels: {
      stable: [
        { name: 'memcached.v0.1.0' },
        { name: 'memcached.v0.2.0', replaces: 'memcached.v0.1.0' },
        { name: 'memcached.v0.3.0', replaces: 'memcached.v0.2.0', skipRange: '>=0.1.0 <0.3.0' },
      ],
    },
  },
  { name: 'app', defaultChannel: 'stable', channels: { stable: chain('app', ['1.0.0']) }, properties: { 'app.v1.0.0': [gvkRequired('example.io', 'v1', 'Widget')] } },
  { name: 'widgets', defaultChannel: 'stable', channels: { stable: chain('widgets', ['1.0.0', '1.1.0']) }, properties: { 'widgets.v1.0.0': [WIDGET], 'widgets.v1.1.0': [WIDGET] } },
  { name: 'db', defaultChannel: 'stable', channels: { stable: chain('db', ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) } },
  { name: 'web', defaultChannel: 'stable', channels: { stable: chain('web', ['1.0.0']) }, properties: { 'web.v1.0.0': [packageRequired('db', '>=1.1.0 <2.0.0')] } },
  { name: 'orphan', defaultChannel: 'stable', channels: { stable: chain('orphan', ['1.0.0']) }, properties: { 'orphan.v1.0.0': [gvkRequired('missing.io', 'v1', 'Nothing')] } },
  {
    name: 'risky',
    defaultChannel: 'stable',
    channels: { stable: chain('risky', ['1.0.0', '2.0.0']) },
    properties: { 'risky.v2.0.0': [gvkRequired('missing.io', 'v1', 'Nothing')] },
  },
  { name: 'old', defaultChannel: 'stable', channels: { stable: chain('old', ['1.0.0', '2.0.0']) }, deprecated: ['old.v2.0.0'] },
  { name: 'badrange', defaultChannel: 'stable', channels: { stable: chain('badrange', ['1.0.0']) }, properties: { 'badrange.v1.0.0': [packageRequired('db', '~1.0.0')] } },
  { name: 'forked', defaultChannel: 'stable', channels: { stable: [{ name: 'forked.v1.0.0' }, { name: 'forked.v2.0.0' }] } },
]);

/** Another provider of Widget in a namespace-local catalog: must lose to the dependent's own catalog. */
const community = catalog('community', NS, [
  { name: 'widgets-community', defaultChannel: 'stable', channels: { stable: chain('widgets-community', ['9.0.0']) }, properties: { 'widgets-community.v9.0.0': [WIDGET] } },
]);

/** A catalog in a namespace that is neither `team` nor the global one: invisible. */
const hidden = catalog('hidden', 'elsewhere', [{ name: 'chain', defaultChannel: 'stable', channels: { stable: chain('chain', ['1.0.0']) } }]);

function resolve(subscriptions: SubscriptionInput[], installedCSVs: InstalledCSV[] = [], catalogs: Catalog[] = [ops, community, hidden]): ResolveResult {
  return resolveNamespace({ namespace: NS, subscriptions, installedCSVs, catalogs, globalCatalogNamespace: GLOBAL });
}

/** Compact view of a successful result: `csv<replaces>@subscription|generated-subscription`. */
function summary(r: ResolveResult): string[] {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.steps.map((s) => `${s.csvName}<${s.replaces ?? ''}>@${s.subscription ?? s.generatedSubscription?.name}`);
}

const stepCases: [name: string, subs: SubscriptionInput[], installed: InstalledCSV[], want: string[]][] = [
  ['fresh install picks the channel head', [subscription('chain')], [], ['chain.v3.0.0<chain.v2.0.0>@chain']],
  ['fresh install with startingCSV', [subscription('chain', { startingCSV: 'chain.v1.0.0' })], [], ['chain.v1.0.0<>@chain']],
  [
    'replaces-only chain: one step per pass (v1 → v2)',
    [subscription('chain', { startingCSV: 'chain.v1.0.0' }, { installedCSV: 'chain.v1.0.0', currentCSV: 'chain.v1.0.0' })],
    [installed('chain.v1.0.0', 'chain')],
    ['chain.v2.0.0<chain.v1.0.0>@chain'],
  ],
  [
    'replaces-only chain: next pass (v2 → v3)',
    [subscription('chain', {}, { installedCSV: 'chain.v2.0.0', currentCSV: 'chain.v2.0.0' })],
    [installed('chain.v2.0.0', 'chain')],
    ['chain.v3.0.0<chain.v2.0.0>@chain'],
  ],
  ['at the channel head: nothing to do', [subscription('chain', {}, { installedCSV: 'chain.v3.0.0' })], [installed('chain.v3.0.0', 'chain')], []],
  [
    'skipRange jump: REPLACES is the installed CSV, not the catalog entry',
    [subscription('memcached', {}, { installedCSV: 'memcached.v0.1.0' })],
    [installed('memcached.v0.1.0', 'memcached')],
    ['memcached.v0.3.0<memcached.v0.1.0>@memcached'],
  ],
  [
    'gvk.required: provider from the dependent catalog wins over a namespace-local catalog; head of its channel',
    [subscription('app')],
    [],
    ['app.v1.0.0<>@app', 'widgets.v1.1.0<widgets.v1.0.0>@widgets-stable-ops-cpaas-system'],
  ],
  ['gvk.required: an installed provider beats every catalog', [subscription('app')], [installed('widgets-community.v9.0.0', 'widgets-community', [WIDGET])], ['app.v1.0.0<>@app']],
  ['package.required: highest in the channel order that satisfies versionRange', [subscription('web')], [], ['web.v1.0.0<>@web', 'db.v1.2.0<db.v1.1.0>@db-stable-ops-cpaas-system']],
  [
    'a Subscription to the dependency package takes the step over (no generated Subscription)',
    [subscription('web'), subscription('db', { startingCSV: 'db.v1.1.0' })],
    [],
    ['web.v1.0.0<>@web', 'db.v1.1.0<db.v1.0.0>@db'],
  ],
  [
    'an upgrade whose dependency is missing is not taken; the installed CSV stays',
    [subscription('risky', {}, { installedCSV: 'risky.v1.0.0' })],
    [installed('risky.v1.0.0', 'risky')],
    [],
  ],
  ['a deprecated (olm.deprecated) bundle is prohibited: the next candidate wins', [subscription('old')], [], ['old.v1.0.0<>@old']],
  ['a global-namespace catalog is visible from the namespace', [subscription('widgets')], [], ['widgets.v1.1.0<widgets.v1.0.0>@widgets']],
];

for (const [name, subs, inst, want] of stepCases) {
  test(`resolveNamespace: ${name}`, () => assert.deepEqual(summary(resolve(subs, inst)), want));
}

test('resolveNamespace: dependency step details (generated Subscription, requiredBy)', () => {
  const r = resolve([subscription('app')]);
  assert.ok(r.ok);
  const dep = r.steps[1];
  assert.deepEqual(dep.generatedSubscription, {
    name: 'widgets-stable-ops-cpaas-system',
    package: 'widgets',
    channel: 'stable',
    source: 'ops',
    sourceNamespace: GLOBAL,
    startingCSV: 'widgets.v1.1.0',
    installPlanApproval: 'Automatic',
  });
  assert.deepEqual(dep.requiredBy, ['app.v1.0.0']);
  assert.equal(dep.bundle.image, 'registry.example/widgets-bundle:1.1.0');
  assert.deepEqual(r.subscriptions, [{ name: 'app', currentCSV: 'app.v1.0.0', changed: true, approval: 'Automatic' }]);
  assert.equal(r.approval, 'Automatic');
  assert.deepEqual(r.blocked, []);
});

test('resolveNamespace: one Manual Subscription makes the plan Manual and explains why the Automatic one waits', () => {
  const r = resolve([subscription('chain', { installPlanApproval: 'Manual' }), subscription('web', { installPlanApproval: 'Automatic' })]);
  assert.ok(r.ok);
  assert.equal(r.approval, 'Manual');
  assert.deepEqual(r.blocked.map((b) => [b.subscription, b.blockedBy]), [['web', ['chain']]]);
  assert.match(r.blocked[0].message, /Subscription web uses installPlanApproval Automatic, but the InstallPlan for namespace team requires manual approval because Subscription\(s\) chain use installPlanApproval Manual/);
  assert.deepEqual(r.subscriptions.map((s) => s.approval), ['Manual', 'Automatic']);
});

test('resolveNamespace: only the exact string Manual is manual', () => {
  const r = resolve([subscription('chain', { installPlanApproval: 'manual' })]);
  assert.ok(r.ok);
  assert.equal(r.approval, 'Automatic');
});

test('resolveNamespace: a pending Manual upgrade is included again with a new Automatic one (#1355)', () => {
  const r = resolve(
    [
      subscription('chain', { installPlanApproval: 'Manual' }, { installedCSV: 'chain.v1.0.0', currentCSV: 'chain.v2.0.0' }),
      subscription('memcached', {}, { installedCSV: 'memcached.v0.1.0', currentCSV: 'memcached.v0.1.0' }),
    ],
    [installed('chain.v1.0.0', 'chain'), installed('memcached.v0.1.0', 'memcached')],
  );
  assert.deepEqual(summary(r), ['chain.v2.0.0<chain.v1.0.0>@chain', 'memcached.v0.3.0<memcached.v0.1.0>@memcached']);
  assert.ok(r.ok);
  assert.deepEqual(r.subscriptions.map((s) => [s.name, s.currentCSV, s.changed]), [['chain', 'chain.v2.0.0', false], ['memcached', 'memcached.v0.3.0', true]]);
  assert.equal(r.approval, 'Manual');
  assert.deepEqual(r.blocked.map((b) => b.subscription), ['memcached']);
});

const failureCases: [name: string, subs: SubscriptionInput[], installed: InstalledCSV[], reason: string, message: string][] = [
  [
    'missing package',
    [subscription('ghost'), subscription('chain')],
    [],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: no operators found in package ghost in the catalog referenced by subscription ghost, subscription ghost exists',
  ],
  [
    'missing channel',
    [subscription('chain', { channel: 'beta' })],
    [],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: no operators found in channel beta of package chain in the catalog referenced by subscription chain, subscription chain exists',
  ],
  [
    'missing startingCSV',
    [subscription('chain', { startingCSV: 'chain.v9.0.0' })],
    [],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: no operators found with name chain.v9.0.0 in channel stable of package chain in the catalog referenced by subscription chain, subscription chain exists',
  ],
  [
    'catalog in a namespace that is not visible',
    [subscription('chain', { source: 'hidden', sourceNamespace: 'elsewhere' })],
    [],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: no operators found from catalog hidden in namespace elsewhere referenced by subscription chain, subscription chain exists',
  ],
  [
    'missing dependency',
    [subscription('orphan'), subscription('chain')],
    [],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: subscription orphan exists, subscription orphan requires ops/cpaas-system/stable/orphan.v1.0.0, bundle orphan.v1.0.0 requires an operator providing an API with group: missing.io, version: v1, kind: Nothing',
  ],
  [
    'an installed CSV no Subscription references blocks a recreated Subscription (olm-docs troubleshooting)',
    [subscription('chain')],
    [installed('chain.v1.0.0', 'chain')],
    'ConstraintsNotSatisfiable',
    'constraints not satisfiable: subscription chain exists, subscription chain requires at least one of ops/cpaas-system/stable/chain.v3.0.0, ops/cpaas-system/stable/chain.v2.0.0 or ops/cpaas-system/stable/chain.v1.0.0, ' +
      '@existing/team//chain.v1.0.0, ops/cpaas-system/stable/chain.v1.0.0, ops/cpaas-system/stable/chain.v2.0.0 and ops/cpaas-system/stable/chain.v3.0.0 originate from package chain',
  ],
  ['invalid versionRange', [subscription('badrange')], [], 'ErrorPreventedResolution', 'Could not parse Range "~1.0.0": Could not parse comparator "~" in "~1.0.0"'],
  [
    'two replacement chains in the subscribed channel',
    [subscription('forked')],
    [],
    'ErrorPreventedResolution',
    'a unique replacement chain within a channel is required to determine the relative order between channel entries, but 2 replacement chains were found in channel "stable" of package "forked": forked.v1.0.0, forked.v2.0.0',
  ],
];

for (const [name, subs, inst, reason, message] of failureCases) {
  test(`resolveNamespace fails: ${name}`, () => {
    const r = resolve(subs, inst);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.reason, reason);
    assert.equal(r.message, message);
    // Upstream sets ResolutionFailed on every Subscription of the namespace.
    assert.deepEqual(r.failures, subs.map((s) => ({ subscription: s.name, reason, message })));
  });
}

test('resolveNamespace: catalog priority orders dependency providers from other catalogs', () => {
  const provider = (source: string, pkg: string) =>
    catalog(source, NS, [{ name: pkg, defaultChannel: 'stable', channels: { stable: chain(pkg, ['1.0.0']) }, properties: { [`${pkg}.v1.0.0`]: [WIDGET] } }]);
  const dependent = catalog('apps', GLOBAL, [{ name: 'app', defaultChannel: 'stable', channels: { stable: chain('app', ['1.0.0']) }, properties: { 'app.v1.0.0': [gvkRequired('example.io', 'v1', 'Widget')] } }]);
  const catalogs = [dependent, provider('a-low', 'w-low'), provider('z-high', 'w-high')];
  const base = { namespace: NS, subscriptions: [subscription('app', { source: 'apps' })], installedCSVs: [], catalogs, globalCatalogNamespace: GLOBAL };
  assert.deepEqual(summary(resolveNamespace(base)), ['app.v1.0.0<>@app', 'w-low.v1.0.0<>@w-low-stable-a-low-team']);
  assert.deepEqual(summary(resolveNamespace({ ...base, catalogPriorities: { [`${NS}/z-high`]: 10 } })), ['app.v1.0.0<>@app', 'w-high.v1.0.0<>@w-high-stable-z-high-team']);
});
