/**
 * The invoicing run reads a page's inputs before the accounts' transactions (src/invoicing/run/invoice-run.ts) and,
 * under each account's lock, checks that nothing it read has changed (src/invoicing/run/inputs-fingerprint.ts). Here
 * the changes land exactly between the page's read and the account's transaction (the runner makes them, committed, on
 * other connections, before running the account): another run billing the account, orders added, renamed, ignored.
 * Also the schedule's asynchronous commits: on for the run's own transactions only, and a run interrupted mid-account
 * then run again bills each order once. Against a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Service } from '../src/entities/billing/service.js';
import { BillingPeriod, BillingPoint, PaymentStyle } from '../src/entities/billing/billing-enums.js';
import { invoiceRun, type AccountRunner } from '../src/invoicing/run/invoice-run.js';
import type { InvoiceOptions } from '../src/invoicing/run/bill-account.js';
import { createTestDatabase } from './support/database.js';
import { pollUntil } from './support/resilience.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const OPTIONS: InvoiceOptions = { billingPoint: '2026-11-01', fixedPoint: false, proforma: false, newOpen: false, preview: false, today: '2026-11-01' };

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** A service of its own (a test's selection) and `accounts` accounts with `orders` monthly prepaid orders each. */
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
  for (const accountId of accountIds) await addOrders(accountId, service.id, orders, `${name} ${accountId}`);
  return { serviceId: service.id, accountIds };
}

// Orders' objects are unique per service: each order gets an object id of its own.
let objects = 0;

async function addOrders(accountId: string, serviceId: string, count: number, label: string): Promise<void> {
  await db.orm.em.fork().execute(
    `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
     select now(), now(), ?, ?, 'Miscellaneous', ? + g, ? || ' #' || g, '2026-10-01', false, ? || ' #' || g from generate_series(1, ?) g`,
    [accountId, serviceId, objects, label, label, count],
  );
  objects += count;
}

type Runner = (before: (accountId: string) => Promise<void>) => AccountRunner;

/** Each account in an explicit transaction of its own; `before(accountId)` runs first, on its own. */
const ownTransactions: Runner = (before) => async (work, accountIds) => {
  for (const accountId of accountIds) await before(accountId);
  return db.orm.em.fork().transactional((tx) => work(tx as EntityManager));
};

/** As the schedule runs it: outside any transaction, each account's one statement its own transaction. */
const ownStatements: Runner = (before) => async (work, accountIds) => {
  for (const accountId of accountIds) await before(accountId);
  return work(db.orm.em.fork());
};

/** Sessions of this database waiting for a lock. */
async function lockWaiters(): Promise<number> {
  const [row] = await db.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
  return row!.n;
}

async function linesOf(serviceId: string): Promise<{ account: string; order: string; description: string; lines: number }[]> {
  return db.orm.em.fork().execute(
    `select o.account_id::text as account, o.id::text as order, o.description, count(l.id)::int as lines
       from billing_order o left join bill_line l on l.order_id = o.id
      where o.service_id = ? group by o.id order by o.id`,
    [serviceId],
  );
}

