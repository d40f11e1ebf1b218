// The invoicing run over 10,000 accounts with 100,000 pending orders against a bulk SQL floor, measured in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/invoicing.ts [--accounts=10000] [--orders=100000] [--rounds=3] [--profile] [--synchronous-commit] [--at-once=4] [--per-statement=8]
// Each contender's CPU is reported per account: the bench's Node process (the run's TypeScript, the driver) and
// PostgreSQL (all its processes).
// --profile: after the rounds, the run's statements per kind (count, time): each statement is charged the wall time since
// the one before it completed (the run is sequential), so the TypeScript computing a bill is charged to its first write.
// Rows (the run's bills, lines and the orders' billing state are reset by two statements before each contender; the
// tables also hold an earlier month's closed invoices, of other accounts, with their statistics, as a database that has
// invoiced before does):
//   floor       the same rows in and out, set-based: ONE statement reads the pending orders, ONE inserts an open
//               invoice per account, ONE inserts a line per order (price × size computed in SQL), ONE moves the orders
//   invoicing   the schedule's activity (invoiceRun, K accounts per statement, its own transaction, committed
//               asynchronously as the activity does; --synchronous-commit: waiting for each commit's WAL flush;
//               STATEMENTS_AT_ONCE statements under way at once as the activity runs them, --at-once=N; ACCOUNTS_PER_STATEMENT accounts
//               per statement, --per-statement=K), for the billing date
// Needs only an embedded PostgreSQL (no Temporal: the activity's function is called directly).
import { performance } from 'node:perf_hooks';
import { createOrm } from '../src/db/orm.js';
import { BillingPeriod, BillingPoint, PaymentStyle } from '../src/entities/billing/billing-enums.js';
import { Service } from '../src/entities/billing/service.js';
import { ACCOUNTS_PER_STATEMENT, STATEMENTS_AT_ONCE, invoiceRun } from '../src/invoicing/run/invoice-run.js';
import { pageInputs } from '../src/invoicing/run/account-inputs.js';
import { computeBilling } from '../src/invoicing/run/bill-account.js';
import { inputsFingerprintSql } from '../src/invoicing/run/inputs-fingerprint.js';
import { cpuSnapshot, flag, machineLoad, ratio, startBenchPostgres, table } from './orchestration-common.js';

const ACCOUNTS = Number(flag('accounts') ?? 10_000);
const ORDERS = Number(flag('orders') ?? 100_000);
const ROUNDS = Number(flag('rounds') ?? 3);
const PROFILE = flag('profile') === true;
// Statements under way at once (the schedule's activity: STATEMENTS_AT_ONCE); --at-once=1: strictly one after the
// other; a list (--at-once=2,4) runs one invoicing contender per value in each round.
const AT_ONCE = String(flag('at-once') ?? STATEMENTS_AT_ONCE).split(',').map(Number);
// Accounts written per statement (the schedule's activity: ACCOUNTS_PER_STATEMENT); a list runs one contender per
// value and accounts-under-way value.
const PER_STATEMENT = String(flag('per-statement') ?? ACCOUNTS_PER_STATEMENT).split(',').map(Number);
// Orders registered on the first of the month before, billed monthly on a fixed date, prepaid: one line per order.
const REGISTERED_ON = '2026-10-01';
const BILLING_DATE = '2026-11-01';
const log = (message: string) => console.error(`[bench] ${message}`);

