/**
 * Label selector text parser, a port of apimachinery labels/selector.go (Lexer + Parser) so that
 * accepted syntax and error messages match kube-apiserver.
 */
import { StatusError } from '../../kube/errors.ts';
import type { LabelOperator, LabelSelector, Requirement } from './labels.ts';
import { binaryOperators, labelKeyError, newRequirement, sortRequirements } from './labels.ts';

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  tok: Token;
  lit: string;
}

const string2token: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch) && ch !== '';

function tokenOf(text: string): Token | undefined {
  return Object.hasOwn(string2token, text) ? string2token[text] : undefined;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    const start = pos;
    if (isSpecial(s[pos])) {
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        const tok = tokenOf(s.slice(start, pos + 1));
        if (tok) last = { tok, lit: s.slice(start, pos + 1) };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${s.slice(start, pos)}'` });
    } else {
      while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
      const lit = s.slice(start, pos);
      items.push({ tok: tokenOf(lit) ?? 'id', lit });
    }
  }
}

const operatorOf: Partial<Record<Token, LabelOperator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };

class Parser {
  readonly items: Item[];
  position = 0;

  constructor(items: Item[]) {
    this.items = items;
  }

  /** In "values" context the keywords in/notin are plain identifiers. */
  lookahead(values = true): Item {
    const item = this.items[this.position];
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  consume(values = true): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === 'eos') return requirements;
      if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      requirements.push(this.requirementOrThrow());
      const next = this.consume();
      if (next.tok === 'eos') return requirements;
      if (next.tok !== ',') throw new Error(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.tok !== 'id' && after.tok !== '!') throw new Error(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  requirementOrThrow(): Requirement {
    try {
      return this.parseRequirement();
    } catch (err) {
      throw new Error(`unable to parse requirement: ${(err as Error).message}`);
    }
  }

  parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator) return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let item = this.consume();
    if (item.tok === '!') {
      operator = '!';
      item = this.consume();
    }
    if (item.tok !== 'id') throw new Error(`found '${item.lit}', expected: identifier`);
    const keyErr = labelKeyError(item.lit, null);
    if (keyErr) throw new Error(keyErr);
    const next = this.lookahead().tok;
    if ((next === 'eos' || next === ',') && !operator) operator = 'exists';
    return { key: item.lit, operator };
  }

  parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    const op = operatorOf[tok];
    if (!op) throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    return op;
  }

  parseValues(): Set<string> {
    const open = this.consume();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === ')') {
      this.consume();
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume().tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === 'id') {
        values.add(lit);
        const next = this.lookahead();
        if (next.tok === ',') continue;
        if (next.tok === ')') return values;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new Error(`found '${lit}', expected: ',', or identifier`);
      if (values.size === 0) values.add('');
      const next = this.lookahead().tok;
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') {
        this.consume();
        values.add('');
      }
    }
  }

  parseExactValue(): Set<string> {
    const next = this.lookahead().tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.consume();
    if (tok === 'id') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a `labelSelector` query value (labels.Parse). Throws StatusError.badRequest with
 * kube's message on bad syntax or an invalid key/value.
 *
 * @example
 * const sel = parseLabelSelector('name=demo,owner=helm');
 * matchesLabels(sel, { name: 'demo', owner: 'helm', status: 'deployed' }); // true
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return { requirements: sortRequirements(new Parser(lex(text)).parse()) };
  } catch (err) {
    throw StatusError.badRequest((err as Error).message);
  }
}
