import { Decimal } from 'decimal.js';

/**
 * Numbers in expressions are exact decimals (a metric feeds prices: no binary floats), with 60 significant digits;
 * results that overflow (`x ** 64` nested) become infinite and are refused by whoever needs a number.
 */
export const ExprDecimal = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 60 });
export type ExprDecimal = Decimal;

/** A value an expression works with: data only (what reads of an object give, literals, results). */
export type Value = string | Decimal | boolean | null | readonly Value[] | { readonly [key: string]: unknown };

export function isNumber(value: unknown): value is Decimal {
  return Decimal.isDecimal(value);
}

/** An evaluation that cannot give a value (a division by zero, a number expected): the caller reports it. */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}

/** A value as an error message shows it. */
export function show(value: unknown): string {
  if (isNumber(value)) return value.toString();
  if (value === undefined) return 'null';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return 'an object';
  return JSON.stringify(value) ?? String(value);
}
