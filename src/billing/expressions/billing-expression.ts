import type { Decimal } from 'decimal.js';
import { BILLING_FUNCTIONS, compileExpression, ExpressionEvaluationError, isNumber, type ExpressionError } from '../../expressions/index.js';
import type { BillingFields } from './billing-context.js';

export const BILLING_EXPRESSION_MAX_LENGTH = 1000;
export const BILLING_EXPRESSION_MAX_DEPTH = 32;
/** `x ** 64` is the largest power an expression may ask for (10 ** 9 for giga is the usual one). */
export const BILLING_MAX_EXPONENT = 64;

const profile = (fields: BillingFields, condition: boolean) => ({
  fields: fields.fields,
  booleanFields: fields.booleanFields,
  arithmetic: true,
  functions: BILLING_FUNCTIONS,
  condition,
  maxLength: BILLING_EXPRESSION_MAX_LENGTH,
  maxDepth: BILLING_EXPRESSION_MAX_DEPTH,
  maxExponent: BILLING_MAX_EXPONENT,
});

/** What evaluating a billing expression over one object gave: a value, or why it could not. */
export type Evaluation<T> = { ok: true; value: T } | { ok: false; message: string };

export type CompiledBillingMatch = { ok: true; evaluate(obj: Record<string, unknown>): boolean } | { ok: false; error: ExpressionError };
export type CompiledBillingMetric =
  | { ok: true; empty: boolean; evaluate(obj: Record<string, unknown>): Evaluation<Decimal | null> }
  | { ok: false; error: ExpressionError };

/** A service's match: a condition (empty: every object). Conditions never fail to evaluate: a comparison is false. */
export function compileBillingMatch(source: string, fields: BillingFields): CompiledBillingMatch {
  const compiled = compileExpression(source, profile(fields, true));
  if (!compiled.ok) return compiled;
  return {
    ok: true,
    evaluate: (obj) => {
      try {
        return compiled.evaluate(obj) === true;
      } catch (err) {
        // Arithmetic inside a comparison that cannot be computed (a division by zero) makes the match false.
        if (err instanceof ExpressionEvaluationError) return false;
        throw err;
      }
    },
  };
}

/**
 * A service's metric: a finite number, 0 or more (empty: null, no metric). A value that is not one (null, text, a
 * negative or infinite number, a division by zero) is a failed evaluation with its reason.
 */
export function compileBillingMetric(source: string, fields: BillingFields): CompiledBillingMetric {
  const compiled = compileExpression(source, profile(fields, false));
  if (!compiled.ok) return compiled;
  if (compiled.empty) return { ok: true, empty: true, evaluate: () => ({ ok: true, value: null }) };
  return {
    ok: true,
    empty: false,
    evaluate: (obj) => {
      try {
        const value = compiled.evaluate(obj);
        if (!isNumber(value)) return { ok: false, message: `the metric is not a number (${value === null ? 'null' : typeof value === 'object' ? 'a list or object' : JSON.stringify(value)})` };
        if (!value.isFinite()) return { ok: false, message: 'the metric is not a finite number' };
        if (value.isNegative() && !value.isZero()) return { ok: false, message: `the metric is negative (${value.toString()})` };
        return { ok: true, value };
      } catch (err) {
        if (err instanceof ExpressionEvaluationError) return { ok: false, message: err.message };
        throw err;
      }
    },
  };
}
