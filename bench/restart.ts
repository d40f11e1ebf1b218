// Restart time of `npm start` (src/bin/dev.ts: embedded PostgreSQL, the Temporal dev server on its SQLite file, the API
// and the worker in one process), empty and after history (issue 17: after 100,000 operations ≤ 1.2× an empty one).
//   node_modules/.bin/node --import ./scripts/register.js bench/restart.ts [--changes=2000] [--rows=100000] [--restarts=2]
// The installation lives in a scratch ORCHESTRA_DATA_DIR on free ports (never the clone's .data), managing 4 sandboxed
// sshd hosts b1–b4 (user buN's system user and crontab routed to bN only, as in the throughput bench). States, each
// followed by --restarts restarts (SIGINT, wait for the exit, start again):
//   empty      just set up (4 accounts, their system users and crontabs);
//   history    after --changes real crontab changes (4 GraphQL clients, one per server): Temporal's SQLite file and
//              the server queues' histories grow;
//   rows       after --rows finished batches, script runs and operations inserted with SQL (copies of a finished
//              change): only the database grows.
// Per restart: time to "Orchestra is ready" (from the spawn), then one crontab change per server sent right away, and
// the time to the first and the last of their SUCCESS (from the spawn; and from the mutation's response). Also: the
// size of temporal.db, the events in each server queue's current history (what the new worker replays before the
// first claim of that server), and the statements
// that read operations by run with --rows in the table (EXPLAIN ANALYZE).
// Needs root (host sandboxes), like the tests.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Connection, Client } from '@temporalio/client';
import { freePort } from '../src/embedded/free-port.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { startSshHost, testClientKey, type SshHost } from '../tests/support/sshd-host.js';
import { GraphQLClient } from '../tests/support/graphql-client.js';
import {
  CreateAccountDocument, CreateCrontabDocument, CreateRouteDocument, CreateServerDocument, LoginDocument, ServerHostKeyDocument, TrustServerHostKeyDocument,
  UpdateCrontabDocument,
} from '../tests/generated/graphql.js';
import { flag, machineLoad, table } from './orchestration-common.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const log = (message: string) => console.error(`[bench] ${message}`);
const now = () => performance.now();
const seconds = (ms: number) => (ms / 1000).toFixed(1);

interface Ports {
  postgres: number;
  temporal: number;
  temporalUi: number;
  api: number;
}

interface Target {
  host: string;
  username: string;
  crontabId: string;
}

interface RestartSample {
  state: string;
  readyMs: number;
  stopMs: number;
  firstSuccessMs: number;
  lastSuccessMs: number;
  /** From the mutations' responses to their SUCCESS (all servers). */
  changeToSuccessMs: number;
}

/** `npm start` as a child process: `node --import ./scripts/register.js src/bin/dev.ts`, as scripts/start.sh execs it. */
class DevProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    private readonly dataDir: string,
    private readonly ports: Ports,
    private readonly sshKey: string,
  ) {}

  /** Starts and resolves, with the milliseconds since the spawn, once it prints "Orchestra is ready". */
  start(): Promise<number> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ORCHESTRA_DATA_DIR: this.dataDir,
      EMBEDDED_PG_PORT: String(this.ports.postgres),
      EMBEDDED_TEMPORAL_PORT: String(this.ports.temporal),
      EMBEDDED_TEMPORAL_UI_PORT: String(this.ports.temporalUi),
      PORT: String(this.ports.api),
      ORCHESTRA_SSH_KEY: this.sshKey,
      LOG_LEVEL: 'warn',
    };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEST_DATABASE_TEMPLATE_URL']) delete env[name];
    const t0 = now();
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', './scripts/register.js', 'src/bin/dev.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    return new Promise((done, fail) => {
      const seen = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.output.includes('Orchestra is ready')) {
          child.stdout!.off('data', seen);
          done(now() - t0);
        }
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code, signal) => fail(new Error(`npm start exited (${signal ?? code}) before it was ready:\n${this.output.slice(-4000)}`)));
    });
  }

  /** SIGINT (Ctrl-C) and the exit; milliseconds. */
  async stop(): Promise<number> {
    const child = this.child;
    if (!child || child.exitCode !== null) return 0;
    const t0 = now();
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGINT');
    await exited;
    this.child = null;
    return now() - t0;
  }
}

