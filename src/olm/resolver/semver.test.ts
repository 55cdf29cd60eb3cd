import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, inRange, parseRange, parseVersion } from './semver.ts';

const ranges: [range: string, version: string, want: boolean][] = [
  ['>=1.0.0 <1.0.3', '1.0.0', true],
  ['>=1.0.0 <1.0.3', '1.0.2', true],
  ['>=1.0.0 <1.0.3', '1.0.3', false],
  ['>= 1.0.0 < 1.0.3', '1.0.1', true], // blang joins an operator with the version after a space
  ['>1.0.0 <2.0.0', '1.0.0', false],
  ['<=1.2.3', '1.2.3', true],
  ['1.2.3', '1.2.3', true],
  ['=1.2.3', '1.2.4', false],
  ['==1.2.3', '1.2.3', true],
  ['!=1.2.3', '1.2.3', false],
  ['!1.2.3', '1.2.4', true],
  ['<2.0.0 || >=3.0.0', '2.5.0', false],
  ['<2.0.0 || >=3.0.0', '3.0.0', true],
  ['>1.0.0 <2.0.0 || >3.0.0 !4.2.1', '4.2.1', false],
  ['>1.0.0 <2.0.0 || >3.0.0 !4.2.1', '1.9.9', true],
  ['1.x', '1.9.0', true],
  ['1.x', '2.0.0', false],
  ['1.2.x', '1.2.9', true],
  ['1.2.x', '1.3.0', false],
  ['>1.x', '2.0.0', true],
  ['>1.x', '1.9.9', false],
  ['<=1.2.x', '1.2.99', true],
  ['<=1.2.x', '1.3.0', false],
  ['!=1.x', '0.1.0', false], // blang ANDs both halves: matches nothing
  ['>=1.0.0-0 <1.0.0', '1.0.0-rc.1', true],
  ['<1.0.0', '1.0.0-rc.1', true], // pre-releases sort before the release
  ['>=1.0.0', '1.0.0+build.5', true],
  ['>=0.1.0 <0.3.0', '0.2.1', true],
];

for (const [range, version, want] of ranges) {
  test(`inRange(${version}, "${range}") = ${want}`, () => assert.equal(inRange(version, range), want));
}

const badRanges: [string, string][] = [
  ['|| >1.0.0', "First element in range is '||'"],
  ['>1.0.0 ||', "Last element in range is '||'"],
  ['>=a', 'Could not get version from string: ">=a"'],
  ['~1.2.3', 'Could not parse Range "~1.2.3": Could not parse comparator "~" in "~1.2.3"'],
  ['^1.2.3', 'Could not parse Range "^1.2.3": Could not parse comparator "^" in "^1.2.3"'],
  ['>=1.0', 'Could not parse Range ">=1.0": Could not parse version "1.0" in ">=1.0": No Major.Minor.Patch elements found'],
];

for (const [range, message] of badRanges) {
  test(`parseRange("${range}") fails like blang`, () => {
    const r = parseRange(range);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.error, { code: 'InvalidRange', message });
  });
}

test('inRange is false for unparsable input', () => {
  assert.equal(inRange('v1.0.0', '>=0.0.0'), false);
  assert.equal(inRange('1.0.0', '~1.0.0'), false);
});

const order: [string, string, number][] = [
  ['1.0.0', '1.0.0', 0],
  ['1.0.0', '1.0.1', -1],
  ['1.10.0', '1.9.0', 1],
  ['1.0.0-alpha', '1.0.0', -1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-rc.1', '1.0.0-beta.11', 1],
  ['1.0.0+a', '1.0.0+b', 0],
];

for (const [a, b, want] of order) {
  test(`compareVersions(${a}, ${b}) = ${want}`, () => {
    const va = parseVersion(a);
    const vb = parseVersion(b);
    assert.ok(va.ok && vb.ok);
    if (va.ok && vb.ok) assert.equal(compareVersions(va.value, vb.value), want);
  });
}

const badVersions = ['', '1.0', 'v1.0.0', '01.0.0', '1.0.0-01', '1.0.0-', '1.0.0+'];
for (const v of badVersions) {
  test(`parseVersion("${v}") fails`, () => assert.equal(parseVersion(v).ok, false));
}
