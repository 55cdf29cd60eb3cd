import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefixEnd } from './sqlite-schema.ts';

describe('prefixEnd', () => {
  const cases: { prefix: string; end: string | 'all' }[] = [
    { prefix: '/a/', end: '/a0' },
    { prefix: '/registry/pods/', end: '/registry/pods0' },
    { prefix: 'ü', end: 'ý' },
    { prefix: 'x\u{D7FF}', end: 'x\u{E000}' },
    { prefix: 'x\u{FFFF}', end: 'x\u{10000}' },
    { prefix: '/𝄞', end: '/𝄟' },
    { prefix: 'a\u{10FFFF}', end: 'b' },
    { prefix: '', end: 'all' },
    { prefix: '\u{10FFFF}\u{10FFFF}', end: 'all' },
  ];
  for (const { prefix, end } of cases) {
    it(`of ${JSON.stringify(prefix)} is ${end === 'all' ? 'above every text' : JSON.stringify(end)}`, () => {
      const actual = prefixEnd(prefix);
      if (end === 'all') assert.ok(actual instanceof Uint8Array);
      else assert.equal(actual, end);
    });
  }
});
