/**
 * The outbox locks per server, not per installation (src/orchestration/outbox/server-locks.ts): a transaction that
 * writes operations for server A holds only A's lock until it commits. A commit for server B does not wait for it; a
 * second commit for A does, takes its queue position after it, reads its snapshot after it (the whole crontab, with
 * the first change in it) and runs after it on the host. Transactions locking overlapping sets of servers, in
 * whatever order their plans list them, never deadlock. The first plan (read before the locks) is kept only when no
 * commit for its servers landed between its start and the locks.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry, AuditOutcome } from '../src/entities/audit/audit-entry.js';
import { Batch } from '../src/entities/orchestration/batch.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { SystemUser, SystemUserShell } from '../src/entities/services/system-user.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { updateCrontab } from '../src/services/crontabs/crontab.use-cases.js';
import type { Change } from '../src/orchestration/collector/change.js';
import { planGroups, type PlannedGroup } from '../src/orchestration/collector/plan.js';
import { planUnderServerLocks, takeReservedIds } from '../src/orchestration/outbox/server-locks.js';
import { routedServers } from '../src/orchestration/outbox/server-positions.js';
import { sourceReadsOf } from '../src/orchestration/collector/source-reads-of.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { CreateAccountDocument, CreateCrontabDocument, CreateRouteDocument, UpdateCrontabDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { assertSerialInIdOrder, dbId, expectedCrontab, hostCrontab, operationsOf, pollUntil, queueIdle } from './support/resilience.js';
import { systemUserFor } from './support/service-fixtures.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { reserveOutboxIds } from '../src/orchestration/outbox/outbox-rows.js';
import { createOrm } from '../src/db/orm.js';
import { TemporalBatchStarter } from '../src/orchestration/outbox/temporal-batch-starter.js';
import { createService } from '../src/billing/services/service.use-cases.js';
import { Order } from '../src/entities/billing/order.js';
import { Service } from '../src/entities/billing/service.js';

let h: OrchestraHarness;
let accountId: string;
beforeAll(async () => {
  h = await startOrchestraHarness(['lockhosta', 'lockhostb']);
  await h.startWorker();
  accountId = (await h.admin.data(CreateAccountDocument, { input: { username: 'lk', type: 'INDIVIDUAL' } })).createAccount.account!.id;
}, 120_000);
afterAll(() => h?.close());

/** Holds the commit of the transactions it is told about, after the outbox has been written (and its locks taken). */
class CommitGate implements EventSubscriber {
  private readonly held = new WeakSet<object>();
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  private onReached!: () => void;
  readonly reached = new Promise<void>((resolve) => (this.onReached = resolve));

  hold(em: EntityManager): void {
    this.held.add(em.getTransactionContext()!);
  }

  release(): void {
    this.open();
  }

  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    if (!args.transaction || !this.held.has(args.transaction)) return;
    this.onReached();
    await this.opened;
  }
}

async function routeTo(serverId: string, username: string): Promise<void> {
  for (const [backend, match] of [['system-users', `systemuser.username == "${username}"`], ['crontabs', `crontab.systemUsername == "${username}"`]]) {
    const route = await h.admin.data(CreateRouteDocument, { input: { backend, serverId, match } });
    if (route.createRoute.userErrors.length) throw new Error(JSON.stringify(route.createRoute.userErrors));
  }
}

/** lkb's user on lockhostb (its global id), as the first test leaves them, or made now (a server has one route per backend). */
async function lkbUser(): Promise<string> {
  if (!h.serverIds.lockhostb) {
    await h.addServer('lockhostb', []);
    await routeTo(h.serverIds.lockhostb, 'lkb');
  }
  const existing = await h.orm.em.fork().findOne(SystemUser, { username: 'lkb' }, { filters: false });
  return existing ? toGlobalId('SystemUser', existing.id) : (await systemUserFor(h.admin, accountId, 'lkb')).id;
}

async function crontabLine(systemUserId: string, command: string): Promise<string> {
  const result = await h.admin.data(CreateCrontabDocument, { input: { systemUserId, minute: '*/5', command } });
  if (result.createCrontab.userErrors.length) throw new Error(JSON.stringify(result.createCrontab.userErrors));
  return result.createCrontab.crontab!.id;
}

