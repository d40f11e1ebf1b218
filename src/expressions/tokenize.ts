/** Tokens of the expression language (see language.ts); positions are 0-based offsets in the source. */
export type Token =
  | { type: 'name'; value: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'end'; pos: number };

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };

/**
 * Splits a source into tokens. Numbers are kept as their text (decimals, exact). With `arithmetic` off (route match
 * expressions) `+ - * / % **` are not operators, and a `-` only starts a negative number literal.
 */
export function tokenize(source: string, arithmetic: boolean): Token[] {
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
    // Without arithmetic, "-1" is a literal; with it, "-" is an operator (so "a-1" is a subtraction).
    if (/[0-9]/.test(c) || (!arithmetic && c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?/.exec(source.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z0-9_.]/.test(source[i] ?? '')) throw new ExpressionSyntaxError('malformed number', start);
      tokens.push({ type: 'number', value: m[0], pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionSyntaxError('unterminated string', start);
        const d = source[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\n') throw new ExpressionSyntaxError('unterminated string (newline inside)', start);
        if (d === '\\') {
          const e = source[i + 1];
          if (e === undefined || !Object.hasOwn(ESCAPES, e)) throw new ExpressionSyntaxError('unknown escape in string', i);
          value += ESCAPES[e];
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
    if (two === '==' || two === '!=' || two === '<=' || two === '>=' || (arithmetic && two === '**')) {
      tokens.push({ type: 'op', value: two, pos: start });
      i += 2;
      continue;
    }
    if ('<>()[],.'.includes(c) || (arithmetic && '+-*/%'.includes(c))) {
      tokens.push({ type: 'op', value: c, pos: start });
      i++;
      continue;
    }
    if (c === '=') throw new ExpressionSyntaxError('"=" is not an operator: use "==" to compare', start);
    throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)}`, start);
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}

export function describeToken(t: Token): string {
  switch (t.type) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${Number(t.value)}`;
    default:
      return `"${t.value}"`;
  }
}
