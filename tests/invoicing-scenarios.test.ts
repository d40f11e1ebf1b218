/**
 * Invoicing (src/invoicing/) on the original's functional billing scenarios (inventory §8), re-derived by hand as
 * fixtures with a fixed clock, plus properties over random orders. Pure unit tests: no database.
 */
import { describe, expect, test } from '@jest/globals';
import { addMonths } from '../src/billing/orders/calendar.js';
import { BillingDecimal, dec, formatMoney, roundMoney } from '../src/billing/money.js';
import { RateAlgorithm } from '../src/billing/rating/rate-algorithm.js';
import { BillingPeriod, BillingPoint, OnCancel, PaymentStyle, PricingPeriod } from '../src/entities/billing/billing-enums.js';
import { generateLines } from '../src/invoicing/generate-lines.js';
import { billingPointOf, priceSize } from '../src/invoicing/periods.js';
import { lineNet, totalsByTaxRate } from '../src/invoicing/totals.js';
import { SublineType, type AccountServiceInput, type ComputedLine, type InvoicingOrder, type InvoicingResult, type InvoicingService, type MetricPoint } from '../src/invoicing/invoicing-types.js';

const TODAY = '2024-03-15';

function service(overrides: Partial<InvoicingService> = {}): InvoicingService {
  return {
    id: '1',
    billingPeriod: BillingPeriod.ANNUAL,
    billingPoint: BillingPoint.ON_FIXED_DATE,
    paymentStyle: PaymentStyle.PREPAY,
    pricingPeriod: PricingPeriod.NEVER,
    onCancel: OnCancel.COMPENSATE,
    rateAlgorithm: RateAlgorithm.STEP_PRICE,
    nominalPrice: dec(10),
    taxRate: dec(0),
    hasMetric: false,
    isFee: false,
    ...overrides,
  };
}

let nextId = 1;
function order(overrides: Partial<InvoicingOrder> = {}): InvoicingOrder {
  return { id: String(nextId++), registeredOn: TODAY, cancelledOn: null, billedOn: null, billedUntil: null, billedMetric: null, metrics: [], description: 'order', ...overrides };
}

function rates(...pairs: [number, number][]) {
  return [{ planId: '1', isCombinable: true, contracts: 1, rates: pairs.map(([quantity, price]) => ({ quantity, price: dec(price) })) }];
}

function points(...pairs: [string, number, string?][]): MetricPoint[] {
  return pairs.map(([day, value, seenOn]) => ({ day, value: dec(value), ...(seenOn ? { seenOn } : {}) }));
}

function bill(input: AccountServiceInput, billingPoint: string, fixedPoint: boolean, today = TODAY): InvoicingResult {
  return generateLines(input, { billingPoint, fixedPoint, today });
}

function total(lines: readonly ComputedLine[]): string {
  return formatMoney(lines.reduce((sum, l) => sum.plus(lineNet(l)), new BillingDecimal(0)));
}

/** What committing a run writes on the orders (src/invoicing/run/ does it in the database). */
function commit(orders: InvoicingOrder[], result: InvoicingResult, today: string): InvoicingOrder[] {
  return orders.map((o) => {
    const change = result.orders.find((c) => c.orderId === o.id);
    if (!change) return o;
    return { ...o, billedOn: change.billed ? today : o.billedOn, billedUntil: change.billedUntil, billedMetric: change.billedMetric };
  });
}

describe('FTP account: annual, fixed date, prepay, compensate (test_ftp)', () => {
  const ftp = service();
  test('one, two years and six months on a fixed point', () => {
    const o = order();
    expect(total(bill({ service: ftp, rates: [], orders: [o] }, '2025-03-15', true).lines)).toBe('10.00');
    expect(total(bill({ service: ftp, rates: [], orders: [o] }, '2026-03-15', true).lines)).toBe('20.00');
    expect(total(bill({ service: ftp, rates: [], orders: [o] }, '2024-09-15', true).lines)).toBe('5.00');
  });

  test('the next billing point is the next 1 January, pro-rata to the day', () => {
    const o = order();
    const result = bill({ service: ftp, rates: [], orders: [o] }, TODAY, false);
    expect(result.orders[0]!.billedUntil).toBe('2025-01-01');
    // 9 months + 17 days of 365: 0.7966 → 0.80 → 8.00, within 5% of 292/365 × 10 as the original checked.
    expect(total(result.lines)).toBe('8.00');
    expect(Math.abs(8 - (292 / 365) * 10)).toBeLessThan(0.05 * 8);
  });

  test('a cancelled prepaid order gives -20 to a new one, which is then billed to where the old one was', () => {
    let orders = [order()];
    const first = bill({ service: ftp, rates: [], orders }, '2026-03-15', true);
    expect(total(first.lines)).toBe('20.00');
    orders = commit(orders, first, TODAY);
    orders = [{ ...orders[0]!, cancelledOn: TODAY }, order()];
    const second = bill({ service: ftp, rates: [], orders }, '2025-03-15', true);
    expect(second.lines).toHaveLength(1);
    expect(second.lines[0]!.sublines).toEqual([{ type: SublineType.COMPENSATION, total: dec(-20) }]);
    expect(total(second.lines)).toBe('0.00');
    const after = commit(orders, second, TODAY);
    expect(after[0]!.billedUntil).toBe(after[0]!.cancelledOn);
    expect(after[1]!.billedUntil).toBe('2026-03-15');
    expect(second.lines[0]!.givers).toEqual([{ orderId: orders[0]!.id, billedUntil: '2026-03-15' }]);
  });
});

