// The invoicing run over 10,000 accounts with 100,000 pending orders against a bulk SQL floor, measured in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/invoicing.ts [--accounts=10000] [--orders=100000] [--rounds=3]
// Rows (the bills, lines and the orders' billing state are reset by two statements before each contender):
//   floor       the same rows in and out, set-based: ONE statement reads the pending orders, ONE inserts an open
//               invoice per account, ONE inserts a line per order (price × size computed in SQL), ONE moves the orders
//   invoicing   the schedule's activity (invoiceRun, each account in a transaction of its own), for the billing date
// Needs only an embedded PostgreSQL (no Temporal: the activity's function is called directly).
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createOrm } from '../src/db/orm.js';
import { BillingPeriod, BillingPoint, PaymentStyle } from '../src/entities/billing/billing-enums.js';
import { Service } from '../src/entities/billing/service.js';
import { invoiceRun } from '../src/invoicing/run/invoice-run.js';
import { flag, machineLoad, ratio, startBenchPostgres, table } from './orchestration-common.js';

const ACCOUNTS = Number(flag('accounts') ?? 10_000);
const ORDERS = Number(flag('orders') ?? 100_000);
const ROUNDS = Number(flag('rounds') ?? 3);
// Orders registered on the first of the month before, billed monthly on a fixed date, prepaid: one line per order.
const REGISTERED_ON = '2026-10-01';
const BILLING_DATE = '2026-11-01';
const log = (message: string) => console.error(`[bench] ${message}`);

