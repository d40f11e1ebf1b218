// The production topology, without Docker (issue 17): the Temporal server built from its Go module on PostgreSQL,
// N API processes sharing one port (ORCHESTRA_API_PROCESSES, node:cluster as the load balancer), M engine worker
// processes (src/bin/worker.ts), GraphQL clients in a process of their own, 4 sandboxed sshd hosts.
//   node_modules/.bin/node --import ./scripts/register.js bench/production-topology.ts [--changes=1000] [--quick]
//     [--kill-changes=400] [--api-processes=2] [--workers=2]
// Needs root (host sandboxes) and a built temporal-server (scripts/temporal-server.sh build; TEMPORAL_SERVER_CACHE if
// it is not in .cache/temporal-server). Two parts, in one run:
//   1. throughput: the throughput bench's changes through the API processes, until all SUCCESS, against its naive
//      baseline (bench/orchestration-throughput.ts), with the CPU of every process: API, workers, Temporal server,
//      PostgreSQL (Orchestra's and Temporal's databases share it), sshd;
//   2. resilience: a burst of changes, and one of the workers killed with SIGKILL when a third of them have finished;
//      every change must still reach SUCCESS, each host must end at the last change, every server's scripts must
//      have run one at a time in commit order. Exits non-zero if any of that fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { freePort } from '../src/embedded/free-port.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { orchestraProcessEnv, startWorkerProcess, type WorkerProcess } from '../tests/support/worker-process.js';
import type { OrchestraHarness } from '../tests/support/orchestra-harness.js';
import { cpuDelta, cpuSnapshot, flag, labelChildProcess, machineLoad, ms, now, pct, startBenchEnv, type BenchEnv } from './orchestration-common.js';
import { checkHosts, clientsInAProcess, throughputBench, throughputChanges } from './orchestration-throughput.js';
import { configureLogger } from '../src/observability/logger.js';

const log = (message: string) => console.error(`[topology] ${message}`);
const numberFlag = (name: string, fallback: number) => {
  const value = flag(name);
  return typeof value === 'string' ? Number(value) : fallback;
};

