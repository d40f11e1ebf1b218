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

/** `logsteps`'s size: a decimal above 0 and at most this, with at most LOGSTEPS_SIZE_PLACES places (0.05, 1, 2.5). */
export const LOGSTEPS_MAX_SIZE = 100;
export const LOGSTEPS_SIZE_PLACES = 6;

/**
 * The original's `logsteps(n, size=1)` (django-orchestra services/handlers.py): `n` rounded to a multiple of
 * `size × 10^k`, where 10^k is the power of ten at or below `max(n, 1)` — a step that grows with the value, so
 * traffic is billed in steps of 5 % of its order of magnitude with size 0.05 (1234 → 1250, 87 → 87, 0.37 → 0.35).
 * Values below 1 use steps of `size` itself; below 0 the same formula (a negative metric is refused by its caller).
 *
 * The rounding is to NEAREST, exact halves to the EVEN multiple (1500 → 2000, 2500 → 2000, 1225 at size 0.05 →
 * 1200), because that is what the original did: Python's `round()` of a Decimal is half-to-even. A service ported
 * from the original then bills the same quantities. (Unlike `round()` in these expressions, which rounds half away
 * from zero like money.) One deliberate difference: the original multiplied `size` as a binary float (0.2 is
 * 0.2000000000000000111…), so some exact halves went down by that error and results carried float noise
 * (1200.0000000000002); here `size` is an exact decimal and so is the result.
 */
export function logsteps(n: Decimal, size: Decimal = new ExprDecimal(1)): Decimal {
  // The exponent of max(n, 1)'s leading digit is floor(log10(max(n, 1))), exactly (no logarithm computed).
  const step = size.times(new ExprDecimal(10).pow(ExprDecimal.max(n, 1).e));
  return n.dividedBy(step).toDecimalPlaces(0, ExprDecimal.ROUND_HALF_EVEN).times(step);
}

function logstepsSize(value: Value): Decimal {
  const size = number('logsteps', value);
  if (!size.greaterThan(0) || size.greaterThan(LOGSTEPS_MAX_SIZE) || size.decimalPlaces() > LOGSTEPS_SIZE_PLACES) {
    throw new ExpressionEvaluationError(`logsteps(): the size ${show(value)} must be above 0 and at most ${LOGSTEPS_MAX_SIZE}, with at most ${LOGSTEPS_SIZE_PLACES} decimal places`);
  }
  return size;
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
  ['logsteps', { minArgs: 1, maxArgs: 2, call: (args) => logsteps(number('logsteps', args[0]!), args.length > 1 ? logstepsSize(args[1]!) : undefined) }],
]);