/** Transactions of this test's database waiting for an advisory lock (the outbox's are the only ones here). */
async function waitingForAdvisoryLocks(): Promise<number> {
  const rows = await h.orm.em
    .fork()
    .getConnection()
    .execute<{ n: string }[]>(
      "select count(*) as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())",
    );
  return Number(rows[0].n);
}

test('a transaction holding server A open does not hold up a commit for server B; a second commit for A waits for it and runs after it on the host', async () => {
  await h.addServer('lockhosta', []);
  await h.addServer('lockhostb', []);
  await routeTo(h.serverIds.lockhosta, 'lka');
  await routeTo(h.serverIds.lockhostb, 'lkb');
  const userA = (await systemUserFor(h.admin, accountId, 'lka')).id;
  const userB = (await systemUserFor(h.admin, accountId, 'lkb')).id;
  const [a1, a2, b1] = [await crontabLine(userA, 'echo a1-start'), await crontabLine(userA, 'echo a2-start'), await crontabLine(userB, 'echo b1-start')];
  await h.settle({}, 5, 120_000);
  const before = (await operationsOf(h, {})).at(-1)!.id;

  const gate = new CommitGate();
  h.orm.em.getEventManager().registerSubscriber(gate);
  let firstCommitted = false;
  const first = runUseCase(h.orm.em.fork(), systemActor('test'), 'updateCrontab', async (uc) => {
    gate.hold(uc.em);
    return updateCrontab(uc, { id: a1, command: 'echo a1-first' });
  }).then((outcome) => {
    firstCommitted = true;
    return outcome;
  });
  let second: Promise<unknown> = Promise.resolve();
  try {
    await gate.reached; // the first transaction has written its outbox under A's lock and is not committed

    let bCommitted = false;
    const forB = h.admin.data(UpdateCrontabDocument, { input: { id: b1, command: 'echo b1-changed' } }).then((r) => {
      bCommitted = true;
      return r;
    });
    await pollUntil('the commit for server B while the transaction for A is open', async () => bCommitted, (done) => done);
    expect((await forB).updateCrontab.userErrors).toEqual([]);
    expect(firstCommitted).toBe(false);

    let secondCommitted = false;
    second = h.admin.data(UpdateCrontabDocument, { input: { id: a2, command: 'echo a2-second' } }).then((r) => {
      secondCommitted = true;
      return r;
    });
    await pollUntil('the second commit for A waiting for A’s lock', waitingForAdvisoryLocks, (n) => n >= 1);
    expect(secondCommitted).toBe(false);
  } finally {
    gate.release();
  }
  expect((await first).userErrors).toEqual([]);
  await second;

  const ops = await h.settle({ id: { $gt: before } }, 3, 120_000);
  expect(ops.map((o) => [o.objectLabel, o.state]).sort()).toEqual([
    ['lka: echo a1-first', RunState.SUCCESS],
    ['lka: echo a2-second', RunState.SUCCESS],
    ['lkb: echo b1-changed', RunState.SUCCESS],
  ]);
  // The second run for A got its queue position after the first, though it committed while the first was open.
  const [firstRun, secondRun] = ops.filter((o) => o.server.id === dbId('Server', h.serverIds.lockhosta)).map((o) => BigInt(o.run.id));
  expect(firstRun < secondRun).toBe(true);
  await assertSerialInIdOrder(h, dbId('Server', h.serverIds.lockhosta));
  // Its snapshot (the whole crontab) was read after the first committed: the host has both changes.
  const onHost = await hostCrontab(h.hosts.lockhosta, 'lka');
  expect(onHost).toContain('echo a1-first');
  expect(onHost).toContain('echo a2-second');
  expect(onHost).toEqual(await expectedCrontab(h, 'lka'));
  expect(await hostCrontab(h.hosts.lockhostb, 'lkb')).toEqual(await expectedCrontab(h, 'lkb'));
}, 300_000);

