import type { Decimal } from 'decimal.js';
import { ExprDecimal, ExpressionEvaluationError, isNumber, show, type Value } from './values.js';

/** A function expressions may call: a pure computation on numbers, with its number of arguments checked when compiled. */
export interface ExpressionFunction {
  minArgs: number;
  maxArgs: number;
  call(args: Value[]): Value;
}

function number(name: string, value: Value): Decimal {
  if (!isNumber(value)) throw new ExpressionEvaluationError(`${name}() takes numbers, not ${show(value)}`);
  return value;
}

function wholeNumber(name: string, value: Value, min: number, max: number): number {
  const n = number(name, value);
  if (!n.isInteger() || n.lessThan(min) || n.greaterThan(max)) throw new ExpressionEvaluationError(`${name}(): ${show(value)} must be a whole number from ${min} to ${max}`);
  return n.toNumber();
}

/**
 * Rounds a positive value UP to the next step of a logarithmic scale: each power of ten is cut into `size` equal
 * steps, so the step grows with the value (size 1: 1, 2, … 9, 10, 20, … 90, 100, 200 …; size 2: … 10, 15, 20 …).
 * For metrics that should not bill every unit of a large, noisy quantity (traffic). 0 and below give 0.
 */
export function logsteps(n: Decimal, size: number): Decimal {
  if (!n.greaterThan(0)) return new ExprDecimal(0);
  const exponent = n.log(10).floor();
  const step = new ExprDecimal(10).pow(exponent).dividedBy(size);
  return n.dividedBy(step).ceil().times(step);
}

/** The functions billing expressions have (routes have none). */
export const BILLING_FUNCTIONS: ReadonlyMap<string, ExpressionFunction> = new Map<string, ExpressionFunction>([
  ['min', { minArgs: 1, maxArgs: 32, call: (args) => ExprDecimal.min(...args.map((a) => number('min', a))) }],
  ['max', { minArgs: 1, maxArgs: 32, call: (args) => ExprDecimal.max(...args.map((a) => number('max', a))) }],
  [
    'round',
    {
      minArgs: 1,
      maxArgs: 2,
      // Half away from zero, like money (src/billing/money.ts).
      call: (args) => number('round', args[0]!).toDecimalPlaces(args.length > 1 ? wholeNumber('round', args[1]!, 0, 12) : 0, ExprDecimal.ROUND_HALF_UP),
    },
  ],
  [
    'log10',
    {
      minArgs: 1,
      maxArgs: 1,
      call: (args) => {
        const x = number('log10', args[0]!);
        if (!x.greaterThan(0)) throw new ExpressionEvaluationError(`log10() of ${x.toString()}: only of a number above 0`);
        return x.log(10);
      },
    },
  ],
  ['logsteps', { minArgs: 1, maxArgs: 2, call: (args) => logsteps(number('logsteps', args[0]!), args.length > 1 ? wholeNumber('logsteps', args[1]!, 1, 100) : 1) }],
]);
