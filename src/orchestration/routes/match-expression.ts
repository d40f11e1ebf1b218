/**
 * Route match expressions: a tiny, closed language over an object's snapshot, replacing django-orchestra's raw
 * Python `eval` (inventory §9.4). Examples:
 *
 *   database.type == "mysql"
 *   systemuser.shell != "/bin/bash" and account.type in ["COMPANY", "STAFF"]
 *   not (crontab.isActive) or "www" in systemuser.groups
 *
 * Grammar (recursive descent; nothing else exists: no calls, no indexing, no arithmetic, no eval/Function):
 *   expression := or
 *   or         := and ("or" and)*
 *   and        := not ("and" not)*
 *   not        := "not" not | comparison
 *   comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") operand)?
 *   operand    := literal | path | list | "(" expression ")"
 *   list       := "[" (literal ("," literal)* ","?)? "]"
 *   literal    := string ('…' or "…", escapes \\ \' \" \n \t) | number | true | false | null
 *                 (True, False, None are accepted too, for expressions written for the original)
 *   path       := name ("." name)*      — must be one of the allowed fields, checked at compile time
 *
 * Conditions (checked at compile time): the whole expression, and each operand of `and`, `or` and `not`, must be a
 * condition: a comparison, `true`/`false`, a field the backend declares boolean (`systemuser.isActive`), or one of
 * these combined. A bare string, number, null, list or other field is not one (`' ; touch /tmp/x ; '` would only
 * ever be false, silently): it is refused with its position.
 *
 * Semantics (decisions):
 * - `==`/`!=` compare strictly: no type coercion (1 == "1" is false). A missing field is null.
 * - `<`, `<=`, `>`, `>=` compare two numbers or two strings; anything else is false.
 * - `a in b`: b a list → membership (strict); b a string and a a string → substring; anything else false.
 * - A boolean context (and/or/not, the whole expression) takes `true` as true and EVERY other value as false:
 *   no truthiness surprises ("false" the string, 0, [] are all false; only the boolean true is true).
 * - Field values are read only as own properties of plain objects and arrays; `__proto__`, `constructor` and
 *   `prototype` are refused as names whatever the allowed list says.
 * - An empty expression (or only whitespace) always matches.
 * - Limits: 1000 characters, nesting depth 32.
 */

export const MATCH_MAX_LENGTH = 1000;
export const MATCH_MAX_DEPTH = 32;

export interface MatchError {
  message: string;
  /** 0-based offset in the source where the problem is. */
  position: number;
}

export type CompiledMatch = { ok: true; evaluate(obj: Record<string, unknown>): boolean } | { ok: false; error: MatchError };