test('transactions touching servers {1,2}, {2,3} and {2,1} (listed in the opposite order by their plans) run concurrently many times without a deadlock', async () => {
  // Server rows only, their host keys never trusted: their queues hold their scripts, nothing runs.
  const em = h.orm.em.fork();
  const servers = ['lock1', 'lock2', 'lock3'].map((name, i) => em.create(Server, { name, address: `192.0.2.${21 + i}` }));
  await em.flush();
  const names = ['lkp', 'lkq', 'lkr'];
  for (const [i, username] of names.entries()) {
    em.create(Route, { backend: 'system-users', server: servers[i], match: `systemuser.username == "${username}"` });
    em.create(Route, { backend: 'crontabs', server: servers[i], match: `crontab.systemUsername == "${username}"` });
  }
  await em.flush();
  const lines: Record<string, string[]> = {};
  for (const username of names) {
    const userId = (await systemUserFor(h.admin, accountId, username)).id;
    lines[username] = [await crontabLine(userId, `echo ${username}-0`), await crontabLine(userId, `echo ${username}-1`)].map((id) => dbId('Crontab', id));
  }
  const before = (await h.orm.em.fork().find(ScriptRun, {}, { orderBy: { id: 'desc' }, limit: 1 }))[0].id;

  // A system user's save runs before a crontab's on any server (backend order), so a plan lists the servers of a
  // transaction changing p's user and q's crontab as (1, 2), and one changing q's user and p's crontab as (2, 1).
  const change = (round: number, user: string, crontabOf: string, line: number) =>
    h.orm.em.fork().transactional(async (tx) => {
      const systemUser = await tx.findOneOrFail(SystemUser, { username: user }, { filters: false });
      systemUser.shell = round % 2 ? SystemUserShell.RSSH : SystemUserShell.BASH;
      const crontab = await tx.findOneOrFail(Crontab, { id: lines[crontabOf][line] }, { filters: false });
      crontab.command = `echo ${crontabOf}-${line}-round-${round}`;
    });
  const rounds = 25;
  for (let round = 1; round <= rounds; round++) {
    const outcomes = await Promise.allSettled([change(round, 'lkp', 'lkq', 0), change(round, 'lkr', 'lkq', 1), change(round, 'lkq', 'lkp', 0)]);
    expect({ round, failures: outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason)) }).toEqual({ round, failures: [] });
  }

  const runs = await h.orm.em.fork().find(ScriptRun, { id: { $gt: before } }, { populate: ['server'], filters: false });
  const perServer = Object.fromEntries(servers.map((s) => [s.name, runs.filter((r) => r.server.id === s.id).length]));
  expect(perServer).toEqual({ lock1: 2 * rounds, lock2: 3 * rounds, lock3: rounds });
}, 300_000);

