// Production entry of the worker process (`npm run start:worker`): configuration from the environment only; the
// database must already be migrated. Scales horizontally: every worker polls the same task queue.
import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';

// Configuration first, before the ORM and the Temporal runtime load: a bad environment fails at once.
const config = loadConfigOrExit();
const { configureLogger } = await import('../observability/logger.js');
// JSON lines on stdout, for the log collector.
const log = configureLogger({ level: config.logLevel });
const { DefaultLogger, Runtime } = await import('@temporalio/worker');
const { temporalRuntimeTelemetry } = await import('../observability/temporal-runtime-telemetry.js');
const { Shutdown } = await import('../process/shutdown.js');
const { createOrm } = await import('../db/orm.js');
const { connectTemporalClient } = await import('../temporal/client.js');
const { registerSearchAttributes } = await import('../temporal/register-search-attributes.js');
const { bundleWorkflows, connectWorker, createWorker } = await import('../temporal/worker.js');
const { SshPool } = await import('../orchestration/ssh/ssh-pool.js');
const { SCHEDULES, reconcileSchedules } = await import('../temporal/schedules/index.js');
const { startWorkerMetrics } = await import('../observability/worker-metrics.js');
const { startTracingIfConfigured } = await import('../observability/tracing.js');

// Signals are ours (Shutdown), not the Temporal runtime's: it would stop the worker but not close the database.
// The SDK's own log lines go through our logger; its core metrics to a Prometheus endpoint of their own, if configured.
Runtime.install({
  logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'INFO', ({ level, message, meta }) => log[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')]({ sdk: meta }, message)),
  shutdownSignals: [],
  ...temporalRuntimeTelemetry(config),
});

const shutdown = new Shutdown((message) => log.info(message));
shutdown.handleSignals();
const starting = (async () => {
  // Traces over OTLP if configured; before the client, the bundle and the worker, which take their interceptors from
  // it. Stopped last, so the worker's last spans are flushed.
  const tracing = await startTracingIfConfigured(config.observability.otlpEndpoint, 'orchestra-worker');
  if (tracing) shutdown.add('tracing', () => tracing.shutdown());
  const orm = await createOrm(config.databaseUrl);
  shutdown.add('database connections', () => orm.close(true));
  // Idempotent: workflows started with a search attribute the namespace lacks would fail.
  const client = await connectTemporalClient(config);
  shutdown.add('Temporal client', () => client.connection.close());
  const added = await registerSearchAttributes(client.connection, config.temporalNamespace);
  if (added.length) log.info(`registered search attributes: ${added.join(', ')}`);
  for (const line of await reconcileSchedules(client, config.temporalTaskQueue, SCHEDULES)) log.info(line);
  const runner = new SshPool({ privateKeyPath: config.sshPrivateKeyPath });
  shutdown.add('SSH connections', () => runner.close());
  const metrics = await startWorkerMetrics(config, client, runner);
  if (metrics) {
    shutdown.add('metrics endpoint', () => metrics.close());
    log.info({ url: metrics.url }, `worker metrics on ${metrics.url}`);
  }
  const connection = await connectWorker(config);
  shutdown.add('Temporal connection', () => connection.close());
  const workflowBundle = await bundleWorkflows();
  const worker = await createWorker({ connection, config, orm, client, runner, workflowBundle, options: { shutdownGraceTime: '10 seconds' } });
  const running = worker.run();
  shutdown.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  log.info(`Orchestra worker ${worker.options.identity} polling task queue ${config.temporalTaskQueue}`);
  // The worker stops by itself only on a fatal error: then the process stops too, so the supervisor restarts it.
  running.then(
    () => shutdown.run(shutdown.started ? 0 : 1),
    (err: unknown) => {
      log.fatal({ err }, 'worker failed');
      return shutdown.run(1);
    },
  );
})();
shutdown.holdUntil(starting);
await starting.catch(async (err: unknown) => {
  log.fatal({ err }, 'the worker could not start');
  await shutdown.run(1);
});