async function main(): Promise<void> {
  const changes = Number(flag('changes') ?? 2000);
  const rows = Number(flag('rows') ?? 100_000);
  const restarts = Number(flag('restarts') ?? 2);
  const loadBefore = machineLoad();
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-restart-bench-'));
  const ports: Ports = { postgres: await freePort(), temporal: await freePort(), temporalUi: await freePort(), api: await freePort() };
  const key = await testClientKey();
  const hosts: SshHost[] = [];
  const dev = new DevProcess(dataDir, ports, key.privateKeyPath);
  const databaseUrl = `postgresql://postgres:password@127.0.0.1:${ports.postgres}/orchestra`;
  const temporalAddress = `127.0.0.1:${ports.temporal}`;
  let db: pg.Client | null = null;
  const samples: RestartSample[] = [];
  const notes: string[] = [];
  try {
    for (const name of ['b1', 'b2', 'b3', 'b4']) hosts.push(await startSshHost(name));
    const firstMs = await dev.start();
    log(`first start ready after ${seconds(firstMs)} s`);
    notes.push(`first start (initdb, migrations, first admin): ready after ${seconds(firstMs)} s.`);
    const password = readFileSync(join(dataDir, 'first-admin-password'), 'utf8').trim();
    const api = new GraphQLClient(`http://127.0.0.1:${ports.api}/graphql`);
    const login = await api.data(LoginDocument, { input: { username: 'admin', password } });
    const admin = api.as(login.login.token!);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const targets = await setUp(admin, db, hosts);
    await settled(db, 0, 120_000);

    const measure = async (state: string) => {
      for (let i = 0; i < restarts; i++) {
        await db!.end();
        const stopMs = await dev.stop();
        const readyMs = await dev.start();
        const t0 = now() - readyMs;
        db = new pg.Client({ connectionString: databaseUrl });
        await db.connect();
        const sample = await oneChangeEach(admin, db, targets, `${state}-${i}`, t0);
        samples.push({ state, readyMs, stopMs, ...sample });
        log(`${state}: restart ${i + 1}: ready ${seconds(readyMs)} s, first SUCCESS ${seconds(sample.firstSuccessMs)} s, last ${seconds(sample.lastSuccessMs)} s (${machineLoad()})`);
      }
      notes.push(`${state}: ${await temporalFacts(dataDir, temporalAddress)}.`);
    };

    await measure('empty');

    // --- history: real changes ------------------------------------------------------------------------------------
    const perTarget = Math.floor(changes / targets.length);
    const fromOp = await lastOperationId(db);
    const t = now();
    await Promise.all(
      targets.map(async (target) => {
        for (let i = 1; i <= perTarget; i++) {
          const result = await admin.data(UpdateCrontabDocument, { input: { id: target.crontabId, command: `echo ${target.username}-h-${i}` } });
          if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
        }
      }),
    );
    await settled(db, fromOp, 30 * 60_000);
    notes.push(`history: ${perTarget * targets.length} changes (4 clients) took ${seconds(now() - t)} s to all SUCCESS.`);
    await measure(`after ${perTarget * targets.length} changes`);

    // --- rows: finished operations inserted with SQL ------------------------------------------------------------
    const tRows = now();
    await insertFinishedRows(db, rows);
    notes.push(`rows: ${rows} finished batches, script runs and operations inserted in ${seconds(now() - tRows)} s; ${await tableSizes(db)}.`);
    notes.push(`rows: ${await explainOperationsByRun(db)}`);
    await measure(`+ ${rows} finished operations (SQL)`);
  } finally {
    await db?.end().catch(() => undefined);
    await dev.stop().catch((err) => log(`stop: ${err}`));
    for (const host of hosts) await host.close().catch(() => undefined);
    const pgLink = join(dataDir, 'postgres');
    if (existsSync(pgLink) && lstatSync(pgLink).isSymbolicLink()) rmSync(realpathSync(pgLink), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }

  const empty = samples.filter((s) => s.state === 'empty');
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const base = median(empty.map((s) => s.readyMs));
  const baseFirst = median(empty.map((s) => s.firstSuccessMs));
  console.log(`### Restart of \`npm start\`: empty and after history (${restarts} restarts each)`);
  console.log('');
  console.log(
    table(
      ['state', 'restart', 'stop s', 'ready s', 'vs empty (ready, median)', 'first SUCCESS s', 'vs empty (first SUCCESS, median)', 'last SUCCESS s', 'change → SUCCESS s (4 servers)'],
      samples.map((s, i) => [
        s.state,
        i - samples.findIndex((x) => x.state === s.state) + 1,
        seconds(s.stopMs),
        seconds(s.readyMs),
        `${(s.readyMs / base).toFixed(2)}×`,
        seconds(s.firstSuccessMs),
        `${(s.firstSuccessMs / baseFirst).toFixed(2)}×`,
        seconds(s.lastSuccessMs),
        seconds(s.changeToSuccessMs),
      ]),
    ),
  );
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
  console.log('');
  console.log(`Machine: before ${loadBefore}; after ${machineLoad()}.`);
}

/** Servers b1–b4, each with the routes of its user buN, the account and one crontab line: as the throughput bench. */
async function setUp(admin: GraphQLClient, db: pg.Client, hosts: SshHost[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const [i, host] of hosts.entries()) {
    const username = `bu${i + 1}`;
    const created = await admin.data(CreateServerDocument, { input: { name: host.name, address: host.endpoint.address, sshPort: host.port } });
    const serverId = created.createServer.server!.id;
    const presented = await admin.data(ServerHostKeyDocument, { id: serverId });
    await admin.data(TrustServerHostKeyDocument, { input: { id: serverId, fingerprint: presented.server.presentedHostKey.fingerprint } });
    for (const [backend, match] of [
      ['system-users', `systemuser.username == "${username}"`],
      ['crontabs', `crontab.systemUsername == "${username}"`],
    ]) {
      const route = await admin.data(CreateRouteDocument, { input: { backend, serverId, match } });
      if (route.createRoute.userErrors.length) throw new Error(JSON.stringify(route.createRoute.userErrors));
    }
    const account = await admin.data(CreateAccountDocument, { input: { username, type: 'INDIVIDUAL' } });
    if (account.createAccount.userErrors.length) throw new Error(JSON.stringify(account.createAccount.userErrors));
    const { rows } = await db.query<{ id: string }>('select id from "system_user" where username = $1', [username]);
    const crontab = await admin.data(CreateCrontabDocument, { input: { systemUserId: toGlobalId('SystemUser', rows[0]!.id), minute: '*/5', command: `echo ${username}-0` } });
    if (crontab.createCrontab.userErrors.length) throw new Error(JSON.stringify(crontab.createCrontab.userErrors));
    targets.push({ host: host.name, username, crontabId: crontab.createCrontab.crontab!.id });
  }
  return targets;
}

async function lastOperationId(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ id: string | null }>('select max(id)::text as id from operation');
  return rows[0]?.id ?? '0';
}

