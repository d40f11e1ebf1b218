/**
 * The invoicing run's write of an account as ONE statement, the database function `invoice_account`
 * (src/invoicing/run/invoice-account.ts, migration 20261129231847): it writes only while the digest the inputs were
 * read with still holds, and input that is not the account's is refused whole — the account's bills, lines, sublines
 * and order moves all or nothing. Also the schedule's way of calling it (no explicit transaction: each account's
 * statement is its own), interrupted between accounts and run again; several accounts in one statement
 * (`invoice_accounts`), each all or nothing, one failing without undoing the others. Against a real PostgreSQL.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Service } from '../src/entities/billing/service.js';
import { BillingPeriod, BillingPoint, PaymentStyle } from '../src/entities/billing/billing-enums.js';
import { pageInputs } from '../src/invoicing/run/account-inputs.js';
import { computeBilling, type InvoiceOptions } from '../src/invoicing/run/bill-account.js';
import { inputsFingerprint } from '../src/invoicing/run/inputs-fingerprint.js';
import { invoiceAccount, type AccountWrite } from '../src/invoicing/run/invoice-account.js';
import { AccountWriteFailed, invoiceAccounts } from '../src/invoicing/run/invoice-accounts.js';
import { invoiceRun } from '../src/invoicing/run/invoice-run.js';
import { BillingDecimal } from '../src/billing/money.js';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const OPTIONS: InvoiceOptions = { billingPoint: '2026-11-01', fixedPoint: false, proforma: false, newOpen: false, preview: false, today: '2026-11-01', asynchronousCommit: true };

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

let objects = 0;

/** A service of its own and `accounts` accounts with `orders` monthly prepaid orders each (a PLAN-free nominal price). */
async function fixture(name: string, accounts: number, orders: number): Promise<{ serviceId: string; accountIds: string[] }> {
  const em = db.orm.em.fork();
  const service = em.create(Service, {
    description: name, model: 'Miscellaneous', nominalPrice: '3', billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_FIXED_DATE, paymentStyle: PaymentStyle.PREPAY,
  });
  await em.flush();
  const rows = await em.execute<{ id: string }[]>(
    `insert into account (created_at, updated_at, username, type, language, is_active, short_name, full_name, comments)
     select now(), now(), ? || g, 'COMPANY', 'en', true, '', '', '' from generate_series(1, ?) g returning id::text`,
    [name, accounts],
  );
  const accountIds = rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
  for (const accountId of accountIds) {
    await em.execute(
      `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
       select now(), now(), ?, ?, 'Miscellaneous', ? + g, 'item ' || g, '2026-10-01', false, 'item ' || g from generate_series(1, ?) g`,
      [accountId, service.id, objects, orders],
    );
    objects += orders;
  }
  return { serviceId: service.id, accountIds };
}

/** What the run would write for the account now, with its digest now. */
async function computedWrite(accountId: string): Promise<AccountWrite> {
  const em = db.orm.em.fork();
  const fingerprint = await inputsFingerprint(em, accountId);
  const billing = computeBilling((await pageInputs(em, [accountId], {})).get(accountId) ?? [], OPTIONS);
  return { accountId, groups: billing.groups, orders: billing.orders, moveOrders: true, today: OPTIONS.today, fingerprint, asynchronousCommit: true };
}

/** The account's bills, lines, sublines and orders billed: what a refused statement must leave untouched. */
async function written(accountId: string): Promise<{ bills: number; lines: number; sublines: number; moved: number }> {
  const [row] = await db.orm.em.fork().execute<{ bills: number; lines: number; sublines: number; moved: number }[]>(
    `select (select count(*)::int from bill where account_id = ?) as bills, (select count(*)::int from bill_line where account_id = ?) as lines,
            (select count(*)::int from bill_subline where account_id = ?) as sublines,
            (select count(*)::int from billing_order where account_id = ? and billed_until is not null) as moved`,
    [accountId, accountId, accountId, accountId],
  );
  return row!;
}

