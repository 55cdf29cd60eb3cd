import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, ChannelEntry } from '../model.ts';
import { channelHead, sortChannel } from './channel.ts';
import type { Result } from './errors.ts';

const ch = (entries: ChannelEntry[]) => ({ name: 'alpha', package: 'packageA', entries });

const sortCases: [name: string, entries: ChannelEntry[], want: Result<string[]>][] = [
  ['empty channel', [], { ok: true, value: [] }],
  ['single entry', [{ name: 'a.v1' }], { ok: true, value: ['a.v1'] }],
  [
    'replaces chain, head first regardless of entry order',
    [{ name: 'a.v2', replaces: 'a.v1' }, { name: 'a.v3', replaces: 'a.v2' }, { name: 'a.v1' }],
    { ok: true, value: ['a.v3', 'a.v2', 'a.v1'] },
  ],
  [
    'tail may replace a missing entry',
    [{ name: 'a.v2', replaces: 'a.v1' }, { name: 'a.v3', replaces: 'a.v2' }],
    { ok: true, value: ['a.v3', 'a.v2'] },
  ],
  [
    'skipped entries are dropped (olm-docs example: v3 skips v2)',
    [{ name: 'a.v1' }, { name: 'a.v2', replaces: 'a.v1', skipRange: '>=1.0.0 <2.0.0' }, { name: 'a.v3', replaces: 'a.v1', skips: ['a.v2'] }],
    { ok: true, value: ['a.v3', 'a.v1'] },
  ],
  [
    'memcached FBC example: v0.2.1 is skipped and absent, v0.2.0 stays in order',
    [
      { name: 'm.v0.1.0' },
      { name: 'm.v0.2.0', replaces: 'm.v0.1.0' },
      { name: 'm.v0.3.0', replaces: 'm.v0.2.0', skips: ['m.v0.2.1'], skipRange: '>=0.1.0 <0.3.0' },
    ],
    { ok: true, value: ['m.v0.3.0', 'm.v0.2.0', 'm.v0.1.0'] },
  ],
  [
    'two chains (upstream TestSolveOperators_WithoutUniqueReplacementChain)',
    [
      { name: 'packageA.side1.v1' },
      { name: 'packageA.side1.v2', replaces: 'packageA.side1.v1' },
      { name: 'packageA.side2.v1' },
      { name: 'packageA.side2.v2', replaces: 'packageA.side2.v1' },
    ],
    {
      ok: false,
      error: {
        code: 'MultipleReplacementChains',
        message:
          'a unique replacement chain within a channel is required to determine the relative order between channel entries, but 2 replacement chains were found in channel "alpha" of package "packageA": packageA.side1.v2...packageA.side1.v1, packageA.side2.v2...packageA.side2.v1',
      },
    },
  ],
  [
    'two unrelated single entries',
    [{ name: 'a' }, { name: 'b' }],
    { ok: false, error: { code: 'MultipleReplacementChains', message: 'a unique replacement chain within a channel is required to determine the relative order between channel entries, but 2 replacement chains were found in channel "alpha" of package "packageA": a, b' } },
  ],
  [
    'full cycle leaves no head',
    [{ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'a' }],
    { ok: false, error: { code: 'NoChannelHeads', message: 'no channel heads (entries not replaced by another entry) found in channel "alpha" of package "packageA"' } },
  ],
  [
    'cycle below the head',
    [{ name: 'h', replaces: 'b' }, { name: 'b', replaces: 'c' }, { name: 'c', replaces: 'b' }],
    { ok: false, error: { code: 'ReplacementCycle', message: 'a cycle exists in the chain of replacement beginning with "h" in channel "alpha" of package "packageA"' } },
  ],
];

for (const [name, entries, want] of sortCases) {
  test(`sortChannel: ${name}`, () => assert.deepEqual(sortChannel(ch(entries)), want));
}

test('sortChannel falls back to bundle edges when entries carry none', () => {
  const b = (name: string, replaces?: string): Bundle => ({ name, package: 'packageA', version: '1.0.0', image: 'x', replaces, skips: [], properties: [], relatedImages: [] });
  assert.deepEqual(sortChannel(ch([{ name: 'a.v1' }, { name: 'a.v2' }]), [b('a.v1'), b('a.v2', 'a.v1')]), { ok: true, value: ['a.v2', 'a.v1'] });
});

const headCases: [name: string, entries: ChannelEntry[], want: Result<string>][] = [
  ['linear chain', [{ name: 'a.v1' }, { name: 'a.v2', replaces: 'a.v1' }], { ok: true, value: 'a.v2' }],
  ['skipped entries need not be reachable', [{ name: 'a.v1' }, { name: 'a.v1.5' }, { name: 'a.v2', replaces: 'a.v1', skips: ['a.v1.5'] }], { ok: true, value: 'a.v2' }],
  ['no head', [{ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'a' }], { ok: false, error: { code: 'NoChannelHead', message: 'no channel head found in graph' } }],
  ['multiple heads, sorted', [{ name: 'b' }, { name: 'a' }], { ok: false, error: { code: 'MultipleChannelHeads', message: 'multiple channel heads found in graph: a, b' } }],
  [
    'cycle',
    [{ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'c' }, { name: 'c', replaces: 'b' }],
    { ok: false, error: { code: 'ReplacesCycle', message: 'detected cycle in replaces chain of upgrade graph: b -> c -> b' } },
  ],
  [
    'stranded bundles',
    [{ name: 'a.v1' }, { name: 'a.v2', replaces: 'a.v1' }, { name: 'x.v1' }, { name: 'x.v2', replaces: 'x.v1', skips: ['a.v2'] }],
    { ok: false, error: { code: 'StrandedBundles', message: 'channel contains one or more stranded bundles: a.v1' } },
  ],
];

for (const [name, entries, want] of headCases) {
  test(`channelHead: ${name}`, () => assert.deepEqual(channelHead(ch(entries)), want));
}

test('channelHead without validation ignores stranded bundles', () => {
  const entries = [{ name: 'a.v1' }, { name: 'a.v2', replaces: 'a.v1' }, { name: 'x.v1' }, { name: 'x.v2', replaces: 'x.v1', skips: ['a.v2'] }];
  assert.deepEqual(channelHead(ch(entries), { validate: false }), { ok: true, value: 'x.v2' });
});
