/**
 * The environment the orchestration benchmarks share (bench/orchestration-latency.ts, bench/orchestration-throughput.ts,
 * bench/orchestration.ts): what the tests set up, plus instruments.
 *
 *   - embedded PostgreSQL (migrated template) and the Temporal dev server as `npm start` runs it: state in a SQLite
 *     file (WAL, synchronous=NORMAL), the UI on, the default dynamic config (`--temporal-in-memory`: the tests'
 *     in-memory store instead, for comparison);
 *   - the API on a loopback port and real sshd hosts in sandboxes (tests/support/orchestra-harness.ts);
 *   - the engine's worker, built like the harness's (same createWorker, same SshPool) plus an activity interceptor
 *     that records when each activity ran, and a runner wrapper that records how long each SSH exec took: they only
 *     push timestamps to arrays;
 *   - per host bN an account `buN` whose main system user and crontab are routed to that host only (match
 *     expressions), so a crontab change of buN is one operation, one script, on bN;
 *   - a second worker on its own task queue running the bench workflow (bench/orchestration-workflows.ts) for the
 *     floors and the naive baseline; its warm activity uses the engine's own SshPool (same warm connections).
 *
 * SUCCESS is observed in the database: a trigger on the operation table NOTIFYs when a row reaches a final state, so
 * the notification arrives when that transaction commits (what a poll of the rows would see, without polling's delay
 * or load). One notification per operation; every benchmark change is one operation, one script run.
 */
import { endpointOf } from '../src/orchestration/server-access.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, cpus, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../src/embedded/embedded-postgres.js';
import { startTemporalDevServer } from '../src/embedded/temporal-dev-server.js';
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes.js';
import { startGoTemporalServer, type GoTemporalServer } from './go-temporal-server.js';
import { freePort } from '../src/embedded/free-port.js';
import { createOrm, migrate } from '../src/db/orm.js';
import { startOrchestraHarness, type OrchestraHarness } from '../tests/support/orchestra-harness.js';
import { mainSystemUser, crontabFor } from '../tests/support/service-fixtures.js';
import { CreateAccountDocument, CreateRouteDocument } from '../tests/generated/graphql.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { createWorker, bundleWorkflows } from '../src/temporal/worker.js';
import { SshPool } from '../src/orchestration/ssh/ssh-pool.js';
import type { ScriptRunner } from '../src/orchestration/ssh/script-runner.js';
import type { ServerEndpoint } from '../src/orchestration/types.js';
import pg from 'pg';
import { FINAL_STATES, RunState } from '../src/entities/orchestration/run-state.js';
import { Server } from '../src/entities/orchestration/server.js';
import { coalesceClaim, sectionRun } from '../src/orchestration/claim-script.js';

export const now = () => performance.now();

/** One benchmark host: sshd host bN, the server row, and the account/system user/crontab routed to it. */
export interface BenchTarget {
  host: string;
  serverId: string; // database id
  endpoint: ServerEndpoint;
  username: string;
  crontabGlobalId: string;
}

export interface ActivityTiming {
  type: string;
  /** The workflow execution that scheduled it (ids differ between engine versions: match on args and results). */
  workflowId: string;
  workflowRunId: string;
  args: unknown[];
  /** performance.now() at entry and exit of the activity function (in this process). */
  start: number;
  end: number;
  /** Temporal's scheduled time of this attempt, epoch ms (server clock = this machine's). */
  scheduledEpochMs: number;
  result: unknown;
}

export interface SshTiming {
  start: number;
  end: number;
}

export interface FinalEvent {
  runId: string;
  state: RunState;
  t: number;
}