test('written with the digest it was computed from, once; with a digest that no longer holds, nothing is written', async () => {
  const { accountIds } = await fixture('digest', 1, 3);
  const account = accountIds[0]!;
  const write = await computedWrite(account);
  expect(write.groups.flatMap((g) => g.lines)).toHaveLength(3);
  // An order renamed after the read: the digest changed, the statement writes nothing and says so.
  await db.orm.em.fork().execute(`update billing_order set description = 'renamed' where account_id = ? and object_label = 'item 1'`, [account]);
  expect(await invoiceAccount(db.orm.em.fork(), write)).toBeUndefined();
  expect(await written(account)).toEqual({ bills: 0, lines: 0, sublines: 0, moved: 0 });
  // Computed again from what is there now: written, and the same write again finds its digest changed by itself.
  const again = await computedWrite(account);
  expect(await invoiceAccount(db.orm.em.fork(), again)).toHaveLength(1);
  expect(await written(account)).toEqual({ bills: 1, lines: 3, sublines: 0, moved: 3 });
  expect(await invoiceAccount(db.orm.em.fork(), again)).toBeUndefined();
  expect(await written(account)).toEqual({ bills: 1, lines: 3, sublines: 0, moved: 3 });
});

test('input that is not the account\'s is refused whole: no bill, line, subline or order move of the account stays', async () => {
  const { accountIds } = await fixture('refused', 2, 2);
  const [account, other] = accountIds as [string, string];
  const otherWrite = await computedWrite(other);
  const otherLine = otherWrite.groups[0]!.lines[0]!;
  const otherMove = otherWrite.orders[0]!;
  const good = await computedWrite(account);
  const withSubline = good.groups.map((g) => ({ ...g, lines: g.lines.map((l) => ({ ...l, sublines: [{ type: 'PLAN' as never, total: new BillingDecimal('-1.00') }] })) }));
  const attempts: [string, AccountWrite][] = [
    // The first bill is the account's own, with sublines; the second bills another account's order.
    ['a line of another account\'s order', { ...good, groups: [...withSubline, { ...good.groups[0]!, reuseOpen: false, lines: [otherLine] }] }],
    ['a move of another account\'s order', { ...good, groups: withSubline, orders: [...good.orders, otherMove] }],
  ];
  for (const [what, write] of attempts) {
    await expect(invoiceAccount(db.orm.em.fork(), write)).rejects.toThrow(/invoice_account/);
    expect({ what, ...(await written(account)) }).toEqual({ what, bills: 0, lines: 0, sublines: 0, moved: 0 });
  }
  // A subline of no line (only a hand-made payload can say that): refused whole too.
  const payload = { account_id: account, fingerprint: null, asynchronous_commit: false, today: OPTIONS.today, moves: [],
    bills: [{ type: 'INVOICE', reuse_open: true, lines: [], sublines: [{ k: 7, type: 'PLAN', total: '-1.00', description: 'orphan' }] }] };
  await expect(db.orm.em.fork().execute('select invoice_account(?::jsonb)', [JSON.stringify(payload)])).rejects.toThrow(/belongs to no line/);
  expect(await written(account)).toEqual({ bills: 0, lines: 0, sublines: 0, moved: 0 });
  expect(await written(other)).toEqual({ bills: 0, lines: 0, sublines: 0, moved: 0 });
  // The untampered write goes through.
  expect(await invoiceAccount(db.orm.em.fork(), { ...good, groups: withSubline })).toHaveLength(1);
  expect(await written(account)).toEqual({ bills: 1, lines: 2, sublines: 2, moved: 2 });
});

