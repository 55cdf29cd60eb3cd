import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelHead, compareSemver } from './graph.ts';

test('compareSemver orders by semver precedence', () => {
  const sorted = ['2.12.10', 'v2.12.11', '2.12.9', '2.13.0-rc.1', '2.13.0', '2.13.0-beta.2', '2.13.0-beta.11', '2.13.0-alpha', 'not-semver', '2.12.10+build.1'].sort(compareSemver);
  assert.deepEqual(sorted, ['not-semver', '2.12.9', '2.12.10', '2.12.10+build.1', 'v2.12.11', '2.13.0-alpha', '2.13.0-beta.2', '2.13.0-beta.11', '2.13.0-rc.1', '2.13.0']);
  assert.equal(compareSemver('1.0.0', 'v1.0.0'), 0);
});

const ch = (entries: { name: string; replaces?: string; skips?: string[] }[]) => ({ name: 'stable', package: 'p', entries });

test('channelHead: the unique entry no other entry replaces or skips', () => {
  assert.equal(channelHead(ch([{ name: 'a' }, { name: 'b', replaces: 'a' }, { name: 'c', replaces: 'b' }])), 'c');
  assert.equal(channelHead(ch([{ name: 'a' }, { name: 'c', replaces: 'a', skips: ['b'] }, { name: 'b', replaces: 'a' }])), 'c');
  assert.equal(channelHead(ch([{ name: 'b', replaces: 'missing' }])), 'b');
  assert.throws(() => channelHead(ch([{ name: 'a', replaces: 'b' }, { name: 'b', replaces: 'a' }])), /channel "stable": no channel head found in graph/);
  assert.throws(() => channelHead(ch([{ name: 'b' }, { name: 'a' }])), /multiple channel heads found in graph: a, b/);
  assert.throws(() => channelHead(ch([])), /no channel head/);
});
