import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../kube/errors.ts';
import { formatLabelSelector, labelSelectorFromObject, labelSelectorString, matchesLabels, parseLabelSelector } from './index.ts';

const helmRelease = { name: 'demo', owner: 'helm', status: 'deployed', version: '3' };

describe('parseLabelSelector + matchesLabels', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['', {}, true],
    ['name=demo,owner=helm', helmRelease, true],
    ['name=demo,owner=helm', { name: 'other', owner: 'helm' }, false],
    ['owner=helm', helmRelease, true],
    ['owner==helm', helmRelease, true],
    ['owner!=helm', helmRelease, false],
    ['tier!=web', helmRelease, true],
    ['status in (deployed, superseded)', helmRelease, true],
    ['status in (failed)', helmRelease, false],
    ['status notin (failed)', helmRelease, true],
    ['missing notin (a)', helmRelease, true],
    ['missing in (a)', helmRelease, false],
    ['owner', helmRelease, true],
    ['missing', helmRelease, false],
    ['!missing', helmRelease, true],
    ['!owner', helmRelease, false],
    ['version>2', helmRelease, true],
    ['version>3', helmRelease, false],
    ['version<4', helmRelease, true],
    ['name>1', helmRelease, false],
    ['  name = demo ,  owner=helm ', helmRelease, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['example.com/role=db', { 'example.com/role': 'db' }, true],
    ['in in (in)', { in: 'in' }, true],
  ];
  for (const [text, labels, want] of cases) {
    it(`${JSON.stringify(text)} on ${JSON.stringify(labels)} → ${want}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(text), labels), want);
    });
  }
});

describe('parseLabelSelector errors', () => {
  const nameRule =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const cases: Array<[string, string]> = [
    ['a b', 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt'],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${nameRule}`],
    ['a=b$', 'unable to parse requirement: values[0][a]: Invalid value: "b$": a valid label must be an empty string or consist of alphanumeric characters'],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      assert.throws(
        () => parseLabelSelector(text),
        (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message.startsWith(message),
      );
    });
  }
});

describe('labelSelectorFromObject', () => {
  const cases: Array<[string, Parameters<typeof labelSelectorFromObject>[0], Record<string, string>, boolean, string]> = [
    ['nil matches nothing', null, { a: 'b' }, false, ''],
    ['empty matches everything', {}, { a: 'b' }, true, ''],
    ['matchLabels', { matchLabels: { app: 'web' } }, { app: 'web' }, true, 'app=web'],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, { tier: 'a' }, true, 'tier in (a,b)'],
    ['NotIn missing', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, {}, true, 'tier notin (a)'],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, {}, false, 'tier'],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, {}, true, '!tier'],
    ['sorted by key', { matchLabels: { z: '1', a: '2' } }, { z: '1', a: '2' }, true, 'a=2,z=1'],
  ];
  for (const [title, object, labels, want, text] of cases) {
    it(title, () => {
      const sel = labelSelectorFromObject(object);
      assert.equal(matchesLabels(sel, labels), want);
      assert.equal(labelSelectorString(sel), text);
    });
  }

  it('rejects unknown operators and empty In', () => {
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), /"Gt" is not a valid label selector operator/);
    assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
  });

  it('formats like metav1.FormatLabelSelector', () => {
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
  });
});
