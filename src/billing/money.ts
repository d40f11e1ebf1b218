import { Decimal } from 'decimal.js';

/**
 * Money and billing quantities: decimals only, never JavaScript numbers (0.1 + 0.2 is not 0.3 in binary floats).
 *
 * The one rounding policy (docs/architecture.md, "Billing I"):
 * - arithmetic is exact: `BillingDecimal` keeps 60 significant digits, far more than any price × quantity needs, so
 *   sums and products of stored values never round;
 * - a money amount is rounded once, to cents (2 places), half away from zero (1.005 → 1.01, -1.005 → -1.01), when it
 *   leaves the computation: a price total, a line, a stored amount (`roundMoney`). Never in between: a total is the
 *   rounded sum of exact parts, not the sum of rounded parts;
 * - unit prices (a service's nominal price, a rate) are stored with up to 4 places (0.0015 per MB), metrics with up
 *   to 3; the database columns are `numeric` of those scales, read and written as strings.
 */
export const BillingDecimal = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 60 });
export type BillingDecimal = Decimal;

export const MONEY_PLACES = 2;
export const UNIT_PRICE_PLACES = 4;
export const METRIC_PLACES = 3;

/** A decimal from a stored string, an integer or another decimal. Fractional JS numbers are refused: they are floats. */
export function dec(value: string | number | Decimal): Decimal {
  if (typeof value === 'number' && !Number.isInteger(value)) throw new Error(`a fractional number is a float, not money: pass "${value}" as a string`);
  return new BillingDecimal(value);
}

/** A money amount as it leaves a computation: cents, half away from zero. */
export function roundMoney(value: Decimal): Decimal {
  return value.toDecimalPlaces(MONEY_PLACES, Decimal.ROUND_HALF_UP);
}

/** A money amount as text with exactly two places ("85.00"), as GraphQL and the database carry it. */
export function formatMoney(value: Decimal): string {
  return roundMoney(value).toFixed(MONEY_PLACES);
}

/** Whether a string is a decimal with at most `places` places (and, unless `negative`, not below zero). */
export function isDecimalText(text: string, places: number, negative = false): boolean {
  const sign = negative ? '-?' : '';
  return new RegExp(`^${sign}(0|[1-9][0-9]{0,11})(\\.[0-9]{1,${places}})?$`).test(text);
}