type Literal = string | number | boolean | null;
type Node = { pos: number } & (
  | { kind: 'literal'; value: Literal }
  | { kind: 'list'; items: Literal[] }
  | { kind: 'path'; segments: string[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'compare'; op: CompareOp; left: Node; right: Node }
);
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

type Token =
  | { type: 'name'; value: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'end'; pos: number };

class ParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', 'True', 'False', 'None']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?/.exec(source.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z0-9_.]/.test(source[i] ?? '')) throw new ParseError('malformed number', start);
      tokens.push({ type: 'number', value: Number(m[0]), pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ParseError('unterminated string', start);
        const d = source[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\n') throw new ParseError('unterminated string (newline inside)', start);
        if (d === '\\') {
          const e = source[i + 1];
          const escapes: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };
          if (e === undefined || !(e in escapes) || !Object.hasOwn(escapes, e)) throw new ParseError('unknown escape in string', i);
          value += escapes[e];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ type: 'string', value, pos: start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ type: 'op', value: two, pos: start });
      i += 2;
      continue;
    }
    if ('<>()[],.'.includes(c)) {
      tokens.push({ type: 'op', value: c, pos: start });
      i++;
      continue;
    }
    if (c === '=') throw new ParseError('"=" is not an operator: use "==" to compare', start);
    throw new ParseError(`unexpected character ${JSON.stringify(c)}`, start);
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly allowed: ReadonlySet<string>,
    private readonly booleans: ReadonlySet<string>,
  ) {}

  parse(): Node {
    const node = this.condition(this.expression());
    const t = this.peek();
    if (t.type !== 'end') throw new ParseError(`unexpected ${describe(t)}`, t.pos);
    return node;
  }

  /** The node, if it is a condition (see the header); else a ParseError at its position. */
  private condition(node: Node): Node {
    const fix = 'is not a condition: compare it (==, !=, <, in …)';
    switch (node.kind) {
      case 'path':
        if (this.booleans.has(node.segments.join('.'))) return node;
        throw new ParseError(`the field "${node.segments.join('.')}" ${fix}`, node.pos);
      case 'list':
        throw new ParseError(`a list ${fix}`, node.pos);
      case 'literal':
        if (typeof node.value === 'boolean') return node;
        throw new ParseError(`the value ${JSON.stringify(node.value)} ${fix}`, node.pos);
      default:
        return node;
    }
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isName(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'name' && t.value === value;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }

  private expect(value: string): void {
    const t = this.next();
    if (t.type !== 'op' || t.value !== value) throw new ParseError(`expected "${value}" but found ${describe(t)}`, t.pos);
  }

  private nest<T>(pos: number, f: () => T): T {
    if (++this.depth > MATCH_MAX_DEPTH) throw new ParseError(`nested more than ${MATCH_MAX_DEPTH} levels`, pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private expression(): Node {
    let left = this.and();
    while (this.isName('or')) {
      this.next();
      left = { kind: 'or', pos: left.pos, left: this.condition(left), right: this.condition(this.and()) };
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.isName('and')) {
      this.next();
      left = { kind: 'and', pos: left.pos, left: this.condition(left), right: this.condition(this.not()) };
    }
    return left;
  }

  private not(): Node {
    if (this.isName('not')) {
      const t = this.next();
      return this.nest(t.pos, () => ({ kind: 'not', pos: t.pos, operand: this.condition(this.not()) }));
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.operand();
    const t = this.peek();
    let op: CompareOp | null = null;
    if (t.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.value)) op = t.value as CompareOp;
    else if (this.isName('in')) op = 'in';
    else if (this.isName('not') && this.isName('in', 1)) op = 'not in';
    if (op === null) return left;
    this.next();
    if (op === 'not in') this.next();
    const right = this.operand();
    const after = this.peek();
    if (after.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(after.value)) {
      throw new ParseError('comparisons cannot be chained: use "and"', after.pos);
    }
    return { kind: 'compare', pos: left.pos, op, left, right };
  }

  private operand(): Node {
    const t = this.next();
    switch (t.type) {
      case 'string':
      case 'number':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'end':
        throw new ParseError('unexpected end of expression', t.pos);
      case 'op':
        if (t.value === '(') {
          return this.nest(t.pos, () => {
            const inner = this.expression();
            this.expect(')');
            return inner;
          });
        }
        if (t.value === '[') return this.nest(t.pos, () => this.list(t.pos));
        throw new ParseError(`unexpected ${describe(t)}`, t.pos);
      case 'name': {
        const literal = literalName(t.value);
        if (literal !== undefined) return { kind: 'literal', pos: t.pos, value: literal };
        if (KEYWORDS.has(t.value)) throw new ParseError(`unexpected "${t.value}"`, t.pos);
        return this.path(t);
      }
    }
  }

  private list(pos: number): Node {
    const items: Literal[] = [];
    while (!this.isOp(']')) {
      const t = this.next();
      if (t.type === 'string' || t.type === 'number') items.push(t.value);
      else if (t.type === 'name' && literalName(t.value) !== undefined) items.push(literalName(t.value)!);
      else throw new ParseError(`a list holds only literals (strings, numbers, true, false, null), not ${describe(t)}`, t.pos);
      if (this.isOp(',')) this.next();
      else if (!this.isOp(']')) {
        const u = this.peek();
        throw new ParseError(`expected "," or "]" but found ${describe(u)}`, u.pos);
      }
    }
    this.expect(']');
    return { kind: 'list', pos, items };
  }

  private path(first: Token & { type: 'name' }): Node {
    const segments = [first.value];
    while (this.isOp('.')) {
      this.next();
      const t = this.next();
      if (t.type !== 'name' || KEYWORDS.has(t.value)) throw new ParseError(`expected a field name after "." but found ${describe(t)}`, t.pos);
      segments.push(t.value);
    }
    if (this.isOp('(')) throw new ParseError('function calls are not allowed', this.peek().pos);
    if (this.isOp('[')) throw new ParseError('indexing is not allowed', this.peek().pos);
    for (const s of segments) {
      if (FORBIDDEN_NAMES.has(s)) throw new ParseError(`"${s}" is not a field`, first.pos);
    }
    const path = segments.join('.');
    if (!this.allowed.has(path)) {
      const known = [...this.allowed].sort();
      const hint = known.length === 0 ? 'no field is available' : `known fields: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`;
      throw new ParseError(`unknown field "${path}" (${hint})`, first.pos);
    }
    return { kind: 'path', pos: first.pos, segments };
  }
}

function literalName(name: string): Literal | undefined {
  switch (name) {
    case 'true':
    case 'True':
      return true;
    case 'false':
    case 'False':
      return false;
    case 'null':
    case 'None':
      return null;
    default:
      return undefined;
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${t.value}`;
    default:
      return `"${t.value}"`;
  }
}

function isPlainContainer(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads a field: own properties of plain objects only; the value must be data (no functions, no class instances). */
function read(obj: unknown, segments: readonly string[]): unknown {
  let current: unknown = obj;
  for (const s of segments) {
    if (!isPlainContainer(current) || !Object.hasOwn(current, s)) return null;
    current = current[s];
  }
  if (current === undefined) return null;
  if (typeof current === 'function' || typeof current === 'symbol' || typeof current === 'bigint') return null;
  if (typeof current === 'object' && current !== null && !Array.isArray(current) && !isPlainContainer(current)) return null;
  return current;
}

function evaluate(node: Node, obj: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'list':
      return node.items;
    case 'path':
      return read(obj, node.segments);
    case 'not':
      return evaluate(node.operand, obj) !== true;
    case 'and':
      return evaluate(node.left, obj) === true && evaluate(node.right, obj) === true;
    case 'or':
      return evaluate(node.left, obj) === true || evaluate(node.right, obj) === true;
    case 'compare':
      return compare(node.op, evaluate(node.left, obj), evaluate(node.right, obj));
  }
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    default: {
      const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
      if (!comparable) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return a === b;
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (typeof container === 'string' && typeof item === 'string') return container.includes(item);
  return false;
}

/**
 * Compiles a match expression against the field paths the route's backend exposes (`backend.matchFields`), of which
 * `booleanFields` (`backend.booleanMatchFields`) are conditions on their own.
 * `{ ok: false, error: { message, position } }` is meant for a GraphQL userError when a route is saved.
 */
export function compileMatch(source: string, allowedFields: readonly string[], booleanFields: readonly string[] = []): CompiledMatch {
  if (typeof source !== 'string') return { ok: false, error: { message: 'the expression must be a string', position: 0 } };
  if (source.length > MATCH_MAX_LENGTH) {
    return { ok: false, error: { message: `the expression is longer than ${MATCH_MAX_LENGTH} characters`, position: MATCH_MAX_LENGTH } };
  }
  if (source.trim() === '') return { ok: true, evaluate: () => true };
  let tree: Node;
  try {
    tree = new Parser(tokenize(source), new Set(allowedFields), new Set(booleanFields)).parse();
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: { message: err.message, position: err.position } };
    throw err;
  }
  return { ok: true, evaluate: (obj) => evaluate(tree, obj) === true };
}
