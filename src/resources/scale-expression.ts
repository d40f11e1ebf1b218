/**
 * A resource's `scale` (django-orchestra evaluated a Python expression such as `10**9` with eval): here a small
 * arithmetic language parsed by hand, never evaluated as code. Numbers (digits, one optional decimal point),
 * `+ - * / **`, unary minus and parentheses; `**` binds tighter than unary minus and is right-associative, as in
 * Python. Bounded: at most 64 characters, nesting 8 deep, every intermediate result finite and within ±1e18, and the
 * result a positive number (it divides the raw monitor values).
 *
 * One file on purpose: the route match evaluator (../orchestration/routes/match-expression.ts) may take this grammar
 * over later.
 */

export const SCALE_MAX_LENGTH = 64;
const MAX_DEPTH = 8;
const MAX_MAGNITUDE = 1e18;

export type ScaleResult = { ok: true; value: number } | { ok: false; error: string };

class ScaleError extends Error {}

export function parseScale(text: string): ScaleResult {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: 'must be a number or an arithmetic expression such as 10**9' };
  if (text.length > SCALE_MAX_LENGTH) return { ok: false, error: `must be at most ${SCALE_MAX_LENGTH} characters` };
  try {
    const parser = new Parser(text);
    const value = parser.parse();
    if (!(value > 0)) return { ok: false, error: 'must be greater than 0' };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof ScaleError) return { ok: false, error: err.message };
    throw err;
  }
}

type Token = { kind: 'number'; value: number } | { kind: 'op'; value: '+' | '-' | '*' | '/' | '**' | '(' | ')' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ') {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)/.exec(text.slice(i));
      if (!m) throw new ScaleError(`"${c}" at ${i + 1} is not part of a number`);
      tokens.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (text.startsWith('**', i)) {
      tokens.push({ kind: 'op', value: '**' });
      i += 2;
    } else if ('+-*/()'.includes(c)) {
      tokens.push({ kind: 'op', value: c as '+' });
      i++;
    } else {
      throw new ScaleError(`"${c}" at ${i + 1} is not allowed: only numbers, + - * / ** and parentheses`);
    }
  }
  return tokens;
}

function bounded(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) throw new ScaleError(`a value goes beyond ${MAX_MAGNITUDE}`);
  return value;
}

/** expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := '-' unary | power; power := atom ('**' unary)? */
class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  parse(): number {
    const value = this.expr();
    if (this.pos < this.tokens.length) throw new ScaleError('unexpected text after the expression');
    return value;
  }

  private peekOp(...ops: string[]): string | null {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && ops.includes(t.value) ? t.value : null;
  }

  private expr(): number {
    let value = this.term();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.pos++;
      const right = this.term();
      value = bounded(op === '+' ? value + right : value - right);
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    for (let op = this.peekOp('*', '/'); op; op = this.peekOp('*', '/')) {
      this.pos++;
      const right = this.unary();
      if (op === '/' && right === 0) throw new ScaleError('division by zero');
      value = bounded(op === '*' ? value * right : value / right);
    }
    return value;
  }

  private unary(): number {
    if (this.peekOp('-')) {
      this.pos++;
      return this.nested(() => -this.unary());
    }
    return this.power();
  }

  private power(): number {
    const base = this.atom();
    if (!this.peekOp('**')) return base;
    this.pos++;
    const exponent = this.nested(() => this.unary());
    return bounded(base ** exponent);
  }

  private atom(): number {
    const t = this.tokens[this.pos];
    if (!t) throw new ScaleError('the expression ends too early');
    if (t.kind === 'number') {
      this.pos++;
      return bounded(t.value);
    }
    if (t.value === '(') {
      this.pos++;
      const value = this.nested(() => this.expr());
      if (!this.peekOp(')')) throw new ScaleError('a "(" is not closed');
      this.pos++;
      return value;
    }
    throw new ScaleError(`"${t.value}" is not expected here`);
  }

  private nested(inner: () => number): number {
    if (++this.depth > MAX_DEPTH) throw new ScaleError(`nested more than ${MAX_DEPTH} deep`);
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }
}