const pg = await startBenchPostgres('invoicing_bench');
let statements = 0;
let profiling = false;
let lastQueryAt = 0;
const profile = new Map<string, { count: number; ms: number }>();
const orm = await createOrm(pg.url, {
  debug: ['query'],
  logger: (message) => {
    statements++;
    if (!profiling) return;
    const now = performance.now();
    const kind = statementKind(message);
    const entry = profile.get(kind) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += now - lastQueryAt;
    profile.set(kind, entry);
    lastQueryAt = now;
  },
});
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
  // An earlier month's bills, as a database that has invoiced before holds: ACCOUNTS closed invoices with ORDERS lines
  // in all, of as many former accounts (accounts of their own, so neither contender's statements meet them). Without
  // them each reset left the bills' tables empty and analyzed as empty, and a plan cached while they were nearly empty
  // (the check of each new line's bill, a foreign key) scanned every bill until autovacuum's next pass re-analyzed the
  // table: up to a minute into the run, at full size (bench/README.md, "Session 8").
  await em.execute(`insert into account (created_at, updated_at, username, type, language, is_active, short_name, full_name, comments)
    select now(), now(), 'former' || g, 'COMPANY', 'en', false, '', '', '' from generate_series(1, ?) g`, [ACCOUNTS]);
  await em.execute(`insert into bill (created_at, updated_at, account_id, type, number, closed_on, is_open, is_sent, comments, language)
    select now(), now(), a.id, 'INVOICE', 'F' || a.id, '2026-10-01', false, true, '', 'en' from account a where a.username like 'former%'`);
  await em.execute(
    `insert into bill_line (created_at, updated_at, bill_id, account_id, order_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate,
                            start_on, end_on, givers)
     select now(), now(), b.id, b.account_id, null, 'item ' || g, 5, 1, '1', 5, 21, '2026-09-01', '2026-10-01', '[]'::jsonb
       from bill b cross join generate_series(1, ?) g where not b.is_open`,
    [Math.round(ORDERS / ACCOUNTS)],
  );
  await em.execute('analyze');
  log(`${ORDERS} orders over ${ACCOUNTS} accounts; an earlier month's ${ACCOUNTS} closed invoices of as many former accounts`);

  // CPU seconds of the bench's process (Node: the run's TypeScript, the driver) and of PostgreSQL (every backend).
  const cpu = () => {
    const snapshot = cpuSnapshot();
    return { node: snapshot.get('bench process (API + worker + clients)') ?? 0, postgres: snapshot.get('postgres') ?? 0 };
  };
  const measure = async <T>(work: () => Promise<T>) => {
    const s0 = statements;
    const c0 = cpu();
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    const c1 = cpu();
    return { ms, statements: statements - s0, nodeCpuMs: 1000 * (c1.node - c0.node), postgresCpuMs: 1000 * (c1.postgres - c0.postgres), result };
  };
  const reset = async () => {
    const tx = orm.em.fork();
    // The open bills are the run's (the earlier month's are closed); their lines and sublines go with them (cascade).
    await tx.execute('delete from bill where is_open');
    await tx.execute('update billing_order set billed_on = null, billed_until = null, billed_metric = null');
    await tx.execute('vacuum analyze bill, bill_line, bill_subline, billing_order');
  };
  const counts = async () => {
    const [row] = await orm.em.fork().execute<{ bills: string; lines: string; billed: string }[]>(
      `select (select count(*) from bill where is_open) as bills, (select count(*) from bill_line l join bill b on b.id = l.bill_id where b.is_open) as lines,
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
  // As the schedule's activity runs it (src/activities/invoicing/index.ts), asynchronous commits included.
  const options = { billingPoint: BILLING_DATE, fixedPoint: false, proforma: false, newOpen: false, preview: false, today: BILLING_DATE, asynchronousCommit: !flag('synchronous-commit') };
  const invoicing = (atOnce: number, perStatement: number) =>
    measure(async () => {
      const { billings: _, ...result } = await invoiceRun(orm.em.fork(), {}, options, (work) => work(orm.em.fork()), false, atOnce, perStatement);
      return result;
    });
  // One invoicing contender per setting (statements under way × accounts per statement), all in every round.
  const contenders = AT_ONCE.flatMap((atOnce) =>
    PER_STATEMENT.map((perStatement) => ({ name: `invoicing run, ${atOnce} at once × ${perStatement} per statement`, run: () => invoicing(atOnce, perStatement) })),
  );

  type Measured = Omit<Awaited<ReturnType<typeof floor>>, 'result'> & { result: unknown };
  const rows: { floor: Measured; runs: Measured[] }[] = [];
  let floorCounts: Awaited<ReturnType<typeof counts>> | undefined;
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so none always meets a freshly vacuumed table or a warmer cache.
    const order = ['floor', ...contenders.map((_, i) => i)];
    if (round % 2 === 0) order.reverse();
    let f: Measured | undefined;
    const runs: Measured[] = [];
    for (const which of order) {
      await reset();
      if (which === 'floor') {
        f = await floor();
        floorCounts = await counts();
        continue;
      }
      const r = await contenders[which as number]!.run();
      const runCounts = await counts();
      if (floorCounts && (runCounts.lines !== ORDERS || floorCounts.bills !== runCounts.bills) || runCounts.billed !== ORDERS) {
        throw new Error(`not the same rows out: floor ${JSON.stringify(floorCounts)}, run ${JSON.stringify(runCounts)} ${JSON.stringify(r.result)}`);
      }
      runs[which as number] = r;
      log(`round ${round}: ${contenders[which as number]!.name} ${r.ms.toFixed(0)} ms ${JSON.stringify(r.result)} (${machineLoad()})`);
    }
    if (floorCounts!.lines !== ORDERS) throw new Error(`floor wrote ${JSON.stringify(floorCounts)}`);
    rows.push({ floor: f!, runs });
    log(`round ${round}: floor ${f!.ms.toFixed(0)} ms (${f!.result} orders read) (${machineLoad()})`);
  }
  if (PROFILE) {
    await reset();
    profile.clear();
    profiling = true;
    lastQueryAt = performance.now();
    await invoicing(AT_ONCE[0]!, PER_STATEMENT[0]!);
    profiling = false;
    const total = [...profile.values()].reduce((n, e) => n + e.ms, 0);
    const kinds = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms);
    console.log(`\nprofile of one invoicing run, ${ACCOUNTS.toLocaleString('en')} accounts (${machineLoad()})\n`);
    console.log(table(['statement', 'count', 'per account', 'ms', 'share'], kinds.map(([kind, e]) => [kind, e.count, (e.count / ACCOUNTS).toFixed(2), e.ms.toFixed(0), `${((100 * e.ms) / total).toFixed(1)} %`])));
    await breakdown();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const perAccount = (ms: number) => (ms / ACCOUNTS).toFixed(2);
  const line = (name: string, of: (row: (typeof rows)[number]) => Measured, floorMs: number) => {
    const ms = median(rows.map((r) => of(r).ms));
    return [
      name, (ms / 1000).toFixed(2), ratio(ms, floorMs), median(rows.map((r) => of(r).statements)), perAccount(ms),
      perAccount(median(rows.map((r) => of(r).nodeCpuMs))), perAccount(median(rows.map((r) => of(r).postgresCpuMs))),
    ];
  };
  console.log(`\nper round (wall s; CPU ms per account Node / PostgreSQL)\n`);
  console.log(
    table(
      ['round', 'floor', ...contenders.map((c) => c.name)],
      rows.map((r, i) => [i + 1, ...[r.floor, ...r.runs].map((m) => `${(m.ms / 1000).toFixed(2)} s (${ratio(m.ms, r.floor.ms)}; ${perAccount(m.nodeCpuMs)} / ${perAccount(m.postgresCpuMs)})`)]),
    ),
  );
  const floorMs = median(rows.map((r) => r.floor.ms));
  console.log(`\ninvoicing ${ORDERS.toLocaleString('en')} orders of ${ACCOUNTS.toLocaleString('en')} accounts, median of ${ROUNDS} rounds (${machineLoad()})\n`);
  console.log(
    table(
      ['', 'wall (s)', 'vs floor', 'SQL statements', 'wall ms per account', 'Node CPU ms per account', 'PostgreSQL CPU ms per account'],
      [
        line('floor: read orders, insert bills, lines, move orders (4 statements)', (r) => r.floor, floorMs),
        ...contenders.map((c, i) => line(c.name, (r) => r.runs[i]!, floorMs)),
      ],
    ),
  );
  console.log(`\nbills ${floorCounts!.bills}, lines ${floorCounts!.lines} (each contender checked to write the same)`);

  /**
   * An account's cost taken apart (--profile), each part timed alone over every account, sequentially as the run goes:
   * the TypeScript computing its lines, its digest in PostgreSQL, and bare round trips (a statement that does nothing,
   * alone and as BEGIN + statement + COMMIT).
   */
  async function breakdown() {
    await reset();
    const em = orm.em.fork();
    const ids = (await em.execute<{ id: string }[]>('select id::text from account order by id')).map((r) => r.id);
    const per = (ms: number) => (ms / ids.length).toFixed(3);
    const rows: [string, string, string][] = [];
    const time = async (what: string, work: () => Promise<unknown> | unknown) => {
      const t0 = performance.now();
      await work();
      const ms = performance.now() - t0;
      rows.push([what, ms.toFixed(0), per(ms)]);
    };
    const inputs = await pageInputs(em, ids, {});
    await time('compute lines and bills in TypeScript (computeBilling)', () => {
      for (const id of ids) computeBilling(inputs.get(id) ?? [], options);
    });
    await time('round trip: select 1', async () => {
      for (const _ of ids) await em.execute('select 1');
    });
    await time('round trips: begin; select 1; commit', async () => {
      for (const _ of ids) await orm.em.fork().transactional((tx) => tx.execute('select 1'));
    });
    await time('round trip with the digest: select <digest of the account>', async () => {
      for (const id of ids) await em.execute(`select ${inputsFingerprintSql('?::bigint')}`, [id]);
    });
    await time('digests of every account in one statement', () => em.execute(`select ${inputsFingerprintSql('a.id')} from account a`));
    console.log(`\nan account's cost taken apart, ${ids.length.toLocaleString('en')} accounts, each part alone (${machineLoad()})\n`);
    console.log(table(['part', 'ms', 'ms per account'], rows));
  }
} finally {
  await orm.close(true);
  await pg.stop();
}

