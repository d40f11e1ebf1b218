import type { Decimal } from 'decimal.js';
import type { ExpressionFunction } from './functions.js';
import { describeToken, ExpressionSyntaxError, type Token } from './tokenize.js';
import { ExprDecimal } from './values.js';

export type Literal = string | Decimal | boolean | null;
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export type Node = { pos: number } & (
  | { kind: 'literal'; value: Literal }
  | { kind: 'list'; items: Literal[] }
  | { kind: 'path'; segments: string[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'compare'; op: CompareOp; left: Node; right: Node }
  | { kind: 'arithmetic'; op: ArithmeticOp; left: Node; right: Node }
  | { kind: 'negate'; operand: Node }
  | { kind: 'power'; base: Node; exponent: number }
  | { kind: 'call'; name: string; fn: ExpressionFunction; args: Node[] }
);

/** What a language profile allows (routes: no arithmetic, no functions, conditions only; billing: all of it). */
export interface ParseOptions {
  fields: ReadonlySet<string>;
  booleanFields: ReadonlySet<string>;
  arithmetic: boolean;
  functions: ReadonlyMap<string, ExpressionFunction>;
  /** The whole expression must be a condition (operands of and/or/not always must). */
  condition: boolean;
  maxDepth: number;
  maxExponent: number;
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', 'True', 'False', 'None']);
const COMPARE_OPS = ['==', '!=', '<', '<=', '>', '>='];

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

function showLiteral(value: Literal): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value.toNumber()) : JSON.stringify(value);
}