describe('mailboxes: concurrent orders priced by position (test_mailbox)', () => {
  test('the first four mailboxes are free, the fifth and later pay 10 a year', () => {
    const mailbox = service();
    const orders = Array.from({ length: 7 }, () => order());
    const result = bill({ service: mailbox, rates: rates([1, 0], [5, 10]), orders }, '2025-03-15', true);
    expect(result.lines).toHaveLength(7);
    // Each line is 10 at nominal; the free ones carry a -10 plan discount.
    expect(result.lines.filter((l) => l.sublines.some((s) => s.type === SublineType.PLAN))).toHaveLength(4);
    expect(total(result.lines)).toBe('30.00');
  });

  test('a mailbox registered half-way pays its position only from then', () => {
    const mailbox = service();
    const orders = [...Array.from({ length: 4 }, () => order()), order({ registeredOn: '2024-09-15' })];
    const result = bill({ service: mailbox, rates: rates([1, 0], [5, 10]), orders }, '2025-03-15', true);
    expect(total(result.lines)).toBe('5.00');
  });
});

describe('mailbox disk: metric changes and recharge (test_mailbox)', () => {
  const disk = service({ hasMetric: true, onCancel: OnCancel.DISCOUNT });
  const diskRates = rates([1, 10]);

  test('metric changes are billed per stretch (proforma: nothing committed between runs)', () => {
    const o = order({ metrics: points([TODAY, 9]) });
    expect(total(bill({ service: disk, rates: diskRates, orders: [o] }, '2025-03-15', true).lines)).toBe('90.00');
    const six = { ...o, metrics: points([TODAY, 9], ['2024-09-15', 19]) };
    expect(total(bill({ service: disk, rates: diskRates, orders: [six] }, '2025-03-15', true, '2024-09-15').lines)).toBe(formatMoney(dec(9 * 10 * 0.5 + 19 * 10 * 0.5)));
    const nine = { ...o, metrics: points([TODAY, 9], ['2024-09-15', 19], ['2024-12-15', 29]) };
    expect(total(bill({ service: disk, rates: diskRates, orders: [nine] }, '2025-03-15', true, '2024-12-15').lines)).toBe(formatMoney(dec(9 * 10 * 0.5 + 19 * 10 * 0.25 + 29 * 10 * 0.25)));
  });

  test('a grown metric is recharged once, less what was prepaid; a smaller one is not', () => {
    let orders = [order({ metrics: points([TODAY, 99]) })];
    const first = bill({ service: disk, rates: diskRates, orders }, '2025-03-15', true);
    expect(total(first.lines)).toBe('990.00');
    orders = commit(orders, first, TODAY);
    const smaller = [{ ...orders[0]!, metrics: points([TODAY, 99], ['2024-09-15', 49]) }];
    expect(bill({ service: disk, rates: diskRates, orders: smaller }, '2025-03-15', true, '2024-09-15').lines).toEqual([]);
    orders = [{ ...orders[0]!, metrics: points([TODAY, 99], ['2024-09-15', 199]) }];
    const recharge = bill({ service: disk, rates: diskRates, orders }, '2025-03-15', true, '2024-09-15');
    expect(total(recharge.lines)).toBe(formatMoney(dec((199 - 99) * 10 * 0.5)));
    expect(recharge.lines[0]!.sublines.map((s) => s.type)).toEqual([SublineType.PREPAY]);
    orders = commit(orders, recharge, '2024-09-15');
    expect(bill({ service: disk, rates: diskRates, orders }, '2025-03-15', true, '2024-09-15').lines).toEqual([]);
  });
});

