/**
 * Parser for the client-go JSONPath template dialect (k8s.io/client-go/util/jsonpath/parser.go):
 * text with `{...}` actions holding `.field`, `['key']`, `[i]`, `[a:b:c]`, `[*]`, `[x,y]`, `..`,
 * `[?(@.a=="b")]`. `range`/`end` are not supported.
 */
import { StatusError } from '../../kube/errors.ts';

export interface SliceParam {
  known: boolean;
  value: number;
  derived?: boolean;
}

export type PathNode =
  | { type: 'text'; text: string }
  | { type: 'list'; nodes: PathNode[] }
  | { type: 'field'; name: string }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'array'; params: [SliceParam, SliceParam, SliceParam] }
  | { type: 'filter'; left: PathNode[]; right: PathNode[]; op: string }
  | { type: 'union'; branches: PathNode[][] }
  | { type: 'literal'; value: number | boolean };

const sliceRe = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const dictKeyRe = /^'([^']*)'$/;
const filterRe = /^([^!<>=]+)([!<>=~]+)(.+?)$/;

const isSpace = (r: string): boolean => r === ' ' || r === '\t';
const isEndOfLine = (r: string): boolean => r === '\r' || r === '\n';
const isTerminator = (r: string): boolean => r === '' || isSpace(r) || isEndOfLine(r) || '.,[]$@{}'.includes(r);
const isAlphaNumeric = (r: string): boolean => /^[\p{L}\p{Nd}_]$/u.test(r);

function fail(message: string): never {
  throw StatusError.badRequest(message);
}

class Parser {
  readonly input: string;
  pos = 0;
  start = 0;

  constructor(input: string) {
    this.input = input;
  }

  next(): string {
    return this.pos < this.input.length ? this.input[this.pos++] : '';
  }

  consumeText(): string {
    const text = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return text;
  }

  parseTemplate(): PathNode[] {
    const root: PathNode[] = [];
    while (this.pos < this.input.length) {
      const open = this.input.indexOf('{', this.pos);
      if (open < 0) break;
      this.pos = open;
      if (this.pos > this.start) root.push({ type: 'text', text: this.consumeText() });
      this.pos++;
      this.consumeText();
      const list: PathNode[] = [];
      this.parseAction(list);
      root.push({ type: 'list', nodes: list });
    }
    this.pos = this.input.length;
    if (this.pos > this.start) root.push({ type: 'text', text: this.consumeText() });
    return root;
  }

  parseAction(cur: PathNode[]): void {
    for (;;) {
      if (this.input.startsWith('}', this.pos)) {
        this.pos++;
        this.consumeText();
        return;
      }
      if (this.input.startsWith('[?(', this.pos)) this.parseFilter(cur);
      else if (this.input.startsWith('..', this.pos)) this.parseRecursive(cur);
      else this.parseStep(cur);
    }
  }

  parseStep(cur: PathNode[]): void {
    const r = this.next();
    if (r === '' || isEndOfLine(r)) fail('unclosed action');
    if (r === ' ' || r === '@' || r === '$') this.consumeText();
    else if (r === '[') this.parseArray(cur);
    else if (r === '"' || r === "'") this.parseQuote(cur, r);
    else if (r === '.') this.parseField(cur);
    else if (r === '+' || r === '-' || /\d/.test(r)) this.parseNumber(cur);
    else if (isAlphaNumeric(r)) this.parseIdentifier(cur);
    else fail(`unrecognized character in action: U+${r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${r}'`);
  }

  parseField(cur: PathNode[]): void {
    this.consumeText();
    while (this.pos < this.input.length) {
      const r = this.input[this.pos];
      if (r === '\\') this.pos += 2;
      else if (isTerminator(r)) break;
      else this.pos++;
    }
    const value = this.consumeText();
    cur.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replaceAll('\\', '') });
  }

  parseRecursive(cur: PathNode[]): void {
    if (cur.at(-1)?.type === 'recursive') fail('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.push({ type: 'recursive' });
    if (isAlphaNumeric(this.input[this.pos] ?? '')) this.parseField(cur);
  }

  parseNumber(cur: PathNode[]): void {
    while (this.pos < this.input.length && /[\d.]/.test(this.input[this.pos])) this.pos++;
    const text = this.consumeText();
    const value = Number(text);
    if (text === '' || Number.isNaN(value)) fail(`cannot parse number ${text}`);
    cur.push({ type: 'literal', value });
  }

  parseIdentifier(cur: PathNode[]): void {
    while (!isTerminator(this.input[this.pos] ?? '')) this.pos++;
    const value = this.consumeText();
    if (value !== 'true' && value !== 'false') fail(`unrecognized identifier ${value}`);
    cur.push({ type: 'literal', value: value === 'true' });
  }

  parseQuote(cur: PathNode[], quote: string): void {
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') fail('unterminated quoted string');
      if (r === quote && this.input[this.pos - 2] !== '\\') break;
    }
    const raw = this.consumeText();
    cur.push({ type: 'text', text: unquote(raw) });
  }

  parseArray(cur: PathNode[]): void {
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') fail('unterminated array');
      if (r === ']') break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      cur.push({ type: 'union', branches: parts.map((p) => parseAction(`[${p.trim()}]`)) });
      return;
    }
    const key = dictKeyRe.exec(text);
    // A quoted key is one map key even when it contains dots ('kubernetes.io/name').
    if (key) cur.push({ type: 'field', name: key[1] });
    else cur.push({ type: 'array', params: sliceParams(text) });
  }

  parseFilter(cur: PathNode[]): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') fail('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
        } else if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')' && begin === end) break;
    }
    if (this.next() !== ']') fail('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const m = filterRe.exec(text);
    if (!m) cur.push({ type: 'filter', left: parseAction(text), right: [], op: 'exists' });
    else cur.push({ type: 'filter', left: parseAction(m[1]), right: parseAction(m[3]), op: m[2] });
  }
}

function sliceParams(text: string): [SliceParam, SliceParam, SliceParam] {
  const m = sliceRe.exec(text);
  if (!m) fail(`invalid array index ${text}`);
  const params: SliceParam[] = [];
  for (let i = 0; i < 3; i++) {
    const raw = m[i + 1] ?? '';
    if (raw !== '') {
      const digits = i > 0 ? raw.slice(1) : raw;
      if (i > 0 && digits === '') params.push({ known: false, value: 0 });
      else if (digits === '-') fail(`array index ${digits} is not a number`);
      else params.push({ known: true, value: Number(digits) });
    } else if (i === 1) params.push({ known: true, value: params[0].value + 1, derived: true });
    else params.push({ known: false, value: 0 });
  }
  return params as [SliceParam, SliceParam, SliceParam];
}

function unquote(raw: string): string {
  const body = raw.slice(1, -1);
  if (raw[0] === "'") return body.replace(/\\(.)/g, '$1');
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return fail(`unquote string ${raw} error invalid syntax`);
  }
}

/** Parses the inside of one action (`text` without braces) into its node list. */
function parseAction(text: string): PathNode[] {
  const parser = new Parser(`{${text}}`);
  const root = parser.parseTemplate();
  const first = root[0];
  return first?.type === 'list' ? first.nodes : [];
}

/**
 * Parses a template. Plain paths (`.spec.size`, printer-column style) are wrapped in braces.
 * Throws StatusError.badRequest on syntax errors.
 */
export function parseJsonPath(template: string): PathNode[] {
  const text = template.includes('{') ? template : `{${template}}`;
  return new Parser(text).parseTemplate();
}
