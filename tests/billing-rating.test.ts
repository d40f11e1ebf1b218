/**
 * The three rating algorithms on the original's handler-test fixtures and the inventory's worked examples, and the one
 * rounding policy of money (src/billing/money.ts). Pure unit tests: no database.
 */
import { describe, expect, test } from '@jest/globals';
import { dec, formatMoney, isDecimalText, roundMoney } from '../src/billing/money.js';
import { rate, RateAlgorithm } from '../src/billing/rating/rate-algorithm.js';
import { totalOf, unitPriceAt } from '../src/billing/rating/steps.js';
import { RATING_CASES } from './fixtures/rating-cases.js';

describe('rating fixtures', () => {
  test.each(RATING_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const plans = c.plans.map((p, i) => ({
      planId: String(i + 1),
      isCombinable: p.combinable,
      contracts: p.contracts,
      rates: p.rates.map(([quantity, price]) => ({ quantity, price: dec(price) })),
    }));
    const steps = rate(RateAlgorithm[c.algorithm], plans, dec(c.nominalPrice), dec(c.metric));
    expect(steps.map((s) => [s.quantity.toString(), s.price.toString()])).toEqual(c.steps);
    expect(formatMoney(totalOf(steps))).toBe(c.total);
  });

  test('the step-price example sums to 85 exactly as written in the issue', () => {
    const steps = rate(RateAlgorithm.STEP_PRICE, [{ planId: '1', isCombinable: true, contracts: 1, rates: [[1, 0], [3, 10], [4, 9], [10, 1]].map(([q, p]) => ({ quantity: q!, price: dec(p!) })) }], dec(10), dec(30));
    expect(totalOf(steps).toString()).toBe(String(2 * 0 + 1 * 10 + 6 * 9 + 21 * 1));
  });

  test('a single combinable plan is priced by its own rates, whatever plan comes after it', () => {
    // The original re-used the LAST plan's rates for the one combinable plan; a non-combinable plan after it then
    // priced the combinable slot too.
    const cheapCombinable = { planId: '1', isCombinable: true, contracts: 1, rates: [{ quantity: 0, price: dec(1) }] };
    const dearAlone = { planId: '2', isCombinable: false, contracts: 1, rates: [{ quantity: 0, price: dec(5) }] };
    const steps = rate(RateAlgorithm.STEP_PRICE, [cheapCombinable, dearAlone], dec(10), dec(4));
    expect(formatMoney(totalOf(steps))).toBe('4.00');
  });

  test('the price of the n-th unit (for invoicing by position)', () => {
    const steps = rate(RateAlgorithm.STEP_PRICE, [{ planId: '1', isCombinable: true, contracts: 1, rates: [{ quantity: 1, price: dec(0) }, { quantity: 3, price: dec(10) }] }], dec(10), dec(5));
    expect([1, 2, 3, 5, 9].map((n) => unitPriceAt(steps, n)?.toString())).toEqual(['0', '0', '10', '10', '10']);
  });
});

describe('money: decimals only, rounded once to cents, half away from zero', () => {
  test('no float error: 0.1 + 0.2 is 0.3', () => {
    expect(dec('0.1').plus(dec('0.2')).toString()).toBe('0.3');
  });

  test('half away from zero at two places', () => {
    expect(['1.005', '1.004', '-1.005', '2.675', '0.125', '-0.125'].map((v) => formatMoney(dec(v)))).toEqual(['1.01', '1.00', '-1.01', '2.68', '0.13', '-0.13']);
  });

  test('a total is the rounded sum of exact parts, not the sum of rounded parts', () => {
    const parts = ['0.004', '0.004', '0.004'].map(dec);
    expect(formatMoney(parts.reduce((a, b) => a.plus(b)))).toBe('0.01');
    expect(parts.map(roundMoney).reduce((a, b) => a.plus(b)).toFixed(2)).toBe('0.00');
  });

  test('fractional JavaScript numbers are refused (they are floats); integers and strings are fine', () => {
    expect(() => dec(0.1)).toThrow(/float/);
    expect(dec(3).plus(dec('0.50')).toString()).toBe('3.5');
  });

  test('decimal text: places and sign', () => {
    expect(isDecimalText('12.3456', 4)).toBe(true);
    expect(isDecimalText('12.34567', 4)).toBe(false);
    expect(isDecimalText('-1', 2)).toBe(false);
    expect(isDecimalText('-1', 2, true)).toBe(true);
    expect(isDecimalText('1e5', 2)).toBe(false);
    expect(isDecimalText('01', 2)).toBe(false);
  });
});