test('the first plan is kept unless a commit for its server lands between its start and the lock; then the plan repeats and reads that commit', async () => {
  // Server rows only, their host keys never trusted: their queues hold their scripts, nothing runs.
  const em = h.orm.em.fork();
  const [serverS, serverT] = ['lock4', 'lock5'].map((name, i) => em.create(Server, { name, address: `192.0.2.${31 + i}` }));
  await em.flush();
  for (const [server, username] of [[serverS, 'lks'], [serverT, 'lkt']] as const) {
    em.create(Route, { backend: 'system-users', server, match: `systemuser.username == "${username}"` });
    em.create(Route, { backend: 'crontabs', server, match: `crontab.systemUsername == "${username}"` });
  }
  await em.flush();
  const userS = (await systemUserFor(h.admin, accountId, 'lks')).id;
  const userT = (await systemUserFor(h.admin, accountId, 'lkt')).id;
  const [s1, s2, t1] = [await crontabLine(userS, 'echo s1'), await crontabLine(userS, 'echo s2'), await crontabLine(userT, 'echo t1')];

  /**
   * Plans a save of line s1 (the whole crontab of lks, on lock4) under the locks, counting the plans; `meanwhile`
   * commits another change after the first plan has read its snapshot and before its server is locked.
   */
  const planS1 = (meanwhile: () => Promise<unknown>) =>
    h.orm.em.fork().transactional(async (tx) => {
      const line = await tx.findOneOrFail(Crontab, { id: dbId('Crontab', s1) }, { filters: false });
      const changes: Change[] = [{ model: 'Crontab', id: line.id, kind: 'update', fields: ['command'], entity: line }];
      let plans = 0;
      const groups = await planUnderServerLocks(
        tx,
        async (planner, routesRead) => {
          const planned = await planGroups(planner, changes, {}, routesRead);
          if (++plans === 1) await meanwhile();
          return planned;
        },
        // As a commit does: the snapshot's read of the user's lines sent with the routes and positions.
        (reader) => routedServers(reader, ['crontabs'], sourceReadsOf(changes)),
      );
      return { plans, groups };
    });
  const change = (id: string, command: string) => runUseCase(h.orm.em.fork(), systemActor('test'), 'updateCrontab', (uc) => updateCrontab(uc, { id, command }));
  const described = (groups: PlannedGroup[]) => groups.map((g) => ({ server: g.server.name, snapshots: JSON.stringify(g.operations.map((o) => o.snapshot)) }));

  const lastRun = async () => BigInt((await h.orm.em.fork().find(ScriptRun, {}, { orderBy: { id: 'desc' }, limit: 1, filters: false }))[0].id);
  const runBefore = await lastRun();
  const quiet = await planS1(async () => undefined);
  expect(quiet.plans).toBe(1);
  expect(described(quiet.groups)).toEqual([{ server: 'lock4', snapshots: expect.stringContaining('echo s2') }]);
  // The kept plan's ids were handed out by the lock's statement, sized for it, after every run committed before.
  const reserved = takeReservedIds(quiet.groups);
  expect([reserved?.runs.length, reserved?.operations.length, reserved && BigInt(reserved.runs[0]) > runBefore]).toEqual([1, 1, true]);
  expect(takeReservedIds(quiet.groups)).toBeUndefined(); // taken once

  const otherServer = await planS1(() => change(t1, 'echo t1-meanwhile'));
  expect(otherServer.plans).toBe(1);

  const sameServer = await planS1(() => change(s2, 'echo s2-meanwhile'));
  expect(sameServer.plans).toBe(2);
  expect(described(sameServer.groups)).toEqual([{ server: 'lock4', snapshots: expect.stringContaining('echo s2-meanwhile') }]);
  // Ids reserved for the first plan are not the repeated plan's: writeOutbox takes its own.
  expect(takeReservedIds(sameServer.groups)).toBeUndefined();
}, 300_000);

