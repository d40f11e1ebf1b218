import type { ExpressionFunction } from './functions.js';
import { Parser, type Node } from './parse.js';
import { evaluateNode } from './evaluate.js';
import { ExpressionSyntaxError, tokenize } from './tokenize.js';
import type { Value } from './values.js';

export interface ExpressionError {
  message: string;
  /** 0-based offset in the source where the problem is. */
  position: number;
}

/** A language profile: what a kind of expression may contain (language.ts documents the whole language). */
export interface ExpressionProfile {
  /** The field paths an object exposes (`systemuser.shell`); anything else is refused when compiled. */
  fields: readonly string[];
  /** Fields that are conditions on their own (`systemuser.isActive`). */
  booleanFields?: readonly string[];
  arithmetic: boolean;
  functions?: ReadonlyMap<string, ExpressionFunction>;
  /** The whole expression must be a condition (route and billing matches). */
  condition: boolean;
  maxLength: number;
  maxDepth: number;
  /** The largest `n` in `x ** n` (only with arithmetic). */
  maxExponent?: number;
}

export type CompiledExpression = { ok: true; evaluate(obj: Record<string, unknown>): Value; empty: boolean } | { ok: false; error: ExpressionError };

/**
 * Compiles a source under a profile. Every refusal (syntax, an unknown or forbidden field, a call of anything but the
 * profile's functions, an exponent out of range, too long, too deep) is `{ ok: false }` with a position, before
 * anything is evaluated. An empty source compiles to an expression that gives true.
 */
export function compileExpression(source: string, profile: ExpressionProfile): CompiledExpression {
  if (typeof source !== 'string') return { ok: false, error: { message: 'the expression must be a string', position: 0 } };
  if (source.length > profile.maxLength) {
    return { ok: false, error: { message: `the expression is longer than ${profile.maxLength} characters`, position: profile.maxLength } };
  }
  if (source.trim() === '') return { ok: true, evaluate: () => true, empty: true };
  let tree: Node;
  try {
    tree = new Parser(tokenize(source, profile.arithmetic), {
      fields: new Set(profile.fields),
      booleanFields: new Set(profile.booleanFields ?? []),
      arithmetic: profile.arithmetic,
      functions: profile.functions ?? new Map(),
      condition: profile.condition,
      maxDepth: profile.maxDepth,
      maxExponent: profile.maxExponent ?? 0,
    }).parse();
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return { ok: false, error: { message: err.message, position: err.position } };
    throw err;
  }
  return { ok: true, evaluate: (obj) => evaluateNode(tree, obj), empty: false };
}