test.each([
  [1, 1, [2, 2, 0, 0, 0, 0, 0, 0]],
  [2, 1, [2, 2, 0, 0, 0, 0, 0, 0]],
  [1, 2, [2, 2, 2, 2, 0, 0, 0, 0]],
  [2, 2, [2, 2, 2, 2, 0, 0, 0, 0]],
])('the schedule\'s way (no explicit transaction; %i statements at once, %i accounts per statement) interrupted, then run again, bills each order once', async (atOnce, perStatement, billed) => {
  const { serviceId, accountIds } = await fixture(`schedule-${atOnce}-${perStatement}`, 8, 2);
  let calls = 0;
  await expect(
    invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, async (work) => {
      if (++calls === 3) throw new Error('worker lost');
      return work(db.orm.em.fork());
    }, false, atOnce, perStatement),
  ).rejects.toThrow('worker lost');
  // Accounts are billed whole or not at all; those of the first two statements are (the third failed, none after it
  // was started).
  const interrupted = await Promise.all(accountIds.map((a) => written(a)));
  expect(interrupted.map((w) => w.lines)).toEqual(billed);
  for (const w of interrupted) expect(w.moved).toBe(w.lines);
  const rerun = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, (work) => work(db.orm.em.fork()), false, atOnce, perStatement);
  expect({ accounts: rerun.accounts, lines: rerun.lines }).toEqual({ accounts: 8, lines: 16 - billed.reduce((n, l) => n + l, 0) });
  for (const account of accountIds) expect(await written(account)).toEqual({ bills: 1, lines: 2, sublines: 0, moved: 2 });
});

test('several accounts in one statement, one of them refused: the others are written, the refused one is left as it was', async () => {
  const { accountIds } = await fixture('several', 3, 2);
  const [first, refused, last] = accountIds as [string, string, string];
  const writes = await Promise.all(accountIds.map((a) => computedWrite(a)));
  const lastMove = writes[2]!.orders[0]!;
  // The middle account's write moves an order of another account: refused by `invoice_account`, alone.
  writes[1] = { ...writes[1]!, orders: [...writes[1]!.orders, lastMove] };
  const outcomes = await invoiceAccounts(db.orm.em.fork(), writes);
  expect(outcomes[0]).toHaveLength(1);
  expect(outcomes[1]).toBeInstanceOf(AccountWriteFailed);
  expect((outcomes[1] as AccountWriteFailed).message).toMatch(new RegExp(`account ${refused}: invoice_account: a move of account ${refused}`));
  expect((outcomes[1] as AccountWriteFailed).sqlState).toBe('23514');
  expect(outcomes[2]).toHaveLength(1);
  expect(await written(first)).toEqual({ bills: 1, lines: 2, sublines: 0, moved: 2 });
  expect(await written(refused)).toEqual({ bills: 0, lines: 0, sublines: 0, moved: 0 });
  expect(await written(last)).toEqual({ bills: 1, lines: 2, sublines: 0, moved: 2 });
  // Its lock went with its subtransaction: another session takes it at once.
  await db.orm.em.fork().transactional((tx) => tx.execute('select id from account where id = ? for update nowait', [refused]));
});

test('the run, several accounts per statement, with one account failing in PostgreSQL: the others of its statement billed, it billed by the next run, nothing twice', async () => {
  const { serviceId, accountIds } = await fixture('failing', 6, 2);
  const failing = accountIds[1]!;
  const em = db.orm.em.fork();
  // A real failure of the database for one account's lines (a trigger standing for, e.g., a constraint it breaks).
  await em.execute(`create function refuse_failing_line() returns trigger language plpgsql as $$ begin raise exception 'line refused'; end $$`);
  await em.execute(`create trigger refuse_failing_line before insert on bill_line for each row when (new.account_id = ${Number(failing)}) execute function refuse_failing_line()`);
  try {
    await expect(invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, (work) => work(db.orm.em.fork()), false, 1, 3)).rejects.toThrow(
      new RegExp(`account ${failing}: line refused`),
    );
  } finally {
    await em.execute('drop trigger refuse_failing_line on bill_line');
    await em.execute('drop function refuse_failing_line()');
  }
  // The first statement's other two accounts are billed; the failing one untouched; the run stopped after it.
  const after = await Promise.all(accountIds.map((a) => written(a)));
  expect(after.map((w) => w.lines)).toEqual([2, 0, 2, 0, 0, 0]);
  for (const w of after) expect(w.moved).toBe(w.lines);
  const rerun = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, (work) => work(db.orm.em.fork()), false, 1, 3);
  expect({ accounts: rerun.accounts, lines: rerun.lines }).toEqual({ accounts: 6, lines: 8 });
  for (const account of accountIds) expect(await written(account)).toEqual({ bills: 1, lines: 2, sublines: 0, moved: 2 });
});