test('a crontab line changed through GraphQL commits in at most 9 statements, with the same operation, run, batch and audit entry, and reaches the host', async () => {
  const userB = await lkbUser();
  const line = await crontabLine(userB, 'echo c-start');
  await pollUntil('the new line on the host', () => hostCrontab(h.hosts.lockhostb, 'lkb'), (text) => text.includes('echo c-start'), 120_000);
  const mark = (await operationsOf(h, {})).at(-1)!.id;

  const query = 'mutation ($input: UpdateCrontabInput!) { updateCrontab(input: $input) { crontab { id } userErrors { field message } } }';
  // The worker shares the API's ORM (and its statement count): stopped while the API's statements are counted.
  await queueIdle(h, dbId('Server', h.serverIds.lockhostb));
  await h.stopWorker();
  const lastBatch = (await h.orm.em.fork().find(Batch, {}, { orderBy: { id: 'desc' }, limit: 1, filters: false }))[0].id;
  // An earlier change's batch is marked started after its commit, maybe still now: counted here, it would be taken
  // for this change's mark (seen once at load ~20). Wait until every earlier batch is marked.
  await pollUntil('earlier batches marked started', () => h.orm.em.fork().count(Batch, { startedAt: null }, { filters: false }), (n) => n === 0);
  h.takeSql();
  const changed = await h.admin.raw<{ updateCrontab: { crontab: { id: string }; userErrors: unknown[] } }>({ query, variables: { input: { id: line, command: 'echo c-changed' } } });
  // The batch is marked started after commit, maybe after the response: counted once it is. (The poll's own reads of
  // "batch" are left out of the count, and whatever follows the first mark.)
  await pollUntil('the batch marked started', () => h.orm.em.fork().count(Batch, { id: { $gt: lastBatch }, startedAt: null }, { filters: false }), (n) => n === 0);
  const own = h.takeSql().filter((line) => !line.includes('from "batch" as "b0"'));
  const marked = own.findIndex((line) => line.includes('update "batch" set "started_at"'));
  expect(marked).toBeGreaterThan(0);
  const sql = own.slice(0, marked + 1);
  const statements = sql.length;
  await h.startWorker();
  expect(changed.errors).toBeUndefined();
  expect(changed.data!.updateCrontab).toEqual({ crontab: { id: line }, userErrors: [] });
  // Session check; begin, the line with its account, its user and the user's other lines (one joined read, also the
  // validation's), the update; the routes with their servers' positions and the user's lines (the snapshot's read:
  // one statement), the server's lock, its position again and the batch's ids (one statement,
  // server_positions_after_locks_reserving); the outbox's rows, carrying the audit entry (in the change's
  // transaction) and billing's read of the active services' models; commit; the batch marked started (after commit,
  // maybe after the response). Before: 23 (one ORM statement per outbox row, a read of the runs to wake, the
  // operations the query did not select, a count before the audit insert), then 17 (the lock and the positions after
  // it in two statements), then 16 (the user read on its own, the positions and the routes in two statements, the ids
  // in a statement of their own), then 13 (the user's other lines read on their own, the audit entry and billing's
  // read in a statement each), then 10 (the snapshot's read of the user's lines on its own).
  expect({ atMost9: statements <= 9, sql: statements <= 9 ? [] : sql }).toEqual({ atMost9: true, sql: [] });

  const [op] = await h.settle({ id: { $gt: mark } }, 1, 120_000);
  expect([op.objectLabel, op.state, op.action, op.model, op.objectId, op.accountUsername, op.account?.id]).toEqual([
    'lkb: echo c-changed',
    RunState.SUCCESS,
    'save',
    'Crontab',
    dbId('Crontab', line),
    'lk',
    dbId('Account', accountId),
  ]);
  expect(JSON.stringify(op.snapshot)).toContain('lkb');
  expect(JSON.stringify(op.snapshot)).toContain('echo c-changed');
  const run = op.run.getEntity();
  expect([run.state, run.backend, run.server.id, BigInt(run.id) > 0n]).toEqual([RunState.SUCCESS, 'crontabs', dbId('Server', h.serverIds.lockhostb), true]);
  expect(run.script).toContain('echo c-changed');
  const batch = await pollUntil('the batch marked started', () => h.orm.em.fork().findOneOrFail(Batch, op.batch.id, { filters: false }), (b) => b.startedAt !== null);
  expect([batch.actor, batch.id]).toEqual(['admin', run.batch.id]);
  expect(await hostCrontab(h.hosts.lockhostb, 'lkb')).toEqual(await expectedCrontab(h, 'lkb'));
  const audit = await h.orm.em.fork().findOneOrFail(AuditEntry, { operation: 'updateCrontab' }, { orderBy: { id: 'desc' }, filters: false });
  expect([audit.account?.id, audit.accountUsername, audit.actor, audit.objectIds, audit.changedFields, audit.outcome, audit.userId !== null]).toEqual([
    dbId('Account', accountId),
    'lk',
    'admin',
    [line],
    ['command'],
    AuditOutcome.OK,
    true,
  ]);
  // The entry is written in the change's own transaction (one commit per change, not two): the same transaction id
  // (xmin) as the line it records. Before, it was an insert of its own after the commit: another xmin.
  const [tx] = await h.orm.em.fork().getConnection().execute<{ entry: string; line: string }[]>(
    'select (select xmin::text from audit_entry where id = ?) as entry, (select xmin::text from crontab where id = ?) as line',
    [audit.id, dbId('Crontab', line)],
  );
  expect(tx.entry).toBe(tx.line);

  // The payload's operations, read only when selected, are there when they are.
  const withOperations = 'mutation ($input: UpdateCrontabInput!) { updateCrontab(input: $input) { userErrors { field } operations { objectLabel } } }';
  const again = await h.admin.raw<{ updateCrontab: { userErrors: unknown[]; operations: { objectLabel: string }[] } }>({ query: withOperations, variables: { input: { id: line, command: 'echo c-again' } } });
  expect(again.errors).toBeUndefined();
  expect(again.data!.updateCrontab).toEqual({ userErrors: [], operations: [{ objectLabel: 'lkb: echo c-again' }] });
}, 300_000);