/** Waits until every operation after `fromId` is final; fails on any that is not SUCCESS. */
async function settled(db: pg.Client, fromId: string | number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ state: string; n: string }>('select state, count(*) as n from operation where id > $1 group by state', [String(fromId)]);
    const open = rows.filter((r) => !['SUCCESS', 'FAILURE', 'ERROR', 'REVOKED', 'ABORTED', 'NOTHING'].includes(r.state));
    const bad = rows.filter((r) => r.state !== 'SUCCESS' && !open.includes(r));
    if (bad.length) throw new Error(`operations not SUCCESS: ${JSON.stringify(rows)}`);
    if (rows.length && !open.length) return;
    if (Date.now() > deadline) throw new Error(`operations did not settle within ${timeoutMs} ms: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One crontab change per server right after a restart; when the first and the last reached SUCCESS (from `t0`). */
async function oneChangeEach(admin: GraphQLClient, db: pg.Client, targets: Target[], tag: string, t0: number) {
  const fromOp = await lastOperationId(db);
  await Promise.all(
    targets.map(async (target) => {
      const result = await admin.data(UpdateCrontabDocument, { input: { id: target.crontabId, command: `echo ${target.username}-${tag}` } });
      if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
    }),
  );
  const sent = now();
  let first = 0;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const { rows } = await db.query<{ state: string }>('select state from operation where id > $1', [fromOp]);
    const done = rows.filter((r) => r.state === 'SUCCESS').length;
    if (rows.some((r) => ['FAILURE', 'ERROR', 'REVOKED', 'ABORTED'].includes(r.state))) throw new Error(`a change after the restart failed: ${JSON.stringify(rows)}`);
    if (done && !first) first = now();
    if (rows.length >= targets.length && done === rows.length) break;
    if (Date.now() > deadline) throw new Error(`changes after the restart not SUCCESS: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const last = now();
  return { firstSuccessMs: first - t0, lastSuccessMs: last - t0, changeToSuccessMs: last - sent };
}

/**
 * `count` copies of the last finished crontab change (its batch, script run and operation), each operation pointing
 * at its own run and batch: the database of an installation after that many operations. Columns are copied as they
 * are, except ids, uids and the links between the three.
 */
