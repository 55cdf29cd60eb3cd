import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscriptionCandidates } from './candidates.ts';
import { catalog, chain, installed, subscription } from './fixtures.ts';
import type { InstalledCSV, SubscriptionInput } from './types.ts';

const NS = 'cpaas-system';

const cat = catalog('ops', NS, [
  { name: 'chain', defaultChannel: 'stable', channels: { stable: chain('chain', ['1.0.0', '2.0.0', '3.0.0']), fast: [{ name: 'chain.v3.1.0', replaces: 'chain.v2.0.0' }] } },
  {
    name: 'memcached',
    defaultChannel: 'stable',
    channels: {
      stable: [
        { name: 'memcached.v0.1.0' },
        { name: 'memcached.v0.2.0', replaces: 'memcached.v0.1.0' },
        { name: 'memcached.v0.3.0', replaces: 'memcached.v0.2.0', skips: ['memcached.v0.2.1'], skipRange: '>=0.1.0 <0.3.0' },
      ],
    },
  },
  {
    name: 'skipper',
    defaultChannel: 'stable',
    channels: {
      stable: [
        { name: 'skipper.v1.0.0' },
        { name: 'skipper.v1.5.0', replaces: 'skipper.v1.0.0', skipRange: '>=1.0.0 <1.5.0' },
        { name: 'skipper.v2.0.0', replaces: 'skipper.v1.0.0', skips: ['skipper.v1.5.0'] },
      ],
    },
  },
  {
    name: 'multi',
    defaultChannel: 'stable',
    channels: { alpha: chain('multi', ['1.1.0']), stable: chain('multi', ['1.0.0', '1.0.1']), beta: chain('multi', ['1.2.0']) },
  },
]);

type Case = [name: string, sub: SubscriptionInput, installedCSVs: InstalledCSV[], want: { names: string[]; replaces?: (string | undefined)[] } | { error: string }];

const cases: Case[] = [
  ['fresh install: whole channel, head first; replaces = catalog entry', subscription('chain'), [], { names: ['chain.v3.0.0', 'chain.v2.0.0', 'chain.v1.0.0'], replaces: ['chain.v2.0.0', 'chain.v1.0.0', undefined] }],
  ['fresh install with startingCSV: only that bundle, catalog replaces kept', subscription('chain', { startingCSV: 'chain.v2.0.0' }), [], { names: ['chain.v2.0.0'], replaces: ['chain.v1.0.0'] }],
  [
    'replaces-only chain upgrades one step at a time',
    subscription('chain', {}, { installedCSV: 'chain.v1.0.0' }),
    [installed('chain.v1.0.0', 'chain')],
    { names: ['chain.v2.0.0'], replaces: ['chain.v1.0.0'] },
  ],
  [
    'startingCSV is ignored once a CSV is installed',
    subscription('chain', { startingCSV: 'chain.v1.0.0' }, { installedCSV: 'chain.v2.0.0' }),
    [installed('chain.v2.0.0', 'chain')],
    { names: ['chain.v3.0.0'], replaces: ['chain.v2.0.0'] },
  ],
  ['at the head: no candidates (the Subscription stays)', subscription('chain', {}, { installedCSV: 'chain.v3.0.0' }), [installed('chain.v3.0.0', 'chain')], { names: [] }],
  [
    'installedCSV not present in the namespace: treated as fresh',
    subscription('chain', {}, { installedCSV: 'chain.v1.0.0' }),
    [],
    { names: ['chain.v3.0.0', 'chain.v2.0.0', 'chain.v1.0.0'] },
  ],
  [
    'skipRange jump: v0.1.0 → v0.3.0 first (closest to head), v0.2.0 second',
    subscription('memcached', {}, { installedCSV: 'memcached.v0.1.0' }),
    [installed('memcached.v0.1.0', 'memcached')],
    { names: ['memcached.v0.3.0', 'memcached.v0.2.0'], replaces: ['memcached.v0.1.0', 'memcached.v0.1.0'] },
  ],
  [
    'skipped entry is never an upgrade target even if its skipRange matches',
    subscription('skipper', {}, { installedCSV: 'skipper.v1.0.0' }),
    [installed('skipper.v1.0.0', 'skipper')],
    { names: ['skipper.v2.0.0'] },
  ],
  [
    'cross channel update: the new channel has an entry replacing the installed CSV',
    subscription('chain', { channel: 'fast' }, { installedCSV: 'chain.v2.0.0' }),
    [installed('chain.v2.0.0', 'chain')],
    { names: ['chain.v3.1.0'], replaces: ['chain.v2.0.0'] },
  ],
  [
    'empty channel: default channel first, then the others by name',
    subscription('multi', { channel: '' }),
    [],
    { names: ['multi.v1.0.1', 'multi.v1.0.0', 'multi.v1.1.0', 'multi.v1.2.0'] },
  ],
  ['absent channel behaves like empty', subscription('multi', { channel: undefined }), [], { names: ['multi.v1.0.1', 'multi.v1.0.0', 'multi.v1.1.0', 'multi.v1.2.0'] }],
  [
    'missing catalog',
    subscription('chain', { source: 'nope' }),
    [],
    { error: 'no operators found from catalog nope in namespace cpaas-system referenced by subscription chain' },
  ],
  ['missing package', subscription('ghost'), [], { error: 'no operators found in package ghost in the catalog referenced by subscription ghost' }],
  ['missing channel', subscription('chain', { channel: 'beta' }), [], { error: 'no operators found in channel beta of package chain in the catalog referenced by subscription chain' }],
  [
    'missing startingCSV',
    subscription('chain', { startingCSV: 'chain.v9.0.0' }),
    [],
    { error: 'no operators found with name chain.v9.0.0 in channel stable of package chain in the catalog referenced by subscription chain' },
  ],
];

for (const [name, sub, installedCSVs, want] of cases) {
  test(`subscriptionCandidates: ${name}`, () => {
    const r = subscriptionCandidates(sub, [cat], installedCSVs);
    if ('error' in want) {
      assert.deepEqual(r, { ok: false, error: { code: 'NoOperatorsFound', message: want.error } });
      return;
    }
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(r.value.map((c) => c.entry.name), want.names);
    if (want.replaces) assert.deepEqual(r.value.map((c) => c.replaces), want.replaces);
  });
}

test('subscriptionCandidates: sortChannel errors propagate with upstream text', () => {
  const bad = catalog('ops', NS, [{ name: 'p', defaultChannel: 'stable', channels: { stable: [{ name: 'p.v1.0.0' }, { name: 'p.v2.0.0' }] } }]);
  const r = subscriptionCandidates(subscription('p'), [bad], []);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'MultipleReplacementChains');
});
