import type { Decimal } from 'decimal.js';
import { BillingDecimal, roundMoney } from '../billing/money.js';

/** What totals need of a line: its subtotal and sublines in cents, and its tax rate (percent). */
export interface TotalsLine {
  subtotal: Decimal;
  sublines: readonly { total: Decimal }[];
  taxRate: Decimal;
}

export interface TaxTotal {
  taxRate: Decimal;
  /** Σ (line subtotal + its sublines) of the lines at this rate. */
  base: Decimal;
  /** base × rate / 100, rounded to cents once per rate. */
  tax: Decimal;
  total: Decimal;
}

/** A line after its discounts. */
export function lineNet(line: Omit<TotalsLine, 'taxRate'>): Decimal {
  return line.sublines.reduce((sum, s) => sum.plus(s.total), line.subtotal);
}

/**
 * A bill's totals per tax rate, computed from its lines and sublines (never stored apart from them, so they cannot
 * disagree): lines and sublines are already cents; the tax is rounded once per rate; the bill's total is their sum.
 */
export function totalsByTaxRate(lines: readonly TotalsLine[]): TaxTotal[] {
  const bases = new Map<string, Decimal>();
  for (const line of lines) {
    const key = line.taxRate.toFixed(2);
    bases.set(key, (bases.get(key) ?? new BillingDecimal(0)).plus(lineNet(line)));
  }
  return [...bases.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([rate, base]) => {
      const taxRate = new BillingDecimal(rate);
      const tax = roundMoney(base.times(taxRate).dividedBy(100));
      return { taxRate, base, tax, total: base.plus(tax) };
    });
}

export function billTotal(lines: readonly TotalsLine[]): Decimal {
  return totalsByTaxRate(lines).reduce((sum, t) => sum.plus(t.total), new BillingDecimal(0));
}
