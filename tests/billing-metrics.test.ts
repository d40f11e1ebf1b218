/**
 * Metric storage with a fixed clock (the threshold, one row per day overwritten, zero kept, "last seen" bumped once
 * a day, the same write twice changing nothing) and what invoicing reads of it; the calendar of ignore periods; the
 * billing expression language (decimals, functions, logsteps). Against a real PostgreSQL (the storage is SQL).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Account } from '../src/entities/accounts/account.js';
import { Order } from '../src/entities/billing/order.js';
import { OrderMetric } from '../src/entities/billing/order-metric.js';
import { Service } from '../src/entities/billing/service.js';
import { IgnorePeriod } from '../src/entities/billing/billing-enums.js';
import { addMonths, cancelledInIgnorePeriod, ignorePeriodEnd } from '../src/billing/orders/calendar.js';
import { metricAt, metricChanges, metricIn, storeMetrics } from '../src/billing/orders/metric-storage.js';
import { dec } from '../src/billing/money.js';
import { BILLING_FUNCTIONS, compileExpression, logsteps } from '../src/expressions/index.js';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orderId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const em = db.orm.em.fork();
  const service = em.create(Service, { description: 'disk', model: 'Account', nominalPrice: '1' });
  await em.flush();
  // The order collector writes the account's order in the flush that creates it.
  const account = em.create(Account, { username: 'metricco' });
  await em.flush();
  orderId = (await em.findOneOrFail(Order, { service, objectId: account.id })).id;
});
afterAll(() => db?.drop());

const at = (day: string, time = '12:00:00') => new Date(`${day}T${time}Z`);
const rows = async () =>
  (await db.orm.em.fork().find(OrderMetric, { order: orderId }, { orderBy: { createdOn: 'asc' } })).map((r) => [r.createdOn, r.value, r.updatedAt.toISOString()]);
const store = (value: string, when: Date) => db.orm.em.fork().transactional((em) => storeMetrics(em, [{ orderId, value: dec(value) }], when));

describe('metric storage, fixed clock', () => {
  test('threshold, per-day overwrite, zero, idempotence', async () => {
    expect(await store('10', at('2026-03-01'))).toEqual({ inserted: 1, overwritten: 0, unchanged: 0 });
    expect(await store('12', at('2026-03-01', '18:00:00'))).toEqual({ inserted: 0, overwritten: 1, unchanged: 0 });
    expect(await rows()).toEqual([['2026-03-01', '12.000', '2026-03-01T18:00:00.000Z']]);
    // Next day, within the threshold (0.04 ≤ 0.05): no new row; the row is marked seen today (once).
    expect(await store('12.04', at('2026-03-02'))).toEqual({ inserted: 0, overwritten: 0, unchanged: 1 });
    expect(await rows()).toEqual([['2026-03-01', '12.000', '2026-03-02T12:00:00.000Z']]);
    const before = await rows();
    expect(await store('12.04', at('2026-03-02', '13:00:00'))).toEqual({ inserted: 0, overwritten: 0, unchanged: 1 });
    expect(await rows()).toEqual(before);
    // Beyond the threshold (0.06 > 0.05): a new row for the day.
    expect(await store('12.06', at('2026-03-03'))).toEqual({ inserted: 1, overwritten: 0, unchanged: 0 });
    // A drop to zero is always kept; zero again is not a change.
    expect(await store('0', at('2026-03-05'))).toMatchObject({ inserted: 1 });
    expect(await store('0', at('2026-03-06'))).toMatchObject({ inserted: 0, unchanged: 1 });
    expect((await rows()).map(([day, value]) => [day, value])).toEqual([
      ['2026-03-01', '12.000'], ['2026-03-03', '12.060'], ['2026-03-05', '0.000'],
    ]);
    // The same writes again the same day change nothing.
    const settled = await rows();
    await store('0', at('2026-03-06', '23:00:00'));
    expect(await rows()).toEqual(settled);
  });

  test('what invoicing reads: the value on a day, the latest in a slot, the change intervals', async () => {
    const em = db.orm.em.fork();
    expect(await metricAt(em, orderId, '2026-02-28')).toBeNull();
    expect((await metricAt(em, orderId, '2026-03-02'))?.toString()).toBe('12');
    expect((await metricAt(em, orderId, '2026-03-04'))?.toString()).toBe('12.06');
    expect((await metricIn(em, orderId, '2026-03-01', '2026-03-05'))?.toString()).toBe('12.06');
    expect((await metricIn(em, orderId, '2026-03-06', '2026-04-01'))?.toString()).toBe('0');
    const changes = await metricChanges(em, orderId, '2026-03-02', '2026-04-01');
    expect(changes.map((c) => [c.from, c.to, c.value.toString()])).toEqual([
      ['2026-03-02', '2026-03-03', '12'], ['2026-03-03', '2026-03-05', '12.06'], ['2026-03-05', '2026-04-01', '0'],
    ]);
  });
});

describe('ignore periods', () => {
  test('each period ends where it should; one month is a calendar month', () => {
    expect(Object.values(IgnorePeriod).map((p) => ignorePeriodEnd('2026-01-31', p))).toEqual(['2026-01-31', '2026-02-01', '2026-02-02', '2026-02-10', '2026-02-28']);
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(cancelledInIgnorePeriod('2026-01-10', '2026-02-09', IgnorePeriod.ONE_MONTH)).toBe(true);
    expect(cancelledInIgnorePeriod('2026-01-10', '2026-02-10', IgnorePeriod.ONE_MONTH)).toBe(false);
    expect(cancelledInIgnorePeriod('2026-01-10', '2026-01-10', IgnorePeriod.NEVER)).toBe(false);
  });
});

describe('billing expressions', () => {
  const compile = (source: string, condition = false) =>
    compileExpression(source, { fields: ['obj.n', 'obj.s', 'obj.b'], booleanFields: ['obj.b'], arithmetic: true, functions: BILLING_FUNCTIONS, condition, maxLength: 1000, maxDepth: 32, maxExponent: 64 });
  const value = (source: string, obj: Record<string, unknown> = { obj: { n: 7, s: 'x', b: true } }) => {
    const c = compile(source);
    if (!c.ok) throw new Error(c.error.message);
    const v = c.evaluate(obj);
    return typeof v === 'object' && v !== null && 'toString' in v ? v.toString() : v;
  };

  test('exact decimal arithmetic with precedence', () => {
    expect(value('0.1 + 0.2')).toBe('0.3');
    expect(value('1 + 2 * 3 - 4 / 8')).toBe('6.5');
    expect(value('-2 ** 2')).toBe('-4');
    expect(value('(obj.n - 1) % 4')).toBe('2');
    expect(value('10 ** 9')).toBe('1000000000');
    expect(value('obj.n > 5 and obj.b')).toBe(true);
  });

  test('min, max, round (half away from zero), log10, logsteps', () => {
    expect(value('max(obj.n - 10, 0)')).toBe('0');
    expect(value('min(3, obj.n, 5)')).toBe('3');
    expect(value('round(2.5)')).toBe('3');
    expect(value('round(-2.5)')).toBe('-3');
    expect(value('round(1.005, 2)')).toBe('1.01');
    expect(value('log10(1000)')).toBe('3');
  });

  // What the original's lambda gives (django-orchestra services/handlers.py, run in Python 3 on Decimal inputs), written
  // without its float noise (1225 at 0.05 gave 1200.0000000000002 there, 1200 here).
  test.each([
    ['1234', '1', '1000'], ['1500', '1', '2000'], ['2500', '1', '2000'], ['3500', '1', '4000'], ['95', '1', '100'], ['9.5', '1', '10'],
    ['1.5', '1', '2'], ['0.5', '1', '0'], ['0.4', '1', '0'], ['0', '1', '0'],
    ['1234', '0.05', '1250'], ['1234.5', '0.05', '1250'], ['1275', '0.05', '1300'], ['1225', '0.05', '1200'], ['87', '0.05', '87'], ['0.37', '0.05', '0.35'],
    ['123456', '0.1', '120000'], ['12', '2', '20'], ['12', '0.5', '10'], ['150', '0.5', '150'], ['47', '0.2', '48'],
  ])('logsteps(%s, %s) = %s, as the original (nearest step, exact halves to the even one)', (n, size, expected) => {
    expect(logsteps(dec(n), dec(size)).toString()).toBe(expected);
    expect(value(`logsteps(${n}, ${size})`)).toBe(expected);
    if (size === '1') expect(value(`logsteps(${n})`)).toBe(expected);
  });

  test('logsteps reads a metric; its size is a decimal above 0, at most 100, with at most 6 places', () => {
    expect(value('logsteps(obj.n * 100, 0.05)')).toBe('700');
    for (const size of ['0', '-1', '100.5', '0.0000001']) {
      expect(() => value(`logsteps(1234, ${size})`)).toThrow(/size .* must be above 0 and at most 100, with at most 6 decimal places/);
    }
    expect(value('logsteps(1234, 100)')).toBe('0');
    expect(value('logsteps(51234, 0.000001)')).toBe('51234');
  });

  test('refused when compiled: unknown functions, wrong arity, non-literal or huge exponents, chained powers', () => {
    for (const [source, message] of [
      ['sqrt(4)', /function calls are not allowed/],
      ['min()', /takes 1 to 32 arguments/],
      ['log10(1, 2)', /takes 1 argument/],
      ['2 ** obj.n', /exponent/],
      ['2 ** 65', /exponent/],
      ['2 ** -1', /exponent/],
      ['2 ** 2 ** 2', /cannot be chained/],
      ['obj.s.constructor', /"constructor" is not a field/],
      ['toString(1)', /function calls are not allowed/],
    ] as const) {
      const c = compile(source);
      expect([source, c.ok ? 'compiled' : c.error.message]).toEqual([source, expect.stringMatching(message)]);
    }
  });

  test('a condition profile refuses numbers as conditions', () => {
    const c = compile('obj.n + 1', true);
    expect(c.ok ? '' : c.error.message).toMatch(/not a condition/);
  });
});
