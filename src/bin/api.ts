// Production entry of the API process (`npm run start:api`): configuration from the environment only; the database
// must already be migrated (`npm run migrate`). Scales horizontally: it keeps no state of its own. With
// ORCHESTRA_API_PROCESSES > 1 this process only starts and stops that many API processes sharing the port
// (src/api/api-processes.ts), each running this file as a node:cluster worker.
import 'reflect-metadata';
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { writeFirstAdminNotice } from '../auth/first-admin-notice.js';

// Configuration first, before the ORM and Apollo load: a bad environment fails at once with one message.
const config = loadConfigOrExit();
const { configureLogger } = await import('../observability/logger.js');
// JSON lines on stdout, for the log collector.
const log = configureLogger({ level: config.logLevel });
const { Shutdown } = await import('../process/shutdown.js');

const shutdown = new Shutdown((message) => log.info(message));
shutdown.handleSignals();
const starting = config.apiProcesses > 1 && cluster.isPrimary ? startProcesses() : startApiHere();
shutdown.holdUntil(starting);
await starting.catch(async (err: unknown) => {
  log.fatal({ err }, 'the API could not start');
  await shutdown.run(1);
});

async function startProcesses(): Promise<void> {
  const { startApiProcesses } = await import('../api/api-processes.js');
  const processes = await startApiProcesses(config.apiProcesses, { info: (m) => log.info(m), error: (m) => log.error(m) });
  shutdown.add('API processes', () => processes.stop());
}

async function startApiHere(): Promise<void> {
  // Loaded here: a primary of several processes needs none of it.
  const { createOrm } = await import('../db/orm.js');
  const { connectTemporalClient } = await import('../temporal/client.js');
  const { startApi } = await import('../api/app.js');
  const { bootstrapFirstAdmin } = await import('../auth/bootstrap.js');
  const { startTracingIfConfigured } = await import('../observability/tracing.js');
  // Traces over OTLP if configured; before the Temporal client, which takes its interceptors from it. Stopped last.
  const tracing = await startTracingIfConfigured(config.observability.otlpEndpoint, 'orchestra-api');
  if (tracing) shutdown.add('tracing', () => tracing.shutdown());
  const orm = await createOrm(config.databaseUrl);
  shutdown.add('database connections', () => orm.close(true));
  const temporal = await connectTemporalClient(config);
  shutdown.add('Temporal client', () => temporal.connection.close());
  // On an empty database only: the first administrator, whose password appears in this log once and nowhere else.
  const firstAdmin = await bootstrapFirstAdmin(orm);
  const api = await startApi({ config, orm, temporal });
  shutdown.add('API', () => api.close());
  // Again, now that Apollo is loaded: its own signal handler must not race ours.
  shutdown.handleSignals();
  log.info({ url: api.url }, `Orchestra API: ${api.url}`);
  if (firstAdmin) log.warn(writeFirstAdminNotice(firstAdmin, resolve('first-admin-password')).join('\n'));
}
