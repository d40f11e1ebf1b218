// orders.update over 100,000 billed objects against a bulk SQL floor, measured in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/orders-update.ts [--objects=100000] [--rounds=3]
// Rows (each round changes every object's metric first, so every order's metric really changes):
//   floor              ONE set-based UPDATE of the same metrics: billing_order.metric from the objects' column
//   orders.update      the schedule's work (updateServiceOrders, one transaction per page of 1,000): objects read
//                      as plain rows, match and metric evaluated per object, orders and metric history written in
//                      one statement per page
//   orders.update (2nd) the same run again with nothing changed (the idempotent daily case)
// Needs only an embedded PostgreSQL (no Temporal: the activity's function is called directly).
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createOrm } from '../src/db/orm.js';
import { Account } from '../src/entities/accounts/account.js';
import { MiscellaneousKind } from '../src/entities/billing/miscellaneous-kind.js';
import { Service } from '../src/entities/billing/service.js';
import { updateServiceOrders } from '../src/billing/orders/update-service-orders.js';
import { flag, machineLoad, ratio, startBenchPostgres, table } from './orchestration-common.js';

const OBJECTS = Number(flag('objects') ?? 100_000);
const ROUNDS = Number(flag('rounds') ?? 3);
const log = (message: string) => console.error(`[bench] ${message}`);

const pg = await startBenchPostgres('orders_bench');
let statements = 0;
const orm = await createOrm(pg.url, { debug: ['query'], logger: () => statements++ });
try {
  const em = orm.em.fork();
  const kind = em.create(MiscellaneousKind, { name: 'traffic', hasAmount: true });
  const service = em.create(Service, {
    description: 'traffic', model: 'Miscellaneous', nominalPrice: '0.01', match: 'miscellaneous.isActive', metric: 'miscellaneous.amount', periodicUpdate: true,
  });
  await em.flush();
  // Set-up rows by plain SQL: 1,000 accounts, OBJECTS items spread over them (not changes: no collector involved).
  await em.execute(`insert into account (created_at, updated_at, username, type, language, is_active, short_name, full_name, comments)
    select now(), now(), 'bench' || g, 'COMPANY', 'en', true, '', '', '' from generate_series(1, 1000) g`);
  await em.execute(
    `insert into miscellaneous (created_at, updated_at, account_id, kind_id, identifier, description, amount, is_active)
     select now(), now(), (select min(id) from account) + (g % 1000), ?, null, '', g % 5000, true from generate_series(1, ?) g`,
    [kind.id, OBJECTS],
  );
  log(`${OBJECTS} objects over ${await em.count(Account)} accounts`);
  const page = (pageEm: EntityManager) => (work: (tx: EntityManager) => Promise<void>) => pageEm.fork().transactional((tx) => work(tx as EntityManager));

  const measure = async <T>(work: () => Promise<T>) => {
    const s0 = statements;
    const t0 = performance.now();
    const result = await work();
    return { ms: performance.now() - t0, statements: statements - s0, result };
  };
  const changeAll = () => orm.em.fork().execute('update miscellaneous set amount = amount + 1');
  const ordersUpdate = () => measure(() => updateServiceOrders(orm.em.fork(), [service], { runPage: (work) => page(orm.em)(work) }));

  const first = await ordersUpdate();
  log(`first run (creates every order): ${(first.ms / 1000).toFixed(1)} s, ${first.statements} statements, ${JSON.stringify(first.result)}`);

  const rows: { floor: number; floorSql: number; update: number; updateSql: number; again: number; againSql: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await changeAll();
    const floor = await measure(() =>
      orm.em.fork().execute(
        `update billing_order o set metric = m.amount, updated_at = now() from miscellaneous m
          where o.model = 'Miscellaneous' and o.object_id = m.id and o.cancelled_on is null and o.service_id = ?`,
        [service.id],
        'run',
      ),
    );
    await changeAll();
    const update = await ordersUpdate();
    if (update.result.updated !== OBJECTS) throw new Error(`expected ${OBJECTS} updated orders, got ${JSON.stringify(update.result)}`);
    const again = await ordersUpdate();
    if (again.result.updated !== 0 || again.result.unchanged !== OBJECTS) throw new Error(`a second run changed something: ${JSON.stringify(again.result)}`);
    rows.push({ floor: floor.ms, floorSql: floor.statements, update: update.ms, updateSql: update.statements, again: again.ms, againSql: again.statements });
    log(`round ${round}: floor ${floor.ms.toFixed(0)} ms, orders.update ${update.ms.toFixed(0)} ms, unchanged ${again.ms.toFixed(0)} ms (${machineLoad()})`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = median(rows.map((r) => r.floor));
  console.log(`\norders.update over ${OBJECTS.toLocaleString('en')} objects, median of ${ROUNDS} rounds (${machineLoad()})\n`);
  console.log(
    table(
      ['', 'wall (s)', 'vs floor', 'SQL statements'],
      [
        ['floor: one set-based UPDATE', (floor / 1000).toFixed(2), '1.00×', median(rows.map((r) => r.floorSql))],
        ['orders.update, every metric changed', (median(rows.map((r) => r.update)) / 1000).toFixed(2), ratio(median(rows.map((r) => r.update)), floor), median(rows.map((r) => r.updateSql))],
        ['orders.update, nothing changed', (median(rows.map((r) => r.again)) / 1000).toFixed(2), ratio(median(rows.map((r) => r.again)), floor), median(rows.map((r) => r.againSql))],
        ['first run: every order created', (first.ms / 1000).toFixed(2), ratio(first.ms, floor), first.statements],
      ],
    ),
  );
} finally {
  await orm.close(true);
  await pg.stop();
}