async function insertFinishedRows(db: pg.Client, count: number): Promise<void> {
  const columns = async (table: string) =>
    (await db.query<{ column_name: string }>('select column_name from information_schema.columns where table_name = $1 and column_name not in ($2, $3)', [table, 'id', 'uid'])).rows.map(
      (r) => `"${r.column_name}"`,
    );
  const { rows } = await db.query<{ op: string; run: string; batch: string }>(
    "select o.id::text as op, o.run_id::text as run, o.batch_id::text as batch from operation o where o.state = 'SUCCESS' and o.backend = 'crontabs' order by o.id desc limit 1",
  );
  const template = rows[0];
  if (!template) throw new Error('no finished crontab operation to copy');
  await db.query('begin');
  const [batchCols, runCols, opCols] = [await columns('batch'), await columns('script_run'), await columns('operation')];
  const copy = (cols: string[], replace: Record<string, string>) => cols.map((c) => replace[c] ?? c).join(', ');
  const b = await db.query<{ lo: string }>(
    `with ins as (insert into batch (${batchCols.join(', ')}) select ${batchCols.join(', ')} from batch, generate_series(1, $2::int) where id = $1 returning id) select min(id)::text as lo from ins`,
    [template.batch, count],
  );
  const r = await db.query<{ lo: string }>(
    `with ins as (insert into script_run (${runCols.join(', ')}) select ${copy(runCols, { '"batch_id"': `${Number(b.rows[0]!.lo)} + g - 1` })} from script_run, generate_series(1, $2::int) g where id = $1 returning id) select min(id)::text as lo from ins`,
    [template.run, count],
  );
  await db.query(
    `insert into operation (${opCols.join(', ')}) select ${copy(opCols, { '"batch_id"': `${Number(b.rows[0]!.lo)} + g - 1`, '"run_id"': `${Number(r.rows[0]!.lo)} + g - 1` })} from operation, generate_series(1, $2::int) g where id = $1`,
    [template.op, count],
  );
  await db.query('commit');
  await db.query('analyze batch; analyze script_run; analyze operation');
}

async function tableSizes(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ t: string; n: string; size: string }>(
    "select relname as t, n_live_tup::text as n, pg_size_pretty(pg_total_relation_size(relid)) as size from pg_stat_user_tables where relname in ('batch', 'script_run', 'operation') order by relname",
  );
  return rows.map((r) => `${r.t} ${r.n} rows, ${r.size}`).join('; ');
}

/** The plans of the statements that read a run's operations (each claim and each run's end), with this many rows. */
async function explainOperationsByRun(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ id: string }>('select max(run_id)::text as id from operation');
  const plan = async (sql: string) => {
    await db.query('begin');
    try {
      const result = await db.query<{ 'QUERY PLAN': string }>(`explain analyze ${sql}`, [rows[0]!.id]);
      return result.rows.map((r) => r['QUERY PLAN']).filter((l) => /Scan|Execution Time/.test(l)).map((l) => l.trim()).join(' / ');
    } finally {
      await db.query('rollback');
    }
  };
  return (
    `operations of a run (claimNextRun): ${await plan('select * from operation where run_id in ($1) order by id')}; ` +
    `its end (run-store, rolled back): ${await plan('update operation set updated_at = updated_at where run_id = $1')}.`
  );
}

/**
 * temporal.db's size and the events in each running server queue's current history. (Its replay cannot be timed
 * apart with Worker.runReplayHistory: the replay worker's task queue differs, and the queue's child workflow ids carry
 * it, so replay stops at the first child as nondeterministic. The first SUCCESS after a restart includes it.)
 */
async function temporalFacts(dataDir: string, address: string): Promise<string> {
  const file = join(dataDir, 'temporal', 'temporal.db');
  const size = existsSync(file) ? statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0) : 0;
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const lengths: { id: string; events: number }[] = [];
    for await (const wf of client.workflow.list({ query: "WorkflowType = 'serverQueueWorkflow' AND ExecutionStatus = 'Running'" })) {
      const history = await client.workflow.getHandle(wf.workflowId).fetchHistory();
      const events = history.events?.length ?? 0;
      lengths.push({ id: wf.workflowId, events });
    }
    return (
      `temporal.db ${(size / 1e6).toFixed(1)} MB; server queues' current histories ${lengths.map((l) => l.events).join(', ')} events ` +
      '(each replayed by the new worker before its first claim after the restart)'
    );
  } finally {
    await connection.close();
  }
}

await main();