export interface BenchEnv {
  h: OrchestraHarness;
  targets: BenchTarget[];
  activities: ActivityTiming[];
  ssh: SshTiming[];
  /** Final states of engine runs, in the order they committed. */
  finals: FinalEvent[];
  /** Resolves at the next final state of an engine run (after this call). */
  nextFinal(): Promise<FinalEvent>;
  /** Resolves when `count` final states have been seen since `fromIndex` in `finals`. */
  finalsReached(fromIndex: number, count: number, timeoutMs: number): Promise<void>;
  /** Runs a bench workflow (one activity: SshPool.run on the warm pool, or a new SshPool per call). */
  benchWorkflow(server: ServerEndpoint, script: string, fresh: boolean): Promise<number | null>;
  /** Replaces the engine's worker by a new one with a new bundle: one made after tracing was started or stopped. */
  restartEngineWorker(): Promise<void>;
  /** Stops the engine's worker (nothing runs; commits still queue up in PostgreSQL and Temporal) until resumed. */
  pauseEngineWorker(): Promise<void>;
  /** Starts the engine's worker again after pauseEngineWorker (same bundle). */
  resumeEngineWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The moment an operation reaches a final state, as committed in the database: a trigger (installed in this bench's
 * own database) NOTIFYs at commit, one connection LISTENs. Independent of how the engine reports states itself.
 */
async function listenForFinalOperations(databaseUrl: string, onFinal: (runId: string, state: RunState) => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const finals = FINAL_STATES.map((s) => `'${s}'`).join(', ');
  await client.query(`
    create or replace function bench_operation_final() returns trigger language plpgsql as $$
    begin
      perform pg_notify('bench_operation_final', new.run_id || ':' || new.state);
      return null;
    end $$;
    create trigger bench_operation_final after update of state on operation for each row
      when (new.state in (${finals}) and old.state is distinct from new.state)
      execute function bench_operation_final();
    listen bench_operation_final;`);
  client.on('notification', (msg) => {
    const [runId, state] = (msg.payload ?? '').split(':');
    onFinal(runId, state as RunState);
  });
  return client;
}

/** Activities of the bench workflow (bench/orchestration-workflows.ts). */
export interface BenchActivities {
  warmExec(server: ServerEndpoint, script: string): Promise<number | null>;
  freshExec(server: ServerEndpoint, script: string): Promise<number | null>;
}

const log = (message: string) => console.error(`[bench] ${message}`);

/**
 * `engineWorkers`: starts the engine's workers some other way (e.g. worker processes, as production runs them) and
 * returns how to stop them; the default is one worker in this process with the timing instruments.
 */
export async function startBenchEnv(
  hostNames = ['b1', 'b2', 'b3', 'b4'],
  opts: { engineWorkers?: (h: OrchestraHarness) => Promise<() => Promise<void>> } = {},
): Promise<BenchEnv> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // already installed (tests/support/orchestra-harness.ts does the same at import)
  }
  const t0 = now();
  const stopServices = await startServices();
  log(`PostgreSQL and Temporal up (${((now() - t0) / 1000).toFixed(1)} s)`);
  const engineBundle = bundleWorkflows();
  const benchBundle = bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./orchestration-workflows.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
  let h: OrchestraHarness;
  try {
    h = await startOrchestraHarness(hostNames);
  } catch (err) {
    await stopServices();
    throw err;
  }
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`stop: ${err}`));
    await h.close().catch((err) => log(`harness close: ${err}`));
    await stopServices();
  };
  try {
    const activities: ActivityTiming[] = [];
    const ssh: SshTiming[] = [];
    const finals: FinalEvent[] = [];
    let waiters: ((e: FinalEvent) => void)[] = [];
    let counters: { from: number; count: number; resolve: () => void }[] = [];
    const listener = await listenForFinalOperations(h.config.databaseUrl, (runId, state) => {
      const event = { runId, state, t: now() };
      finals.push(event);
      const ws = waiters;
      waiters = [];
      for (const w of ws) w(event);
      counters = counters.filter((c) => {
        if (finals.length - c.from < c.count) return true;
        c.resolve();
        return false;
      });
    });
    stops.push(() => listener.end());

    // The engine's worker: what OrchestraHarness.startWorker builds, plus the two instruments.
    const runner: ScriptRunner = {
      async run(server, script, opts) {
        const start = now();
        try {
          return await h.runner.run(server, script, opts);
        } finally {
          ssh.push({ start, end: now() });
        }
      },
      forget: (serverId, reason) => h.runner.forget(serverId, reason),
    };
    const connection = await NativeConnection.connect({ address: h.config.temporalAddress });
    stops.push(() => connection.close());
    const startEngineWorker = async (workflowBundle: { code: string }) => {
    const engineWorker = await createWorker({
      connection,
      config: h.config,
      orm: h.orm,
      client: h.temporal,
      runner,
      workflowBundle,
      identity: 'bench-worker',
      options: {
        shutdownGraceTime: '1 second',
        interceptors: {
          activity: [
            (ctx) => ({
              inbound: {
                async execute(input, next) {
                  const start = now();
                  const result = await next(input);
                  activities.push({
                    type: ctx.info.activityType,
                    workflowId: ctx.info.workflowExecution?.workflowId ?? '',
                    workflowRunId: ctx.info.workflowExecution?.runId ?? '',
                    args: input.args,
                    start,
                    end: now(),
                    scheduledEpochMs: ctx.info.currentAttemptScheduledTimestampMs,
                    result,
                  });
                  return result;
                },
              },
            }),
          ],
        },
      },
    });
    const engineRunning = engineWorker.run();
    return async () => {
      engineWorker.shutdown();
      await engineRunning;
    };
    };
    let stopEngineWorker = opts.engineWorkers ? await opts.engineWorkers(h) : await startEngineWorker(await engineBundle);
    stops.push(() => stopEngineWorker());

    // Servers and routes: bN gets buN's system user and crontab, nothing else.
    const targets: BenchTarget[] = [];
    for (const [i, host] of hostNames.entries()) {
      const username = `bu${i + 1}`;
      const serverGlobalId = await h.addServer(host, []);
      for (const [backend, match] of [
        ['system-users', `systemuser.username == "${username}"`],
        ['crontabs', `crontab.systemUsername == "${username}"`],
      ]) {
        const route = await h.admin.data(CreateRouteDocument, { input: { backend, serverId: serverGlobalId, match } });
        if (route.createRoute.userErrors.length) throw new Error(JSON.stringify(route.createRoute.userErrors));
      }
      const created = await h.admin.data(CreateAccountDocument, { input: { username, type: 'INDIVIDUAL' } });
      if (created.createAccount.userErrors.length) throw new Error(JSON.stringify(created.createAccount.userErrors));
      const user = await mainSystemUser(h.orm, created.createAccount.account!.id);
      const crontab = await crontabFor(h.admin, user.id, `echo ${username}-0`);
      const server = await h.orm.em.fork().findOneOrFail(Server, { id: idOf('Server', serverGlobalId) });
      targets.push({
        host,
        serverId: server.id,
        endpoint: endpointOf(server),
        username,
        crontabGlobalId: crontab.id,
      });
    }
    // Set-up operations (system user saves, first crontab lines) must be done before anything is measured.
    const setupOps = await h.settle({}, hostNames.length * 2, 120_000);
    const bad = setupOps.filter((o) => o.state !== RunState.SUCCESS);
    if (bad.length) throw new Error(`set-up operations failed: ${bad.map((o) => `${o.objectLabel}=${o.state}`).join(', ')}`);

    // The bench worker: its own task queue, the bench workflow, the engine's pool for warm execs.
    const benchQueue = `bench-${randomUUID().slice(0, 8)}`;
    const privateKeyPath = h.config.sshPrivateKeyPath;
    const benchActivities: BenchActivities = {
      async warmExec(server, script) {
        return (await h.runner.run(server, script, { timeoutMs: 60_000 })).exitCode;
      },
      async freshExec(server, script) {
        const pool = new SshPool({ privateKeyPath, connectAttempts: 1 });
        try {
          return (await pool.run(server, script, { timeoutMs: 60_000 })).exitCode;
        } finally {
          await pool.close();
        }
      },
    };
    const benchWorker = await Worker.create({
      connection,
      namespace: h.config.temporalNamespace,
      taskQueue: benchQueue,
      identity: 'bench-baseline-worker',
      workflowBundle: await benchBundle,
      activities: benchActivities,
      shutdownGraceTime: '1 second',
    });
    const benchRunning = benchWorker.run();
    stops.push(async () => {
      benchWorker.shutdown();
      await benchRunning;
    });
    log(`environment ready (${((now() - t0) / 1000).toFixed(1)} s)`);

    return {
      h,
      targets,
      activities,
      ssh,
      finals,
      nextFinal: () => new Promise((resolve) => waiters.push(resolve)),
      finalsReached(fromIndex, count, timeoutMs) {
        if (finals.length - fromIndex >= count) return Promise.resolve();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${finals.length - fromIndex} of ${count} runs finished within ${timeoutMs} ms`)), timeoutMs);
          counters.push({
            from: fromIndex,
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      },
      async benchWorkflow(server, script, fresh) {
        return h.temporal.workflow.execute('benchExecWorkflow', {
          taskQueue: benchQueue,
          workflowId: `bench-${randomUUID()}`,
          args: [{ server, script, fresh }],
        });
      },
      async restartEngineWorker() {
        if (opts.engineWorkers) throw new Error('restartEngineWorker: the engine workers were started by the caller');
        await stopEngineWorker();
        stopEngineWorker = await startEngineWorker(await bundleWorkflows());
      },
      async pauseEngineWorker() {
        if (opts.engineWorkers) throw new Error('pauseEngineWorker: the engine workers were started by the caller');
        await stopEngineWorker();
        stopEngineWorker = async () => undefined;
      },
      async resumeEngineWorker() {
        stopEngineWorker = await startEngineWorker(await engineBundle);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * PostgreSQL with a migrated template database and a Temporal dev server, as tests/setup/test-services.ts starts them
 * (and the env variables tests/support/api-harness.ts reads), with the dev server's default dynamic config.
 */
/**
 * How the Temporal dev server runs: as `npm start` runs it (SQLite file with its pragmas, the UI on), unless
 * `--temporal-in-memory` asks for the tests' in-memory store (faster; not what users run).
 */
export function temporalPersistence(): 'sqlite-file' | 'in-memory' {
  return flag('temporal-in-memory') ? 'in-memory' : 'sqlite-file';
}

export async function startServices(): Promise<() => Promise<void>> {
  const external = flag('temporal-address');
  if (typeof external === 'string') return startServicesOnTemporal(external);
  if (flag('go-temporal')) return startServicesOnGoTemporal();
  const inMemory = temporalPersistence() === 'in-memory';
  const [postgres, temporal] = await Promise.all([
    startBenchPostgres('orchestra_template'),
    (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'orchestra-bench-temporal-'));
      const server = await startTemporalDevServer({
        port: await freePort(),
        uiPort: inMemory ? null : await freePort(),
        dbFile: inMemory ? null : join(dir, 'temporal.db'),
        namespace: 'default',
      });
      return { server, dir };
    })(),
  ]);
  log(`Temporal dev server: ${inMemory ? 'in memory (--temporal-in-memory)' : 'SQLite file with the pragmas and UI of `npm start`'}`);
  process.env.TEST_DATABASE_TEMPLATE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = temporal.server.address;
  process.env.TEST_TMP_DIR = postgres.dir;
  return async () => {
    await Promise.all([postgres.stop(), temporal.server.stop()]);
    rmSync(temporal.dir, { recursive: true, force: true });
  };
}

/**
 * `--temporal-address=host:port`: a Temporal server already running (e.g. the one scripts/temporal-server.sh builds
 * from its Go module and runs on PostgreSQL: the production topology) instead of a dev server of the bench's own; its
 * `default` namespace must exist, Orchestra's search attributes are registered here as every start does.
 */
async function startServicesOnTemporal(address: string, started?: BenchPostgres): Promise<() => Promise<void>> {
  const postgres = started ?? (await startBenchPostgres('orchestra_template'));
  const connection = await Connection.connect({ address });
  try {
    await registerSearchAttributes(connection, 'default');
  } finally {
    await connection.close();
  }
  if (!started) log(`Temporal: the server at ${address} (--temporal-address)`);
  process.env.TEST_DATABASE_TEMPLATE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = address;
  process.env.TEST_TMP_DIR = postgres.dir;
  // A PostgreSQL passed in is its caller's to stop (after the Temporal server using it).
  return started ? async () => {} : () => postgres.stop();
}

/**
 * `--go-temporal`: the production topology's server, built from its Go module (bench/go-temporal-server.ts), started
 * by the bench on the bench's own embedded PostgreSQL (its `temporal` and `temporal_visibility` databases beside
 * Orchestra's), and stopped with it. Its CPU is counted as `temporal-server`, PostgreSQL's (both) as `postgres`.
 */
async function startServicesOnGoTemporal(): Promise<() => Promise<void>> {
  const postgres = await startBenchPostgres('orchestra_template');
  let temporal: GoTemporalServer;
  try {
    temporal = await startGoTemporalServer(postgres.url, log);
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  await startServicesOnTemporal(temporal.address, postgres);
  return async () => {
    await temporal.stop();
    await postgres.stop();
  };
}

type BenchPostgres = Awaited<ReturnType<typeof startBenchPostgres>>;

/**
 * Embedded PostgreSQL on a free loopback port with `database` created and migrated (every bench's database; the
 * orchestration benches make it the tests' template). `dir` is a scratch directory removed by `stop`.
 */
export async function startBenchPostgres(database: string): Promise<{ url: string; dir: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), database, persistent: false });
  const stop = async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const orm = await createOrm(postgres.url);
    await migrate(orm);
    await orm.close(true);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: postgres.url, dir, stop };
}

/**
 * A stored script as the engine's activity runs it: a claim of one section under a fresh marker (so it really runs),
 * its `run` word given by a here-document instead of the worker. Exits 0 whatever the script's exit (as a claim does).
 */
export function wrapLikeEngine(script: string, fakeRunId: number): string {
  const { text } = coalesceClaim('0', [{ runId: String(fakeRunId), uid: randomUUID(), script }]);
  return `{\n${text}} <<'ORCHESTRA_WORDS'\n${sectionRun(script)}\nORCHESTRA_WORDS\n`;
}

/** The run or batch id an engine activity was called with: `f(id)`, `f([first id, …])` or `f({ runId | batchId })`. */
export function idArg(a: ActivityTiming): string | undefined {
  const first = a.args[0] as string | string[] | { runId?: string; batchId?: string; runIds?: string[] } | undefined;
  if (Array.isArray(first)) return first[0];
  // A claim (runScript as an activity of the server queue, issue 17): its first run.
  return typeof first === 'string' ? first : (first?.runId ?? first?.batchId ?? first?.runIds?.[0]);
}

/** The (first) run a claimNextRun call returned, if any: a claim carries the waiting runs in commit order. */
export function claimedRun(a: ActivityTiming): string | undefined {
  if (a.type !== 'claimNextRun') return undefined;
  const result = a.result as { runIds?: string[]; runId?: string } | null;
  return result?.runIds?.[0] ?? result?.runId ?? undefined;
}

/** How many runs a claimNextRun call returned. */
export function claimedCount(a: ActivityTiming): number {
  const result = a.result as { runIds?: string[]; runId?: string } | null;
  return result?.runIds?.length ?? (result?.runId ? 1 : 0);
}

// --- statistics and tables --------------------------------------------------------------------------------------------

export const pct = (samples: number[], p: number) => {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
export const mean = (samples: number[]) => samples.reduce((s, x) => s + x, 0) / samples.length;

export function machineLoad(): string {
  const [one, five] = loadavg();
  return `load ${one.toFixed(2)} (1 min) ${five.toFixed(2)} (5 min), ${cpus().length} cores`;
}

export function table(header: string[], rows: (string | number)[][], rightFrom = 1): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i >= rightFrom ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
export const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;

/** `--quick`, `--n=30`-style flags. */
export function flag(name: string): string | boolean | undefined {
  for (const arg of process.argv.slice(2)) {
    if (arg === `--${name}`) return true;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

// --- CPU by component ---------------------------------------------------------------------------------------------

/**
 * CPU seconds used so far by this process and by each subtree of its child processes, named after the subtree's root
 * (temporal, postgres, sshd…). A live process counts its own time plus that of its reaped children, so scripts run by
 * sshd are counted under sshd once their session ends. Linux /proc, clock ticks of 10 ms.
 */
/** Names for child processes whose command name says too little (several `node` processes): pid → name. */
const childLabels = new Map<number, string>();
export function labelChildProcess(pid: number, name: string): void {
  childLabels.set(pid, name);
}

export function cpuSnapshot(): Map<string, number> {
  const stats = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      stats.set(Number(entry), { ppid: Number(fields[1]), comm, ticks });
    } catch {
      // gone meanwhile
    }
  }
  const result = new Map<string, number>();
  const usage = process.cpuUsage();
  result.set('bench process (API + worker + clients)', (usage.user + usage.system) / 1e6);
  const rootOf = (pid: number): number | null => {
    let current = pid;
    for (let depth = 0; depth < 50; depth++) {
      const info = stats.get(current);
      if (!info) return null;
      if (info.ppid === process.pid) return current;
      current = info.ppid;
    }
    return null;
  };
  for (const [pid, info] of stats) {
    const root = rootOf(pid);
    if (root === null) continue;
    const name = childLabels.get(root) ?? stats.get(root)!.comm;
    result.set(name, (result.get(name) ?? 0) + info.ticks / 100);
  }
  return result;
}

/** CPU seconds per component between two snapshots: the total, and "name 12.3 s, …" biggest first. */
export function cpuDelta(before: Map<string, number>, after: Map<string, number>): { total: number; text: string } {
  const parts = [...after.entries()]
    .map(([name, value]) => [name, value - (before.get(name) ?? 0)] as const)
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  return { total: parts.reduce((sum, [, v]) => sum + v, 0), text: parts.map(([name, v]) => `${name} ${v.toFixed(1)} s`).join(', ') };
}