test('a change commits the order of a billing service another API process activated before it: the active services are read at every commit (in the outbox\'s statement), never cached', async () => {
  // Committed with an outbox: this process has read the active services (none bills crontab lines yet).
  const line = await crontabLine(await lkbUser(), 'echo billed-0');
  // Another API process: an ORM of its own on the same database.
  const other = await createOrm(h.config.databaseUrl);
  let serviceId: string;
  try {
    const created = await runUseCase(other.em.fork(), systemActor('test'), 'createService', (uc) =>
      createService(uc, { model: 'Crontab', description: 'crontab lines (outbox-server-locks)', nominalPrice: '1' }),
    );
    expect(created.userErrors).toEqual([]);
    serviceId = created.result!.id;
  } finally {
    await other.close();
  }
  const ordersOfLine = () => h.orm.em.fork().find(Order, { service: serviceId, objectId: dbId('Crontab', line) }, { filters: false });
  expect(await ordersOfLine()).toEqual([]); // an activation alone orders no existing line

  const changed = await h.admin.data(UpdateCrontabDocument, { input: { id: line, command: 'echo billed-1' } });
  expect(changed.updateCrontab.userErrors).toEqual([]);
  const orders = await ordersOfLine();
  expect(orders.map((o) => [o.model, o.cancelledOn])).toEqual([['Crontab', null]]);
  // In the change's own transaction.
  const [tx] = await h.orm.em.fork().getConnection().execute<{ ord: string; line: string }[]>(
    'select (select xmin::text from billing_order where id = ?) as ord, (select xmin::text from crontab where id = ?) as line',
    [orders[0].id, dbId('Crontab', line)],
  );
  expect(tx.ord).toBe(tx.line);
  await h.orm.em.fork().nativeUpdate(Service, { id: serviceId }, { isActive: false });
}, 120_000);

test('the batches of commits woken close together are marked started in one statement', async () => {
  const em = h.orm.em.fork();
  const now = new Date().toISOString();
  const ids = (
    await em.getConnection().execute<{ id: string }[]>(
      `insert into "batch" ("actor", "created_at", "updated_at") select 'test', ?::timestamptz, ?::timestamptz from generate_series(1, 3) returning id::text`,
      [now, now],
    )
  ).map((row) => row.id);
  const starter = new TemporalBatchStarter(h.temporal, h.config.temporalTaskQueue, h.orm.em);
  // The API's own marks of the earlier tests' batches would be counted here: waited for first.
  await pollUntil('earlier batches marked started', () => h.orm.em.fork().count(Batch, { startedAt: null, id: { $nin: ids } }, { filters: false }), (n) => n === 0);
  h.takeSql();
  // Three commits' batches (no script to run: no queue to wake), started at once as three requests would.
  await Promise.all([starter.startWritten([{ id: ids[0], servers: [] }]), starter.startWritten([{ id: ids[1], servers: [] }, { id: ids[2], servers: [] }])]);
  const marks = h.takeSql().filter((line) => line.includes('update "batch" set "started_at"'));
  const started = await h.orm.em.fork().find(Batch, { id: { $in: ids } }, { filters: false });
  // Before: one update per commit (2).
  expect([marks.length, started.every((batch) => batch.startedAt !== null)]).toEqual([1, true]);
}, 60_000);

test('the ids of a batch are handed out ascending as numbers, across a power of ten (a server runs its runs in id order)', async () => {
  const em = h.orm.em.fork();
  // Moves the sequences forward only (harmless to the other tests): the next ids cross 10,000,000.
  for (const table of ['batch', 'script_run', 'operation']) {
    await em.getConnection().execute(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from "${table}"), 9999995))`);
  }
  const ids = await em.transactional((tx) => reserveOutboxIds(tx as EntityManager, { runs: 12, operations: 12 }));
  const ascending = (list: string[]) => list.every((id, i) => i === 0 || BigInt(list[i - 1]) < BigInt(id));
  expect([ids.runs.length, ascending(ids.runs), ids.operations.length, ascending(ids.operations)]).toEqual([12, true, 12, true]);
  expect(BigInt(ids.runs[0]) < 10_000_000n && BigInt(ids.runs[11]) >= 10_000_000n).toBe(true);
}, 60_000);
