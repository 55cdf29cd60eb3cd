import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateJsonPath, jsonPathText } from './index.ts';

const obj = {
  metadata: { name: 'w1', labels: { 'app.kubernetes.io/name': 'demo' } },
  spec: { size: 3, items: [10, 20, 30, 40], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True', priority: 2 },
      { type: 'Synced', status: 'False', priority: 5 },
    ],
  },
};

describe('evaluateJsonPath', () => {
  const cases: Array<[string, unknown[]]> = [
    ['.spec.size', [3]],
    ['{.spec.size}', [3]],
    ['{$.metadata.name}', ['w1']],
    ['.spec.missing', []],
    ['.missing.deeper', []],
    ["{.metadata.labels['app.kubernetes.io/name']}", ['demo']],
    ['{.metadata.labels.app\\.kubernetes\\.io/name}', ['demo']],
    ['.spec.items[0]', [10]],
    ['.spec.items[-1]', [40]],
    ['.spec.items[1:3]', [20, 30]],
    ['.spec.items[:2]', [10, 20]],
    ['.spec.items[::2]', [10, 30]],
    ['.spec.items[*]', [10, 20, 30, 40]],
    ['.spec.items[0,2]', [10, 30]],
    ['.spec.containers[*].image', ['nginx', 'busybox']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Synced']],
    ['.status.conditions[?(@.priority>2)].type', ['Synced']],
    ['.status.conditions[?(@.priority>=2)].type', ['Ready', 'Synced']],
    ['.status.conditions[?(@.priority<5)].type', ['Ready']],
    ['.status.conditions[?(@.priority<=5)].type', ['Ready', 'Synced']],
    ['.status.conditions[?(@.nothere)].type', []],
    ['..image', ['nginx', 'busybox']],
    ['name: {.metadata.name}!', ['name: ', 'w1', '!']],
  ];
  for (const [path, want] of cases) {
    it(path, () => assert.deepEqual(evaluateJsonPath(path, obj), want));
  }

  const errors: Array<[string, RegExp]> = [
    ['{.spec.size', /unclosed action/],
    ['.spec.items[5]', /array index out of bounds: index 5, length 4/],
    ['.spec[0]', /is not array or slice/],
    ['.spec.items[x]', /invalid array index x/],
    ['{....a}', /invalid multiple recursive descent/],
  ];
  for (const [path, message] of errors) {
    it(`fails on ${path}`, () => assert.throws(() => evaluateJsonPath(path, obj), message));
  }
});

describe('jsonPathText', () => {
  const cases: Array<[unknown, string]> = [
    ['x', 'x'],
    [3, '3'],
    [1.5, '1.5'],
    [0.00001, '1e-05'],
    [true, 'true'],
    [null, '<nil>'],
    [{ b: 1, a: '<' }, '{"a":"\\u003c","b":1}'],
  ];
  for (const [value, want] of cases) it(`${JSON.stringify(value)} → ${want}`, () => assert.equal(jsonPathText(value), want));
});