describe('a one-time job priced by match_price (test_job)', () => {
  const job = service({ billingPeriod: BillingPeriod.ONE_TIME, billingPoint: BillingPoint.ON_REGISTER, pricingPeriod: PricingPeriod.BILLING_PERIOD, paymentStyle: PaymentStyle.POSTPAY, onCancel: OnCancel.NOTHING, rateAlgorithm: RateAlgorithm.MATCH_PRICE, nominalPrice: dec(20), hasMetric: true });
  const jobRates = rates([1, 20], [10, 15]);
  test('5 units at 20, 100 units at 15, each billed once', () => {
    const small = order({ metrics: points([TODAY, 5]) });
    const large = order({ metrics: points([TODAY, 100]) });
    const result = bill({ service: job, rates: jobRates, orders: [small, large] }, TODAY, false);
    expect(result.lines.map((l) => formatMoney(lineNet(l)))).toEqual(['100.00', '1500.00']);
    expect(result.lines[1]!.endOn).toBeNull();
    const again = bill({ service: job, rates: jobRates, orders: commit([small, large], result, TODAY) }, TODAY, false);
    expect(again.lines).toEqual([]);
  });
});

describe('plan fees through contracted plans (test_plan)', () => {
  test('an annual fee is a fee line, pro-rata to the next 1 January', () => {
    const fee = service({ isFee: true, nominalPrice: dec(20), pricingPeriod: PricingPeriod.BILLING_PERIOD, onCancel: OnCancel.DISCOUNT });
    const result = bill({ service: fee, rates: [], orders: [order()] }, TODAY, false);
    expect(result.lines.map((l) => [l.isFee, formatMoney(lineNet(l))])).toEqual([[true, '16.00']]);
  });
});

describe('traffic (test_traffic)', () => {
  const traffic = service({ billingPeriod: BillingPeriod.MONTHLY, pricingPeriod: PricingPeriod.BILLING_PERIOD, paymentStyle: PaymentStyle.POSTPAY, onCancel: OnCancel.NOTHING, hasMetric: true });
  const trafficRates = rates([1, 0], [11, 10]);

  test('postpay over several months: each month at its latest metric, the first 10 units free', () => {
    const o = order({ metrics: points([TODAY, 10, '2024-04-14'], ['2024-04-15', 90, '2024-04-30']) });
    const april = bill({ service: traffic, rates: trafficRates, orders: [o] }, '2024-04-15', false, '2024-04-15');
    expect(april.orders[0]!.billedUntil).toBe('2024-04-01');
    expect(total(april.lines)).toBe('0.00');
    const june = bill({ service: traffic, rates: trafficRates, orders: [o] }, '2024-06-15', false, '2024-06-15');
    expect(june.lines.map((l) => [l.startOn, l.endOn, l.metric.toString()])).toEqual([['2024-03-01', '2024-04-01', '10'], ['2024-04-01', '2024-05-01', '90']]);
    expect(total(june.lines)).toBe(formatMoney(dec((90 - 10) * 10)));
  });

  test('prepaid packs: the pack is billed a month ahead from its registration day', () => {
    const pack = service({ billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_REGISTER, onCancel: OnCancel.NOTHING, nominalPrice: dec(50), hasMetric: true });
    const o = order({ metrics: points([TODAY, 10]) });
    expect(total(bill({ service: pack, rates: [], orders: [o] }, TODAY, false).lines)).toBe('500.00');
    expect(total(bill({ service: pack, rates: [], orders: [o] }, '2024-04-15', false, '2024-04-15').lines)).toBe(formatMoney(dec(2 * 10 * 50)));
  });

  test('prepay packs priced monthly in an annual service: today\'s metric in each month', () => {
    const packs = service({ billingPeriod: BillingPeriod.ANNUAL, pricingPeriod: PricingPeriod.MONTHLY, onCancel: OnCancel.NOTHING, nominalPrice: dec(1), hasMetric: true });
    const o = order({ registeredOn: '2024-01-01', metrics: points(['2024-01-01', 3]) });
    const result = bill({ service: packs, rates: [], orders: [o] }, '2024-04-01', true);
    expect(result.lines).toHaveLength(3);
    expect(total(result.lines)).toBe('9.00');
  });
});

