import { invalidFilter } from './errors.ts';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns.ts';

// The filter language of RFC 7644 section 3.4.2.2. This parses the whole
// grammar; what a filter may ask of the database is decided where it is
// turned into SQL, and PATCH paths (paths.ts) reuse its parts.

/** An attribute path: `userName`, `name.givenName`, with a schema URI. */
export interface AttrPath {
  /** The schema URI written before the attribute, or null. */
  schema: string | null;
  /** Empty when the path is a whole extension's URI. */
  attr: string;
  sub: string | null;
  /** The path as written, for messages. */
  text: string;
}

export type CompareOp =
  'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'compare'; op: CompareOp; path: AttrPath; value: Literal }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

// Bounds that keep a hostile filter from costing more than a normal one.
const MAX_FILTER_LENGTH = 2000;
const MAX_DEPTH = 20;
const MAX_TERMS = 50;

const COMPARE_OPS = new Set<string>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'lt',
  'ge',
  'le',
] satisfies CompareOp[]);
const KNOWN_SCHEMAS = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_SCHEMA];
export const NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/;

type Token =
  | { type: 'word'; text: string }
  | { type: 'string'; value: string }
  | { type: '(' | ')' | '[' | ']' };

export function tokenize(text: string, fail: (why: string) => Error): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:("(?:[^"\\]|\\.)*")|([()[\]])|([^\s()[\]"]+))/gy;
  let end = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null && match[0] !== '') {
    end = pattern.lastIndex;
    const [, quoted, bracket, word] = match;
    if (quoted !== undefined) {
      try {
        tokens.push({ type: 'string', value: JSON.parse(quoted) as string });
      } catch {
        throw fail(`the string ${quoted} is not valid`);
      }
    } else if (bracket !== undefined) {
      tokens.push({ type: bracket as '(' | ')' | '[' | ']' });
    } else if (word !== undefined) {
      tokens.push({ type: 'word', text: word });
    }
  }
  if (text.slice(end).trim() !== '') {
    throw fail('a string is not closed');
  }
  return tokens;
}

/** Reads `[urn:…:]attr[.sub]`; null when it is not an attribute path. */
export function parseAttrPath(text: string): AttrPath | null {
  let schema: string | null = null;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const known = KNOWN_SCHEMAS.find(
      (uri) =>
        text.toLowerCase() === uri.toLowerCase() ||
        text.toLowerCase().startsWith(`${uri.toLowerCase()}:`),
    );
    const end = known ? known.length : text.lastIndexOf(':');
    schema = text.slice(0, end);
    rest = text.slice(end + 1);
    if (rest === '') {
      return known ? { schema, attr: '', sub: null, text } : null;
    }
  }
  const [attr, sub, ...more] = rest.split('.');
  if (!attr || !NAME.test(attr) || more.length > 0) {
    return null;
  }
  if (sub !== undefined && !NAME.test(sub)) {
    return null;
  }
  return { schema, attr, sub: sub ?? null, text };
}

export class Parser {
  private position = 0;
  private terms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fail: (why: string) => Error,
  ) {}

  get done(): boolean {
    return this.position >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  isWord(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  expect(type: ')' | ']'): void {
    if (this.next()?.type !== type) {
      throw this.fail(`expected "${type}"`);
    }
  }

  or(depth: number): Filter {
    let left = this.and(depth);
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  and(depth: number): Filter {
    let left = this.term(depth);
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.term(depth) };
    }
    return left;
  }

  term(depth: number): Filter {
    if (depth > MAX_DEPTH || ++this.terms > MAX_TERMS) {
      throw this.fail('it is too complex');
    }
    const token = this.next();
    if (token?.type === '(') {
      const inner = this.or(depth + 1);
      this.expect(')');
      return inner;
    }
    if (token?.type !== 'word') {
      throw this.fail('expected an attribute');
    }
    if (token.text.toLowerCase() === 'not' && this.peek()?.type === '(') {
      this.next();
      const inner = this.or(depth + 1);
      this.expect(')');
      return { kind: 'not', filter: inner };
    }
    const path = this.attrPath(token.text);
    if (this.peek()?.type === '[') {
      this.next();
      const inner = this.or(depth + 1);
      this.expect(']');
      return { kind: 'valuePath', path, filter: inner };
    }
    const operator = this.next();
    const op = operator?.type === 'word' ? operator.text.toLowerCase() : '';
    if (op === 'pr') {
      return { kind: 'present', path };
    }
    if (!COMPARE_OPS.has(op)) {
      throw this.fail(`expected an operator after ${token.text}`);
    }
    return {
      kind: 'compare',
      op: op as CompareOp,
      path,
      value: this.literal(),
    };
  }

  attrPath(text: string): AttrPath {
    const path = parseAttrPath(text);
    if (!path || path.attr === '') {
      throw this.fail(`${text} is not an attribute`);
    }
    return path;
  }

  literal(): Literal {
    const token = this.next();
    if (token?.type === 'string') {
      return token.value;
    }
    const word = token?.type === 'word' ? token.text : '';
    if (/^(true|false)$/i.test(word)) {
      return word.toLowerCase() === 'true';
    }
    if (/^null$/i.test(word)) {
      return null;
    }
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word)) {
      return Number(word);
    }
    throw this.fail('expected a value: a quoted string, number, true or false');
  }
}

/** Parses a `filter` parameter; any fault is 400 invalidFilter. */
export function parseFilter(text: string): Filter {
  const fail = (why: string) =>
    invalidFilter(`The filter is not valid: ${why}`);
  if (text.length > MAX_FILTER_LENGTH) {
    throw fail(`it is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const parser = new Parser(tokenize(text, fail), fail);
  if (parser.done) {
    throw fail('it is empty');
  }
  const filter = parser.or(0);
  if (!parser.done) {
    throw fail('it continues after a complete expression');
  }
  return filter;
}
