// Observability overhead on the orchestration throughput path, in one run (issue 16): rounds of N crontab changes over
// the 4 loopback servers (4 GraphQL clients, as orchestration-throughput.ts), until all SUCCESS, interleaving
//   off      no tracing SDK (bundle, worker and client without the OpenTelemetry interceptors), nobody scrapes /metrics
//   tracing  tracing only: the SDK exporting over OTLP/HTTP to a collector (a process of its own, like a real one; a
//            child of this one, so its CPU is counted and shown apart), the interceptors in a new worker and on the
//            API's Temporal client; nobody scrapes
//   metrics  metrics scraped only: /metrics of the API and of a worker endpoint, every --scrape-interval seconds
//            (Prometheus's usual 15 s by default)
//   on       both
// and compares CPU per change of every process involved (this one: API, worker, clients; Temporal; PostgreSQL; sshd
// and the scripts), with the machine's load; each round also above what the processes use idle (measured for
// --idle-seconds before it), since a round slowed by the machine's load pays more idle polling. Every round starts a
// new engine worker (with the interceptors only when tracing), whose replay of the server queues' histories is done
// (by a query) before the round is measured; each cycle of modes is in another order. The process-local metric
// observations (histograms, counters) and log lines cannot be switched off: every mode pays them
// (bench/observability-overhead.ts measures them alone).
// --modes=off,tracing runs only those modes; --profile writes a CPU profile of this process's main thread per round
// (node:inspector, started and stopped around the round only) and prints its top items. The workflow sandbox runs in a
// worker thread of its own: run with `node --cpu-prof --cpu-prof-dir=DIR` to get its profile too (one file per thread;
// every round's worker has a new thread).
//   node_modules/.bin/node --import ./scripts/register.js bench/observability-on-off.ts [--changes=200] [--rounds=2] [--scrape-interval=15] [--idle-seconds=10] [--modes=off,tracing] [--profile]
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UpdateCrontabDocument } from '../tests/generated/graphql.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { startTracing } from '../src/observability/start-tracing.js';
import { startWorkerMetrics } from '../src/observability/worker-metrics.js';
import { cpuSnapshot, flag, machineLoad, now, startBenchEnv, table, type BenchEnv } from './orchestration-common.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { summariseCpuProfile, type CpuProfile } from './cpu-profile-summary.js';

const changes = Number(flag('changes') ?? 200);
const rounds = Number(flag('rounds') ?? 2);
const scrapeIntervalMs = Number(flag('scrape-interval') ?? 15) * 1000;
const idleSeconds = Number(flag('idle-seconds') ?? 10);
const log = (message: string) => console.error(`[bench] ${message}`);

type Mode = 'off' | 'tracing' | 'metrics' | 'on';
const MODES: Mode[] = ((flag('modes') as string | undefined)?.split(',') as Mode[] | undefined) ?? ['off', 'tracing', 'metrics', 'on'];
const profileDir = flag('profile') !== undefined ? mkdtempSync(join(tmpdir(), 'orchestra-on-off-profile-')) : null;

/** Profiles this process's main thread while `fn` runs (with --profile), and prints the profile's top items. */
async function profiled<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!profileDir) return fn();
  const session = new Session();
  session.connect();
  const post = <R>(method: string) =>
    new Promise<R>((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as R))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    session.disconnect();
    const file = join(profileDir, `${round}-${label.replace(/\W+/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`#### Main thread profile, round ${round} (${label}): ${file}\n\n${summariseCpuProfile(profile, 30)}\n`);
  }
}

/** A stand-in OTLP/HTTP collector in its own process: reads each export and answers 200. */
async function startCollectorProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', `
    const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill('SIGTERM') };
}

const BENCH = 'bench process (API + worker + clients)';
interface Result { label: string; seconds: number; cpuPerChange: number; aboveIdle: number; byProcess: Map<string, number>; benchRaw: number; load: number }

/**
 * CPU seconds per second of each process with nothing to do (Temporal's and the worker's polls, PostgreSQL): a round
 * that takes longer on a loaded machine pays more of it, so each round's share is subtracted to compare the modes.
 */
async function idleRates(seconds: number): Promise<Map<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = cpuSnapshot();
  const t0 = now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (now() - t0) / 1000;
  const after = cpuSnapshot();
  return new Map([...after].map(([name, value]) => [name, (value - (before.get(name) ?? 0)) / elapsed]));
}

let round = 0;
async function measure(env: BenchEnv, label: string, idle: Map<string, number>): Promise<Result> {
  const { h, targets } = env;
  const perTarget = Math.floor(changes / targets.length);
  const total = perTarget * targets.length;
  const fromFinal = env.finals.length;
  round++;
  const before = cpuSnapshot();
  const t0 = now();
  await profiled(label, async () => {
    await Promise.all(
      targets.map(async (target) => {
        for (let i = 1; i <= perTarget; i++) {
          const result = await h.admin.data(UpdateCrontabDocument, { input: { id: target.crontabGlobalId, command: `echo ${target.username}-oo-${round}-${i}` } });
          if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
        }
      }),
    );
    await env.finalsReached(fromFinal, total, 20 * 60_000);
  });
  const seconds = (now() - t0) / 1000;
  const after = cpuSnapshot();
  const failed = env.finals.slice(fromFinal, fromFinal + total).filter((e) => e.state !== RunState.SUCCESS);
  if (failed.length) throw new Error(`${failed.length} runs did not succeed`);
  // CPU ms per change of each process (subtree) over the round, and above what it uses idle in as many seconds.
  const used = [...after].map(([name, value]) => [name, value - (before.get(name) ?? 0)] as const);
  const cpuPerChange = (used.reduce((a, [, v]) => a + v, 0) * 1000) / total;
  const byProcess = new Map(used.map(([name, v]) => [name, ((v - (idle.get(name) ?? 0) * seconds) * 1000) / total]));
  const aboveIdle = [...byProcess.values()].reduce((a, b) => a + b, 0);
  log(`${label}: ${total} changes in ${seconds.toFixed(1)} s, ${cpuPerChange.toFixed(1)} CPU ms per change, ${aboveIdle.toFixed(1)} above idle (${machineLoad()})`);
  const benchRaw = ((used.find(([name]) => name === BENCH)?.[1] ?? 0) * 1000) / total;
  return { label, seconds, cpuPerChange, aboveIdle, byProcess, benchRaw, load: loadavg()[0]! };
}