describe.each([
  ['each account in a transaction of its own', 'tx', ownTransactions, 1],
  ['each account one statement, its own transaction', 'stmt', ownStatements, 1],
  ['three accounts per statement, its own transaction, each account a subtransaction (the schedule)', 'batch', ownStatements, 3],
] as const)('%s', (_, tag, runAs, perStatement) => {
  test('another run billing an account between the page\'s read and its transaction: its orders are billed once', async () => {
    const { serviceId, accountIds } = await fixture(`rival-${tag}`, 3, 2);
    const rival = accountIds[1]!;
    const runner = runAs(async (accountId) => {
      if (accountId !== rival) return;
      // The page (with this account's orders, unbilled) is already read: another run bills the account now, committed.
      const other = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId], accountIds: [rival] }, OPTIONS, (work) => db.orm.em.fork().transactional((tx) => work(tx as EntityManager)));
      expect(other.lines).toBe(2);
    });
    const run = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, runner, false, 1, perStatement);
    expect({ accounts: run.accounts, lines: run.lines }).toEqual({ accounts: 3, lines: 4 });
    const lines = await linesOf(serviceId);
    expect(lines).toHaveLength(6);
    for (const row of lines) expect({ order: row.order, lines: row.lines }).toEqual({ order: row.order, lines: 1 });
    const [moved] = await db.orm.em.fork().execute<{ n: string }[]>(`select count(*)::text as n from billing_order where service_id = ? and billed_until = '2026-12-01'`, [serviceId]);
    expect(moved!.n).toBe('6');
  });

  test('an account another transaction holds locked while it bills it: the run waits, sees that commit, and bills nothing twice', async () => {
    const { serviceId } = await fixture(`locked-${tag}`, 1, 2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let rival: Promise<unknown> | undefined;
    const runner = runAs(async () => {
      // The page is read; a mutation bills the account in its transaction and holds it (and the account's lock) open.
      let billed!: () => void;
      const hasBilled = new Promise<void>((resolve) => (billed = resolve));
      rival = db.orm.em.fork().transactional(async (tx) => {
        const other = await invoiceRun(tx as EntityManager, { serviceIds: [serviceId] }, OPTIONS, (work) => work(tx as EntityManager));
        expect(other.lines).toBe(2);
        billed();
        await released;
      });
      await hasBilled;
    });
    const run = invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, runner, false, 1, perStatement);
    // The run's write waits for the account's lock; then the mutation commits.
    await pollUntil('the run waiting for the account\'s lock', () => lockWaiters(), (n) => n > 0);
    release();
    await rival;
    expect((await run).lines).toBe(0);
    const lines = await linesOf(serviceId);
    expect(lines.map((r) => r.lines)).toEqual([1, 1]);
  });

  test('orders added, renamed and ignored between the page\'s read and the transaction are billed as they are then', async () => {
    const { serviceId, accountIds } = await fixture(`changed-${tag}`, 2, 3);
    const changed = accountIds[0]!;
    const [first, second] = (await linesOf(serviceId)).filter((r) => r.account === changed);
    const runner = runAs(async (accountId) => {
      if (accountId !== changed) return;
      const em = db.orm.em.fork();
      await em.execute(`update billing_order set description = 'renamed after the read' where id = ?`, [first!.order]);
      await em.execute(`update billing_order set ignore = true where id = ?`, [second!.order]);
      await addOrders(changed, serviceId, 1, 'added after the read');
    });
    const run = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, runner, false, 1, perStatement);
    expect({ accounts: run.accounts, lines: run.lines }).toEqual({ accounts: 2, lines: 6 });
    const billed = await db.orm.em.fork().execute<{ order: string; description: string }[]>(
      `select l.order_id::text as order, l.description from bill_line l join billing_order o on o.id = l.order_id
        where o.service_id = ? and o.account_id = ? order by l.order_id`,
      [serviceId, changed],
    );
    expect(billed.map((b) => b.order)).not.toContain(second!.order);
    expect(billed).toHaveLength(3);
    expect(billed.find((b) => b.order === first!.order)?.description).toContain('renamed after the read');
    expect(billed.some((b) => b.description.includes('added after the read'))).toBe(true);
  });

  test('an order added between the page\'s read and the transaction of an account that had nothing to bill is billed by that run', async () => {
    const { serviceId, accountIds } = await fixture(`quiet-${tag}`, 2, 1);
    const own = (before: (accountId: string) => Promise<void>) => invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, OPTIONS, runAs(before), false, 1, perStatement);
    expect((await own(async () => {})).lines).toBe(2);
    const quiet = accountIds[1]!;
    // The page finds nothing to bill for the account; its new order commits before the account's transaction.
    const run = await own(async (accountId) => {
      if (accountId === quiet) await addOrders(quiet, serviceId, 1, 'added to a quiet account');
    });
    expect(run.lines).toBe(1);
    const lines = await linesOf(serviceId);
    expect(lines.map((r) => ({ account: r.account, lines: r.lines }))).toEqual([
      { account: accountIds[0], lines: 1 },
      { account: quiet, lines: 1 },
      { account: quiet, lines: 1 },
    ]);
  });
});

test('the schedule\'s run commits asynchronously in its own transactions only; interrupted mid-account and run again, it bills each order once', async () => {
  const { serviceId, accountIds } = await fixture('crash', 4, 2);
  const scheduled = { ...OPTIONS, asynchronousCommit: true };
  const settings: string[] = [];
  let calls = 0;
  const interrupted: AccountRunner = (work) =>
    db.orm.em.fork().transactional(async (tx) => {
      const billing = await work(tx as EntityManager);
      const [row] = await tx.execute<{ setting: string }[]>(`select current_setting('synchronous_commit') as setting`);
      settings.push(row!.setting);
      // The third account's bill and moves are written, then the worker dies before its commit.
      if (++calls === 3) throw new Error('worker lost');
      return billing;
    });
  await expect(invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, scheduled, interrupted)).rejects.toThrow('worker lost');
  expect(settings).toEqual(['off', 'off', 'off']);
  // Outside the run's transactions (the same pool's connections) commits wait for the WAL flush as configured.
  const [outside] = await db.orm.em.fork().execute<{ setting: string }[]>(`select current_setting('synchronous_commit') as setting`);
  expect(outside!.setting).toBe('on');
  const afterCrash = await linesOf(serviceId);
  expect(afterCrash.filter((r) => r.lines === 1).map((r) => r.account)).toEqual([accountIds[0], accountIds[0], accountIds[1], accountIds[1]]);

  const rerun = await invoiceRun(db.orm.em.fork(), { serviceIds: [serviceId] }, scheduled, (work) => db.orm.em.fork().transactional((tx) => work(tx as EntityManager)));
  expect({ accounts: rerun.accounts, lines: rerun.lines }).toEqual({ accounts: 4, lines: 4 });
  for (const row of await linesOf(serviceId)) expect({ order: row.order, lines: row.lines }).toEqual({ order: row.order, lines: 1 });

  // An admin's billing (the mutation's transaction, no asynchronous commit) keeps the configured setting.
  const mutation = await fixture('admin', 1, 1);
  await db.orm.em.fork().transactional(async (tx) => {
    await invoiceRun(tx as EntityManager, { serviceIds: [mutation.serviceId] }, OPTIONS, (work) => work(tx as EntityManager));
    const [row] = await tx.execute<{ setting: string }[]>(`select current_setting('synchronous_commit') as setting`);
    expect(row!.setting).toBe('on');
  });
});