interface ApiProcesses {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** src/bin/api.ts with `count` processes on one port, on the harness's database, Temporal and task queue. */
async function startApiProcesses(h: OrchestraHarness, count: number): Promise<ApiProcesses> {
  const port = await freePort();
  const child = spawn('node_modules/.bin/node', ['--import', './scripts/register.js', 'src/bin/api.ts'], {
    env: {
      ...(await orchestraProcessEnv(h)),
      ORCHESTRA_API_PROCESSES: String(count),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('API processes listen on port')) done();
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`the API exited (${code ?? signal}) before it listened:\n${output.join('').slice(-4000)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface ResilienceResult {
  text: string;
  ok: boolean;
}

/** A burst of `changes`, one worker SIGKILLed when a third have finished; checks outcomes, host state and order. */
async function killOneWorkerMidBurst(env: BenchEnv, apiUrl: string, workers: WorkerProcess[], changes: number): Promise<ResilienceResult> {
  const perTarget = Math.floor(changes / env.targets.length);
  const total = perTarget * env.targets.length;
  const db = env.h.orm.em.getConnection();
  const [{ max }] = await db.execute<{ max: string | null }[]>('select max(id)::text as max from script_run');
  const lastRunBefore = max ?? '0';
  const fromFinal = env.finals.length;
  const t0 = now();
  const clients = clientsInAProcess(env, perTarget, { url: apiUrl, label: 'kill' });
  const victim = workers[0];
  const killAt = Math.ceil(total / 3);
  let killedAfter = 0;
  while (env.finals.length - fromFinal < killAt) await env.nextFinal();
  await victim.kill('SIGKILL');
  killedAfter = (now() - t0) / 1000;
  log(`worker ${victim.child.pid} killed with SIGKILL after ${env.finals.length - fromFinal} of ${total} changes finished`);
  const requestMs = await clients;
  await env.finalsReached(fromFinal, total, 15 * 60_000);
  const seconds = (Math.max(...env.finals.slice(fromFinal, fromFinal + total).map((e) => e.t)) - t0) / 1000;

  const problems: string[] = [];
  const states = await db.execute<{ state: string; count: string }[]>(
    'select state, count(*)::text as count from script_run where id > ? group by state order by state',
    [lastRunBefore],
  );
  const byState = Object.fromEntries(states.map((r) => [r.state, Number(r.count)]));
  if ((byState[RunState.SUCCESS] ?? 0) !== total || states.length !== 1) problems.push(`script runs by state: ${JSON.stringify(byState)}, expected ${total} SUCCESS`);
  const operations = await db.execute<{ count: string }[]>(
    `select count(*)::text as count from operation where run_id > ? and state <> 'SUCCESS'`,
    [lastRunBefore],
  );
  if (Number(operations[0].count) !== 0) problems.push(`${operations[0].count} operations not SUCCESS`);
  // One at a time, in commit order: on each server, a run starts after the previous one (by id) finished.
  const overlaps = await db.execute<{ count: string }[]>(
    `select count(*)::text as count from (
       select started_at, lag(finished_at) over (partition by server_id order by id) as previous_finished
       from script_run where id > ?) runs
     where started_at < previous_finished`,
    [lastRunBefore],
  );
  if (Number(overlaps[0].count) !== 0) problems.push(`${overlaps[0].count} runs started before the previous run of their server finished`);
  try {
    await checkHosts(env, (t) => `echo ${t.username}-kill-${perTarget}`);
  } catch (err) {
    problems.push(String(err));
  }
  const [retried] = await db.execute<{ retried: string; replayed: string; workers: string }[]>(
    `select count(*) filter (where attempts > 1)::text as retried,
            count(*) filter (where stderr like '%already ran to completion in an earlier attempt%')::text as replayed,
            count(distinct worker)::text as workers
     from script_run where id > ?`,
    [lastRunBefore],
  );
  const text = [
    `### Resilience: ${total} changes, one of ${workers.length} workers killed with SIGKILL after ${killAt} had finished`,
    '',
    `- ${problems.length ? `**FAILED**: ${problems.join('; ')}` : `every change SUCCESS; each host ends at its last change; no server ran two scripts at once or out of commit order`}.`,
    `- the kill came ${killedAfter.toFixed(1)} s into the burst; all ${total} SUCCESS after ${seconds.toFixed(1)} s; ` +
      `${retried.retried} script runs took more than one attempt, ${retried.replayed} of them found the killed attempt's exit on the host and replayed it ` +
      `(the run-once wrapper) instead of running again; runs carried by ${retried.workers} worker identities.`,
    `- mutation request → response p50 ${ms(pct(requestMs, 50))} ms, p95 ${ms(pct(requestMs, 95))} ms.`,
  ].join('\n');
  return { text, ok: problems.length === 0 };
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  // The set-up API in this process logs every request at info: only the report goes to stdout.
  configureLogger({ level: 'warn' });
  if (!process.argv.includes('--go-temporal') && !process.argv.some((a) => a.startsWith('--temporal-address='))) process.argv.push('--go-temporal');
  const apiCount = numberFlag('api-processes', 2);
  const workerCount = numberFlag('workers', 2);
  const workers: WorkerProcess[] = [];
  const env = await startBenchEnv(['b1', 'b2', 'b3', 'b4'], {
    async engineWorkers(h) {
      for (let i = 0; i < workerCount; i++) {
        const worker = await startWorkerProcess(h);
        labelChildProcess(worker.child.pid!, `worker ${i + 1}`);
        workers.push(worker);
      }
      log(`${workerCount} worker processes poll ${h.config.temporalTaskQueue}`);
      return async () => {
        for (const worker of workers) await worker.stop();
      };
    },
  });
  let ok = false;
  const api = await startApiProcesses(env.h, apiCount);
  labelChildProcess(api.child.pid!, `${apiCount} API processes`);
  try {
    log(`${apiCount} API processes at ${api.url}`);
    const out: string[] = [`## Production topology: Go-built Temporal on PostgreSQL, ${apiCount} API processes, ${workerCount} worker processes`, ''];
    out.push(`Machine at the start: ${machineLoad()}.`, '');
    const cpuBefore = cpuSnapshot();
    out.push(await throughputBench(env, throughputChanges(), false, { apiUrl: api.url }), '');
    const resilience = await killOneWorkerMidBurst(env, api.url, workers, numberFlag('kill-changes', 400));
    out.push(resilience.text, '');
    out.push(`CPU of the whole run by process: ${cpuDelta(cpuBefore, cpuSnapshot()).text}.`);
    out.push(`Machine at the end: ${machineLoad()}.`);
    console.log(out.join('\n'));
    ok = resilience.ok;
  } finally {
    await api.stop();
    await env.close();
  }
  process.exit(ok ? 0 : 1);
}
