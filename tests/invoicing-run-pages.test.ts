/**
 * The invoicing run's pages of accounts (src/invoicing/run/invoice-run.ts) over more accounts than one page, whose ids
 * cross a power of ten (where the text order of ids differs from their numeric order): every account is billed once.
 * A plan's rate below the nominal price puts a PLAN subline on each line, written with the line in one statement.
 * Against a real PostgreSQL, the run's function called as the schedule's activity calls it.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Plan } from '../src/entities/billing/plan.js';
import { Rate } from '../src/entities/billing/rate.js';
import { Service } from '../src/entities/billing/service.js';
import { BillingPeriod, BillingPoint, PaymentStyle } from '../src/entities/billing/billing-enums.js';
import { INVOICE_PAGE_SIZE, invoiceRun } from '../src/invoicing/run/invoice-run.js';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const ACCOUNTS = INVOICE_PAGE_SIZE + 100;

beforeAll(async () => {
  db = await createTestDatabase();
  const em = db.orm.em.fork();
  const service = em.create(Service, {
    description: 'pages', model: 'Miscellaneous', nominalPrice: '3', billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_FIXED_DATE, paymentStyle: PaymentStyle.PREPAY,
  });
  await em.flush();
  // The next account ids start 300 below a power of ten, so the accounts' ids gain a digit half-way.
  await em.execute(`select setval('account_id_seq', (power(10, ceil(log(greatest(last_value, 1) + ?)))::bigint) - 300) from account_id_seq`, [ACCOUNTS]);
  await em.execute(`insert into account (created_at, updated_at, username, type, language, is_active, short_name, full_name, comments)
    select now(), now(), 'pages' || g, 'COMPANY', 'en', true, '', '', '' from generate_series(1, ?) g`, [ACCOUNTS]);
  await em.execute(
    `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
     select now(), now(), a.id, ?, 'Miscellaneous', a.id, a.username, '2026-10-01', false, a.username from account a where a.username like 'pages%'`,
    [service.id],
  );
});
afterAll(() => db?.drop());

test('a run over more accounts than a page, ids crossing a power of ten, bills each account exactly once', async () => {
  const options = { billingPoint: '2026-11-01', fixedPoint: false, proforma: false, newOpen: false, preview: false, today: '2026-11-01' };
  const run = () => invoiceRun(db.orm.em.fork(), {}, options, (work) => work(db.orm.em.fork()));
  const first = await run();
  expect({ accounts: first.accounts, bills: first.bills, lines: first.lines }).toEqual({ accounts: ACCOUNTS, bills: ACCOUNTS, lines: ACCOUNTS });
  const [billed] = await db.orm.em.fork().execute<{ unbilled: string; lines: string }[]>(
    `select (select count(*) from billing_order where billed_until is null) as unbilled, (select count(*) from bill_line) as lines`,
  );
  expect(billed).toEqual({ unbilled: '0', lines: String(ACCOUNTS) });
  const second = await run();
  expect({ accounts: second.accounts, lines: second.lines }).toEqual({ accounts: ACCOUNTS, lines: 0 });
});

test('a rated price below the nominal one writes a PLAN subline on each of the account\'s lines', async () => {
  const em = db.orm.em.fork();
  const service = em.create(Service, {
    description: 'rated', model: 'Miscellaneous', nominalPrice: '10', billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_FIXED_DATE, paymentStyle: PaymentStyle.PREPAY,
  });
  const plan = em.create(Plan, { name: 'rated-default', isDefault: true });
  em.create(Rate, { service, plan, quantity: 1, price: '8' });
  await em.flush();
  const [account] = await em.execute<{ id: string }[]>(`select id::text from account where username = 'pages1'`);
  await em.execute(
    `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
     select now(), now(), ?, ?, 'Miscellaneous', g, 'rated ' || g, '2026-10-01', false, 'rated ' || g from generate_series(1, 3) g`,
    [account!.id, service.id],
  );
  const options = { billingPoint: '2026-11-01', fixedPoint: false, proforma: false, newOpen: false, preview: false, today: '2026-11-01' };
  const run = await invoiceRun(db.orm.em.fork(), { serviceIds: [service.id] }, options, (work) => db.orm.em.fork().transactional((tx) => work(tx as EntityManager)));
  expect(run.lines).toBe(3);
  const rows = await db.orm.em.fork().execute<{ type: string; total: string; subtotal: string; account: string }[]>(
    `select s.type, s.total::text, l.subtotal::text, s.account_id::text as account
       from bill_line l join billing_order o on o.id = l.order_id left join bill_subline s on s.line_id = l.id
      where o.service_id = ? order by l.id`,
    [service.id],
  );
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    expect({ type: row.type, account: row.account }).toEqual({ type: 'PLAN', account: account!.id });
    expect(Number(row.total)).toBeLessThan(0);
    expect(Number(row.subtotal) + Number(row.total)).toBeGreaterThan(0);
  }
});

test('two accounts at once over several pages (the next page read while one is billed): each account once, an order added meanwhile to an account of the next page billed', async () => {
  const em = db.orm.em.fork();
  const service = em.create(Service, {
    description: 'at once', model: 'Miscellaneous', nominalPrice: '4', billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_FIXED_DATE, paymentStyle: PaymentStyle.PREPAY,
  });
  await em.flush();
  await em.execute(
    `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
     select now(), now(), a.id, ?, 'Miscellaneous', a.id, 'at once', '2026-10-01', false, 'at once' from account a where a.username like 'pages%'`,
    [service.id],
  );
  const [last] = await em.execute<{ id: string }[]>(`select max(id)::text as id from account where username like 'pages%'`);
  const options = { billingPoint: '2026-11-01', fixedPoint: false, proforma: false, newOpen: false, preview: false, today: '2026-11-01' };
  let started = 0;
  const run = await invoiceRun(db.orm.em.fork(), { serviceIds: [service.id] }, options, async (work) => {
    // Late in the first page: the second page (the last account's) has most likely been read ahead already.
    if (++started === INVOICE_PAGE_SIZE - 10) {
      await db.orm.em.fork().execute(
        `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
         values (now(), now(), ?, ?, 'Miscellaneous', 0, 'added', '2026-10-01', false, 'added')`,
        [last!.id, service.id],
      );
    }
    return work(db.orm.em.fork());
  }, false, 2);
  expect({ accounts: run.accounts, lines: run.lines }).toEqual({ accounts: ACCOUNTS, lines: ACCOUNTS + 1 });
  const [billed] = await db.orm.em.fork().execute<{ unbilled: string; lines: string; twice: string }[]>(
    `select (select count(*) from billing_order where service_id = ? and billed_until is null) as unbilled,
            (select count(*) from bill_line l join billing_order o on o.id = l.order_id where o.service_id = ?) as lines,
            (select count(*) from (select order_id from bill_line where order_id is not null group by order_id having count(*) > 1) t) as twice`,
    [service.id, service.id],
  );
  expect(billed).toEqual({ unbilled: '0', lines: String(ACCOUNTS + 1), twice: '0' });
});