const env = await startBenchEnv();
const collector = await startCollectorProcess();
const clientInterceptors = env.h.temporal.workflow.options.interceptors as WorkflowClientInterceptor[];
const metricsUrl = env.h.api.url.replace(/\/graphql$/, '/metrics');
const loadBefore = machineLoad();
const results: Result[] = [];

/** Turns tracing and/or scraping on for one round, as an installation configured so would run. */
async function inMode(mode: Mode, fn: () => Promise<void>): Promise<void> {
  const undo: (() => Promise<void> | void)[] = [];
  try {
    if (mode === 'tracing' || mode === 'on') {
      const tracing = startTracing({ serviceName: 'orchestra-bench', exporter: new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }) });
      undo.push(() => tracing.shutdown());
      const clientInterceptor = new OpenTelemetryWorkflowClientInterceptor();
      clientInterceptors.push(clientInterceptor);
      undo.push(() => void clientInterceptors.splice(clientInterceptors.indexOf(clientInterceptor), 1));
    }
    if (mode === 'metrics' || mode === 'on') {
      const workerMetrics = await startWorkerMetrics({ ...env.h.config, observability: { ...env.h.config.observability, workerMetricsPort: 0 } }, env.h.temporal, env.h.runner);
      const scrapeAll = () => {
        void fetch(metricsUrl).then((r) => r.text()).catch(() => undefined);
        if (workerMetrics) void fetch(workerMetrics.url).then((r) => r.text()).catch(() => undefined);
      };
      scrapeAll();
      const scrape = setInterval(scrapeAll, scrapeIntervalMs);
      undo.push(async () => {
        clearInterval(scrape);
        await workerMetrics?.close();
      });
    }
    // Every mode gets a new worker (with the interceptors only when tracing), so none pays a cold worker alone.
    await env.restartEngineWorker();
    // A new worker replays each server queue's history (one workflow each, up to 500 runs long) at its first task:
    // a cost of the restart, which grows with every round, not of the changes. A query makes it happen now.
    await Promise.all(env.targets.map((t) => env.h.temporal.workflow.getHandle(serverQueueWorkflowId(env.h.config.temporalTaskQueue, t.serverId)).query('queueState')));
    await fn();
  } finally {
    for (const step of undo.reverse()) await step();
  }
}

try {
  await measure(env, 'warm-up (off)', await idleRates(idleSeconds));
  for (let r = 0; r < rounds; r++) {
    // Each cycle in another order (rotated), so no mode always comes first or last in a cycle.
    for (const mode of [...MODES.slice(r % MODES.length), ...MODES.slice(0, r % MODES.length)]) {
      const idle = await idleRates(idleSeconds);
      await inMode(mode, async () => void results.push(await measure(env, mode, idle)));
    }
  }
} finally {
  collector.stop();
  await env.close();
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const processes = [...new Set(results.flatMap((r) => [...r.byProcess.keys()]))].filter((name) => results.some((r) => (r.byProcess.get(name) ?? 0) >= 0.5));
const short = (name: string) => (name === BENCH ? 'bench process' : name);
console.log(`### Observability modes: ${changes} changes per round, ${rounds} rounds each, interleaved, scrapes every ${scrapeIntervalMs / 1000} s (${loadBefore} before, ${machineLoad()} after)`);
console.log('');
console.log(table(
  ['round', 'seconds', 'CPU ms per change (all)', 'above idle (all)', 'bench process (raw)', ...processes.map((p) => `${short(p)} above idle`), 'load (1 min, at end)'],
  results.map((r) => [r.label, r.seconds.toFixed(1), r.cpuPerChange.toFixed(1), r.aboveIdle.toFixed(1), r.benchRaw.toFixed(1), ...processes.map((p) => (r.byProcess.get(p) ?? 0).toFixed(1)), r.load.toFixed(1)]),
));
console.log('');
const off = mean(results.filter((r) => r.label === 'off').map((r) => r.aboveIdle));
const offRaw = mean(results.filter((r) => r.label === 'off').map((r) => r.cpuPerChange));
const offBench = mean(results.filter((r) => r.label === 'off').map((r) => r.byProcess.get(BENCH) ?? 0));
for (const mode of MODES.filter((m) => m !== 'off')) {
  const these = results.filter((r) => r.label === mode);
  const all = mean(these.map((r) => r.aboveIdle));
  const bench = mean(these.map((r) => r.byProcess.get(BENCH) ?? 0));
  const raw = mean(these.map((r) => r.cpuPerChange));
  console.log(`- ${mode} vs off, raw: all processes ${offRaw.toFixed(1)} → ${raw.toFixed(1)} ms per change (${(((raw - offRaw) / offRaw) * 100).toFixed(1)} %)`);
  console.log(`- ${mode} vs off, above idle: all processes ${off.toFixed(1)} → ${all.toFixed(1)} ms per change (**${(((all - off) / off) * 100).toFixed(1)} %**); bench process ${offBench.toFixed(1)} → ${bench.toFixed(1)} ms (${(((bench - offBench) / offBench) * 100).toFixed(1)} %)`);
}
