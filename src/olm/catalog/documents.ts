import { parseAllDocuments } from 'yaml';
import { CatalogError, type CatalogProblem } from './errors.ts';

/** One document of a multi-document file, with its 1-based position in the file. */
export interface ParsedDocument {
  value: unknown;
  /** 1-based index among the file's non-empty documents. */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
}

/** Whether a path names a file this package parses (`.json`, `.yaml`, `.yml`). */
export function isDocumentFile(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path);
}

/**
 * Parses a YAML stream (`---`-separated documents) or, for `.json` files, a stream of concatenated JSON values.
 * Empty documents are skipped. Syntax errors throw a {@link CatalogError} naming the file and line.
 * @example parseDocuments('a: 1\n---\nb: 2\n', 'x.yaml').map((d) => d.value) // [{a: 1}, {b: 2}]
 */
export function parseDocuments(content: string, file: string): ParsedDocument[] {
  return /\.json$/i.test(file) ? parseJsonStream(content, file) : parseYamlStream(content, file);
}

function parseYamlStream(content: string, file: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  const problems: CatalogProblem[] = [];
  const lineOf = lineCounter(content);
  for (const doc of parseAllDocuments(content, { prettyErrors: false, uniqueKeys: false })) {
    const start = doc.range?.[0] ?? 0;
    for (const e of doc.errors) problems.push({ file, blob: `line ${lineOf(e.pos[0])}`, message: e.message.split('\n')[0] });
    if (doc.errors.length) continue;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    out.push({ value, index: out.length + 1, line: lineOf(start) });
  }
  if (problems.length) throw new CatalogError('invalid YAML', problems);
  return out;
}

/** Concatenated JSON values (`{…}{…}` or one per line), as Go's json.Decoder and opm accept. */
function parseJsonStream(content: string, file: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  const lineOf = lineCounter(content);
  let pos = skipSpace(content, 0);
  while (pos < content.length) {
    const end = jsonValueEnd(content, pos);
    const text = content.slice(pos, end);
    try {
      out.push({ value: JSON.parse(text), index: out.length + 1, line: lineOf(pos) });
    } catch (err) {
      throw new CatalogError('invalid JSON', [{ file, blob: `document ${out.length + 1} at line ${lineOf(pos)}`, message: (err as Error).message }]);
    }
    pos = skipSpace(content, end);
  }
  return out;
}

function skipSpace(s: string, pos: number): number {
  while (pos < s.length && /\s/.test(s[pos])) pos++;
  return pos;
}

/** End offset of the JSON value starting at `pos` (objects and arrays by bracket depth, scalars to the next space). */
function jsonValueEnd(s: string, pos: number): number {
  if (s[pos] !== '{' && s[pos] !== '[') {
    let i = pos;
    while (i < s.length && !/[\s{[]/.test(s[i])) i++;
    return i;
  }
  let depth = 0;
  let inString = false;
  for (let i = pos; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return s.length;
}

function lineCounter(content: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < content.length; i++) if (content[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