/** A statement's kind for the profile: its verb and the first table it names (the bench's own statements by their text). */
function statementKind(message: string): string {
  const sql = message.replace(/\u001b\[[0-9;]*m/g, '').replace(/^\[query\]\s*/, '').replace(/\s+/g, ' ').trim().toLowerCase();
  const known: [RegExp, string][] = [
    [/^begin/, 'BEGIN'],
    [/^commit/, 'COMMIT'],
    [/^rollback/, 'ROLLBACK'],
    [/for update/, 'lock account (select … for update)'],
    [/^select invoice_account\(/, 'invoice_account: lock, digest check, bill, lines, sublines, order moves'],
    [/^select invoice_accounts\(/, 'invoice_accounts: each account locked, checked, written in a subtransaction'],
    [/^with ok as/, 'write: digest check, bill, lines, sublines, order moves'],
    [/^with reused as/, 'bill (reuse open or insert)'],
    [/^with v as materialized/, 'lines with sublines (insert)'],
    [/^update billing_order o set billed_on/, 'move orders (update)'],
    [/^select md5\(/, 'digest check (select)'],
    [/^select o\.account_id::text, (md5\(|invoicing_inputs_fingerprint)/, 'page of accounts with digests (select)'],
    [/^select distinct o\.account_id::text, s\.id::text/, 'page: services (select)'],
    [/^select o\.account_id::text, o\.id::text/, 'page: orders with metric history (select)'],
    [/^with page as/, 'page: rates (select)'],
    [/^with held as/, 'rates (select)'],
    [/^select o\.account_id::text from billing_order/, 'page of accounts (select)'],
    [/^select s\.id::text, s\.billing_period/, 'services (select)'],
    [/^select o\.id::text, o\.service_id::text/, 'orders with metric history (select)'],
  ];
  for (const [pattern, kind] of known) if (pattern.test(sql)) return kind;
  return sql.slice(0, 60);
}