/** Recursive descent over the tokens; every refusal is an ExpressionSyntaxError with its position. */
export class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly options: ParseOptions,
  ) {}

  parse(): Node {
    const expression = this.expression();
    const node = this.options.condition ? this.condition(expression) : expression;
    const t = this.peek();
    if (t.type !== 'end') throw new ExpressionSyntaxError(`unexpected ${describeToken(t)}`, t.pos);
    return node;
  }

  /** The node, if it is a condition: a comparison, true/false, a boolean field, or these combined. */
  private condition(node: Node): Node {
    const fix = 'is not a condition: compare it (==, !=, <, in …)';
    switch (node.kind) {
      case 'path':
        if (this.options.booleanFields.has(node.segments.join('.'))) return node;
        throw new ExpressionSyntaxError(`the field "${node.segments.join('.')}" ${fix}`, node.pos);
      case 'list':
        throw new ExpressionSyntaxError(`a list ${fix}`, node.pos);
      case 'literal':
        if (typeof node.value === 'boolean') return node;
        throw new ExpressionSyntaxError(`the value ${showLiteral(node.value)} ${fix}`, node.pos);
      case 'arithmetic':
      case 'negate':
      case 'power':
        throw new ExpressionSyntaxError(`a computed number ${fix}`, node.pos);
      case 'call':
        throw new ExpressionSyntaxError(`the result of ${node.name}() ${fix}`, node.pos);
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
    if (t.type !== 'op' || t.value !== value) throw new ExpressionSyntaxError(`expected "${value}" but found ${describeToken(t)}`, t.pos);
  }

  private nest<T>(pos: number, f: () => T): T {
    if (++this.depth > this.options.maxDepth) throw new ExpressionSyntaxError(`nested more than ${this.options.maxDepth} levels`, pos);
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
    const left = this.additive();
    const t = this.peek();
    let op: CompareOp | null = null;
    if (t.type === 'op' && COMPARE_OPS.includes(t.value)) op = t.value as CompareOp;
    else if (this.isName('in')) op = 'in';
    else if (this.isName('not') && this.isName('in', 1)) op = 'not in';
    if (op === null) return left;
    this.next();
    if (op === 'not in') this.next();
    const right = this.additive();
    const after = this.peek();
    if (after.type === 'op' && COMPARE_OPS.includes(after.value)) {
      throw new ExpressionSyntaxError('comparisons cannot be chained: use "and"', after.pos);
    }
    return { kind: 'compare', pos: left.pos, op, left, right };
  }

  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next() as Token & { value: ArithmeticOp };
      left = { kind: 'arithmetic', pos: left.pos, op: op.value, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next() as Token & { value: ArithmeticOp };
      left = { kind: 'arithmetic', pos: left.pos, op: op.value, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('-')) {
      const t = this.next();
      return this.nest(t.pos, () => ({ kind: 'negate', pos: t.pos, operand: this.unary() }));
    }
    return this.power();
  }

  /** `x ** n`: n is a whole number literal from 0 to maxExponent, so no expression can ask for a huge power. */
  private power(): Node {
    const base = this.operand();
    if (!this.isOp('**')) return base;
    const star = this.next();
    const t = this.next();
    const max = this.options.maxExponent;
    if (t.type !== 'number' || !/^[0-9]+$/.test(t.value) || Number(t.value) > max) {
      throw new ExpressionSyntaxError(`the exponent after "**" must be a whole number from 0 to ${max}, written as a number`, t.type === 'end' ? star.pos : t.pos);
    }
    if (this.isOp('**')) throw new ExpressionSyntaxError('powers cannot be chained: use parentheses', this.peek().pos);
    return { kind: 'power', pos: base.pos, base, exponent: Number(t.value) };
  }

  private operand(): Node {
    const t = this.next();
    switch (t.type) {
      case 'string':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'number':
        return { kind: 'literal', pos: t.pos, value: new ExprDecimal(t.value) };
      case 'end':
        throw new ExpressionSyntaxError('unexpected end of expression', t.pos);
      case 'op':
        if (t.value === '(') {
          return this.nest(t.pos, () => {
            const inner = this.expression();
            this.expect(')');
            return inner;
          });
        }
        if (t.value === '[') return this.nest(t.pos, () => this.list(t.pos));
        throw new ExpressionSyntaxError(`unexpected ${describeToken(t)}`, t.pos);
      case 'name': {
        const literal = literalName(t.value);
        if (literal !== undefined) return { kind: 'literal', pos: t.pos, value: literal };
        if (KEYWORDS.has(t.value)) throw new ExpressionSyntaxError(`unexpected "${t.value}"`, t.pos);
        // A Map: no inherited names (`constructor`, `__proto__`) are functions.
        const fn = this.isOp('(') ? this.options.functions.get(t.value) : undefined;
        if (fn) return this.nest(t.pos, () => this.call(t, fn));
        return this.path(t);
      }
    }
  }

  private call(name: Token & { type: 'name' }, fn: ExpressionFunction): Node {
    this.expect('(');
    const args: Node[] = [];
    while (!this.isOp(')')) {
      args.push(this.expression());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) {
        const u = this.peek();
        throw new ExpressionSyntaxError(`expected "," or ")" but found ${describeToken(u)}`, u.pos);
      }
    }
    this.expect(')');
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const wanted = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw new ExpressionSyntaxError(`${name.value}() takes ${wanted} argument${fn.maxArgs === 1 ? '' : 's'}, not ${args.length}`, name.pos);
    }
    return { kind: 'call', pos: name.pos, name: name.value, fn, args };
  }

  private list(pos: number): Node {
    const items: Literal[] = [];
    while (!this.isOp(']')) {
      const t = this.next();
      if (t.type === 'string') items.push(t.value);
      else if (t.type === 'number') items.push(new ExprDecimal(t.value));
      else if (t.type === 'op' && t.value === '-' && this.peek().type === 'number') items.push(new ExprDecimal(`-${(this.next() as Token & { type: 'number' }).value}`));
      else if (t.type === 'name' && literalName(t.value) !== undefined) items.push(literalName(t.value)!);
      else throw new ExpressionSyntaxError(`a list holds only literals (strings, numbers, true, false, null), not ${describeToken(t)}`, t.pos);
      if (this.isOp(',')) this.next();
      else if (!this.isOp(']')) {
        const u = this.peek();
        throw new ExpressionSyntaxError(`expected "," or "]" but found ${describeToken(u)}`, u.pos);
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
      if (t.type !== 'name' || KEYWORDS.has(t.value)) throw new ExpressionSyntaxError(`expected a field name after "." but found ${describeToken(t)}`, t.pos);
      segments.push(t.value);
    }
    if (this.isOp('(')) throw new ExpressionSyntaxError('function calls are not allowed', this.peek().pos);
    if (this.isOp('[')) throw new ExpressionSyntaxError('indexing is not allowed', this.peek().pos);
    for (const s of segments) {
      if (FORBIDDEN_NAMES.has(s)) throw new ExpressionSyntaxError(`"${s}" is not a field`, first.pos);
    }
    const path = segments.join('.');
    if (!this.options.fields.has(path)) {
      const known = [...this.options.fields].sort();
      const hint = known.length === 0 ? 'no field is available' : `known fields: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`;
      throw new ExpressionSyntaxError(`unknown field "${path}" (${hint})`, first.pos);
    }
    return { kind: 'path', pos: first.pos, segments };
  }
}