describe("the original's defects, fixed", () => {
  test('a prepaid metric priced per billing period (the services\' default, which the original refused) bills today\'s metric ahead', () => {
    const s = service({ hasMetric: true, pricingPeriod: PricingPeriod.BILLING_PERIOD, onCancel: OnCancel.DISCOUNT, nominalPrice: dec(5) });
    const result = bill({ service: s, rates: [], orders: [order({ metrics: points([TODAY, 2]) })] }, '2025-03-15', true);
    // Two slots clipped to the stretch billed: 9 months + 17 days (0.80) and 2 months + 14 days (0.205 → 0.21), × 10.
    expect(result.lines.map((l) => [l.startOn, l.endOn, l.size.toString()])).toEqual([['2024-03-15', '2025-01-01', '0.8'], ['2025-01-01', '2025-03-15', '0.21']]);
    expect(total(result.lines)).toBe('10.10');
  });

  test('annual postpay: the billing point is the last 1 January on or before the day (the original crashed)', () => {
    const s = service({ paymentStyle: PaymentStyle.POSTPAY });
    expect(billingPointOf(s, order({ registeredOn: '2023-05-01' }), { billingPoint: TODAY, fixedPoint: false, today: TODAY })).toBe('2024-01-01');
    const onRegister = service({ paymentStyle: PaymentStyle.POSTPAY, billingPoint: BillingPoint.ON_REGISTER });
    expect(billingPointOf(onRegister, order({ registeredOn: '2023-05-01' }), { billingPoint: TODAY, fixedPoint: false, today: TODAY })).toBe('2023-05-01');
  });

  test('sizes: months + days over the end month, years + months/12 + days/366 in a leap year', () => {
    const monthly = service({ billingPeriod: BillingPeriod.MONTHLY });
    expect(priceSize(monthly, '2024-01-15', '2024-03-01').toString()).toBe('1.48'); // 1 month + 15 days over March's 31
    expect(priceSize(service(), '2023-03-15', '2024-04-14').toString()).toBe('1.08'); // 1 year + 30/366
  });

  test('a compensation never makes a line negative', () => {
    const ftp = service();
    const giver = order({ billedOn: TODAY, billedUntil: '2030-03-15', cancelledOn: TODAY });
    const receiver = order();
    const result = bill({ service: ftp, rates: [], orders: [giver, receiver] }, '2024-09-15', true);
    for (const line of result.lines) expect(lineNet(line).isNegative()).toBe(false);
  });
});

describe('properties over random orders', () => {
  // A small deterministic generator: the same cases on every run, many shapes.
  function random(seed: number): () => number {
    let s = seed;
    return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }
  const shapes: Partial<InvoicingService>[] = [
    {},
    { billingPeriod: BillingPeriod.MONTHLY },
    { billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_REGISTER, onCancel: OnCancel.DISCOUNT },
    { paymentStyle: PaymentStyle.POSTPAY, onCancel: OnCancel.NOTHING },
    { hasMetric: true, onCancel: OnCancel.DISCOUNT },
    { billingPeriod: BillingPeriod.MONTHLY, pricingPeriod: PricingPeriod.BILLING_PERIOD, paymentStyle: PaymentStyle.POSTPAY, hasMetric: true },
  ];

  function randomCase(k: number): AccountServiceInput {
    const r = random(k + 1);
    const s = service({ ...shapes[k % shapes.length], nominalPrice: dec((1 + Math.floor(r() * 2000)) / 100 + ''), taxRate: dec([0, 21, 10][k % 3]!) });
    const orders = Array.from({ length: 1 + Math.floor(r() * 5) }, () => {
      const registeredOn = addMonths('2023-01-01', Math.floor(r() * 14));
      const cancelled = r() < 0.3 ? addMonths(registeredOn, 1 + Math.floor(r() * 6)) : null;
      return order({ registeredOn, cancelledOn: cancelled, metrics: points([registeredOn, Math.floor(r() * 50)], [addMonths(registeredOn, 2), Math.floor(r() * 50)]) });
    });
    return { service: s, rates: k % 2 ? rates([1, 0], [3, Number((r() * 10).toFixed(0))]) : [], orders };
  }

  test('the random cases bill something (the properties are not vacuous)', () => {
    const billed = Array.from({ length: 60 }, (_, k) => bill(randomCase(k), '2024-06-10', false, '2024-06-10').lines.length).filter((n) => n > 0);
    expect(billed.length).toBeGreaterThan(40);
  });

  test.each(Array.from({ length: 60 }, (_, k) => [k]))('case %i: totals, no negative line, idempotent, undo then re-bill', (k) => {
    const input = randomCase(k);
    const today = '2024-06-10';
    const first = bill(input, today, false, today);
    for (const line of first.lines) expect(lineNet(line).isNegative()).toBe(false);
    // A bill's total per tax rate is the sum of its lines and sublines.
    const totals = totalsByTaxRate(first.lines);
    const sum = first.lines.reduce((acc, l) => acc.plus(l.subtotal).plus(l.sublines.reduce((a, s) => a.plus(s.total), new BillingDecimal(0))), new BillingDecimal(0));
    expect(totals.reduce((acc, t) => acc.plus(t.base), new BillingDecimal(0)).toString()).toBe(sum.toString());
    for (const t of totals) expect(t.tax.toString()).toBe(roundMoney(t.base.times(t.taxRate).dividedBy(100)).toString());
    // Billing the same period twice adds nothing.
    const committed = commit(input.orders, first, today);
    expect(bill({ ...input, orders: committed }, today, false, today).lines).toEqual([]);
    // Undo (the orders as they were) then re-bill gives the same lines.
    expect(bill(input, today, false, today)).toEqual(first);
  });
});
