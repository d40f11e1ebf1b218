// Observability overhead on the orchestration throughput path, on versus off in the same run (issue 16): rounds of N
// crontab changes over the 4 loopback servers (4 GraphQL clients, as orchestration-throughput.ts), until all SUCCESS,
// alternating
//   off  no tracing SDK (bundle, worker and client without the OpenTelemetry interceptors), nobody scrapes /metrics
//   on   tracing to an OTLP/HTTP collector (a process of its own, like a real one; a child of this one, so its CPU is counted and shown apart), the
//        OpenTelemetry interceptors in the worker and on the API's Temporal client, and /metrics of the API and of the
//        worker scraped every second (15× the usual 15 s, so the scrape cost shows)
// and compares CPU per change of every process involved (this one: API, worker, clients; Temporal; PostgreSQL; sshd
// and the scripts). The process-local metric observations (histograms, counters) cannot be switched off: both sides
// pay them (bench/observability-overhead.ts measures them alone).
//   node_modules/.bin/node --import ./scripts/register.js bench/observability-on-off.ts [--changes=200] [--rounds=2]
import { spawn } from 'node:child_process';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UpdateCrontabDocument } from '../tests/generated/graphql.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { startTracing } from '../src/observability/start-tracing.js';
import { startWorkerMetrics } from '../src/observability/worker-metrics.js';
import { cpuDelta, cpuSnapshot, flag, machineLoad, now, startBenchEnv, table, type BenchEnv } from './orchestration-common.js';

const changes = Number(flag('changes') ?? 200);
const rounds = Number(flag('rounds') ?? 2);
const log = (message: string) => console.error(`[bench] ${message}`);

/** A stand-in OTLP/HTTP collector in its own process: reads each export and answers 200. */
async function startCollectorProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', `
    const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill('SIGTERM') };
}

let round = 0;
async function measure(env: BenchEnv, label: string): Promise<{ label: string; seconds: number; cpuPerChange: number; text: string }> {
  const { h, targets } = env;
  const perTarget = Math.floor(changes / targets.length);
  const total = perTarget * targets.length;
  const fromFinal = env.finals.length;
  round++;
  const before = cpuSnapshot();
  const t0 = now();
  await Promise.all(
    targets.map(async (target) => {
      for (let i = 1; i <= perTarget; i++) {
        const result = await h.admin.data(UpdateCrontabDocument, { input: { id: target.crontabGlobalId, command: `echo ${target.username}-oo-${round}-${i}` } });
        if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
      }
    }),
  );
  await env.finalsReached(fromFinal, total, 20 * 60_000);
  const seconds = (now() - t0) / 1000;
  const used = cpuDelta(before, cpuSnapshot());
  const failed = env.finals.slice(fromFinal, fromFinal + total).filter((e) => e.state !== RunState.SUCCESS);
  if (failed.length) throw new Error(`${failed.length} runs did not succeed`);
  log(`${label}: ${total} changes in ${seconds.toFixed(1)} s, ${((used.total * 1000) / total).toFixed(1)} CPU ms per change (${machineLoad()})`);
  return { label, seconds, cpuPerChange: (used.total * 1000) / total, text: used.text };
}

const env = await startBenchEnv();
const collector = await startCollectorProcess();
const clientInterceptors = env.h.temporal.workflow.options.interceptors as WorkflowClientInterceptor[];
const metricsUrl = env.h.api.url.replace(/\/graphql$/, '/metrics');
const loadBefore = machineLoad();
const results: Awaited<ReturnType<typeof measure>>[] = [];
try {
  await measure(env, 'warm-up (off)');
  for (let r = 0; r < rounds; r++) {
    results.push(await measure(env, 'off'));

    // On: the SDK, a worker whose bundle and activities carry the interceptors, the API's client interceptor, scrapes.
    const tracing = startTracing({ serviceName: 'orchestra-bench', exporter: new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }) });
    await env.restartEngineWorker();
    const clientInterceptor = new OpenTelemetryWorkflowClientInterceptor();
    clientInterceptors.push(clientInterceptor);
    const workerMetrics = await startWorkerMetrics({ ...env.h.config, observability: { ...env.h.config.observability, workerMetricsPort: 0 } }, env.h.temporal, env.h.runner);
    const scrape = setInterval(() => {
      void fetch(metricsUrl).then((r) => r.text()).catch(() => undefined);
      if (workerMetrics) void fetch(workerMetrics.url).then((r) => r.text()).catch(() => undefined);
    }, 1000);
    try {
      results.push(await measure(env, 'on'));
    } finally {
      clearInterval(scrape);
      await workerMetrics?.close();
      clientInterceptors.splice(clientInterceptors.indexOf(clientInterceptor), 1);
      await tracing.shutdown();
      await env.restartEngineWorker();
    }
  }
} finally {
  collector.stop();
  await env.close();
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const off = mean(results.filter((r) => r.label === 'off').map((r) => r.cpuPerChange));
const on = mean(results.filter((r) => r.label === 'on').map((r) => r.cpuPerChange));
console.log(`### Observability on vs off: ${changes} changes per round, ${rounds} rounds each, alternating (${loadBefore} before, ${machineLoad()} after)`);
console.log('');
console.log(table(['round', 'seconds', 'CPU ms per change (all processes)'], results.map((r) => [r.label, r.seconds.toFixed(1), r.cpuPerChange.toFixed(1)])));
console.log('');
console.log(`Mean CPU per change: off ${off.toFixed(1)} ms, on ${on.toFixed(1)} ms: **${(((on - off) / off) * 100).toFixed(1)} %**.`);
for (const r of results) console.log(`- ${r.label}: ${r.text}`);