const pg = await startBenchPostgres('invoicing_bench');
let statements = 0;
const orm = await createOrm(pg.url, { debug: ['query'], logger: () => statements++ });
try {
  const em = orm.em.fork();
  const services = [1, 2].map((n) =>
    em.create(Service, {
      description: `hosting ${n}`, model: 'Miscellaneous', nominalPrice: `${5 * n}.0000`, taxRate: '21.00',
      billingPeriod: BillingPeriod.MONTHLY, billingPoint: BillingPoint.ON_FIXED_DATE, paymentStyle: PaymentStyle.PREPAY,
    }),
  );
  await em.flush();
  // Set-up rows by plain SQL: ACCOUNTS accounts, ORDERS orders spread evenly over them and the two services.
  await em.execute(`insert into account (created_at, updated_at, username, type, language, is_active, short_name, full_name, comments)
    select now(), now(), 'bench' || g, 'COMPANY', 'en', true, '', '', '' from generate_series(1, ?) g`, [ACCOUNTS]);
  await em.execute(
    `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, ignore, description)
     select now(), now(), (select min(id) from account) + (g % ?), case when g % 2 = 0 then ?::bigint else ?::bigint end, 'Miscellaneous', g,
            'item ' || g, ?::date, false, 'item ' || g from generate_series(1, ?) g`,
    [ACCOUNTS, services[0]!.id, services[1]!.id, REGISTERED_ON, ORDERS],
  );
  await em.execute('analyze');
  log(`${ORDERS} orders over ${ACCOUNTS} accounts`);

  const measure = async <T>(work: () => Promise<T>) => {
    const s0 = statements;
    const t0 = performance.now();
    const result = await work();
    return { ms: performance.now() - t0, statements: statements - s0, result };
  };
  const reset = async () => {
    const tx = orm.em.fork();
    // Truncate, not delete: bill_line.amended_line_id has no index, so deleting 100,000 lines scans the table per line.
    await tx.execute('truncate bill_subline, bill_line, bill cascade');
    await tx.execute('update billing_order set billed_on = null, billed_until = null, billed_metric = null');
    await tx.execute('vacuum analyze bill, bill_line, bill_subline, billing_order');
  };
  const counts = async () => {
    const [row] = await orm.em.fork().execute<{ bills: string; lines: string; billed: string }[]>(
      `select (select count(*) from bill) as bills, (select count(*) from bill_line) as lines,
              (select count(*) from billing_order where billed_until = ?::date + interval '1 month') as billed`,
      [BILLING_DATE],
    );
    return { bills: Number(row!.bills), lines: Number(row!.lines), billed: Number(row!.billed) };
  };

  const floor = () =>
    measure(async () => {
      const tx = orm.em.fork();
      // What any invoicing must read: the pending orders with their service's price (one round trip, every row).
      const pending = await tx.execute<{ id: string }[]>(
        `select o.id, o.account_id, o.registered_on, o.billed_until, o.description, s.nominal_price, s.tax_rate
           from billing_order o join service s on s.id = o.service_id
          where not o.ignore and s.is_active and o.cancelled_on is null and (o.billed_until is null or o.billed_until <= ?::date)`,
        [BILLING_DATE],
      );
      await tx.transactional(async (t) => {
        await t.execute(
          `insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language)
           select now(), now(), a.id, 'INVOICE', true, false, '', a.language from account a
            where exists (select 1 from billing_order o where o.account_id = a.id and o.billed_until is null)`,
          [],
          'run',
        );
        await t.execute(
          `insert into bill_line (created_at, updated_at, bill_id, account_id, order_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate,
                                  start_on, end_on, order_billed_on, order_billed_until, order_billed_metric, givers)
           select now(), now(), b.id, o.account_id, o.id, o.description, s.nominal_price, 2, '2', s.nominal_price * 2, s.tax_rate,
                  o.registered_on, ?::date + interval '1 month', o.billed_on, o.billed_until, o.billed_metric, '[]'::jsonb
             from billing_order o join service s on s.id = o.service_id join bill b on b.account_id = o.account_id
            where not o.ignore and o.billed_until is null`,
          [BILLING_DATE],
          'run',
        );
        await t.execute(`update billing_order set billed_on = ?::date, billed_until = ?::date + interval '1 month', updated_at = now() where not ignore and billed_until is null`, [BILLING_DATE, BILLING_DATE], 'run');
      });
      return pending.length;
    });
  const options = { billingPoint: BILLING_DATE, fixedPoint: false, proforma: false, newOpen: false, preview: false, today: BILLING_DATE };
  const invoicing = () =>
    measure(async () => {
      const { billings: _, ...result } = await invoiceRun(orm.em.fork(), {}, options, (work) => orm.em.fork().transactional((tx) => work(tx as EntityManager)));
      return result;
    });

  const rows: { floor: number; floorSql: number; run: number; runSql: number }[] = [];
  let floorCounts: Awaited<ReturnType<typeof counts>> | undefined;
  let runCounts: Awaited<ReturnType<typeof counts>> | undefined;
  let runResult: Awaited<ReturnType<typeof invoicing>>['result'] | undefined;
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so neither always meets a freshly vacuumed table or a warmer cache.
    const order = round % 2 === 1 ? ['floor', 'run'] : ['run', 'floor'];
    let f: Awaited<ReturnType<typeof floor>> | undefined;
    let r: Awaited<ReturnType<typeof invoicing>> | undefined;
    for (const which of order) {
      await reset();
      if (which === 'floor') {
        f = await floor();
        floorCounts = await counts();
      } else {
        r = await invoicing();
        runCounts = await counts();
        runResult = r.result;
      }
    }
    if (floorCounts!.lines !== ORDERS || runCounts!.lines !== ORDERS || floorCounts!.bills !== runCounts!.bills || runCounts!.billed !== ORDERS) {
      throw new Error(`not the same rows out: floor ${JSON.stringify(floorCounts)}, run ${JSON.stringify(runCounts)} ${JSON.stringify(runResult)}`);
    }
    rows.push({ floor: f!.ms, floorSql: f!.statements, run: r!.ms, runSql: r!.statements });
    log(`round ${round}: floor ${f!.ms.toFixed(0)} ms (${f!.result} orders read), invoicing ${r!.ms.toFixed(0)} ms ${JSON.stringify(r!.result)} (${machineLoad()})`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floorMs = median(rows.map((r) => r.floor));
  const runMs = median(rows.map((r) => r.run));
  console.log(`\ninvoicing ${ORDERS.toLocaleString('en')} orders of ${ACCOUNTS.toLocaleString('en')} accounts, median of ${ROUNDS} rounds (${machineLoad()})\n`);
  console.log(
    table(
      ['', 'wall (s)', 'vs floor', 'SQL statements', 'bills', 'lines'],
      [
        ['floor: read orders, insert bills, lines, move orders (4 statements)', (floorMs / 1000).toFixed(2), '1.00×', median(rows.map((r) => r.floorSql)), floorCounts!.bills, floorCounts!.lines],
        ['invoicing run (the schedule activity)', (runMs / 1000).toFixed(2), ratio(runMs, floorMs), median(rows.map((r) => r.runSql)), runCounts!.bills, runCounts!.lines],
      ],
    ),
  );
} finally {
  await orm.close(true);
  await pg.stop();
}
