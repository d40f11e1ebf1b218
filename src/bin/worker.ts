// Production entry of the worker process (`npm run start:worker`): configuration from the environment only; the
// database must already be migrated. Scales horizontally: every worker polls the same task queue.
import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';

// Configuration first, before the ORM and the Temporal runtime load: a bad environment fails at once.
const config = loadConfigOrExit();
const { DefaultLogger, Runtime } = await import('@temporalio/worker');
const { Shutdown } = await import('../process/shutdown.js');
const { createOrm } = await import('../db/orm.js');
const { connectTemporalClient } = await import('../temporal/client.js');
const { registerSearchAttributes } = await import('../temporal/register-search-attributes.js');
const { bundleWorkflows, connectWorker, createWorker } = await import('../temporal/worker.js');
const { SshPool } = await import('../orchestration/ssh/ssh-pool.js');
const { SCHEDULES, reconcileSchedules } = await import('../temporal/schedules/index.js');

// Signals are ours (Shutdown), not the Temporal runtime's: it would stop the worker but not close the database.
Runtime.install({ logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'INFO'), shutdownSignals: [] });

const shutdown = new Shutdown();
shutdown.handleSignals();
const starting = (async () => {
  const orm = await createOrm(config.databaseUrl);
  shutdown.add('database connections', () => orm.close(true));
  // Idempotent: workflows started with a search attribute the namespace lacks would fail.
  const client = await connectTemporalClient(config);
  shutdown.add('Temporal client', () => client.connection.close());
  const added = await registerSearchAttributes(client.connection, config.temporalNamespace);
  if (added.length) console.log(`registered search attributes: ${added.join(', ')}`);
  for (const line of await reconcileSchedules(client, config.temporalTaskQueue, SCHEDULES)) console.log(line);
  const runner = new SshPool({ privateKeyPath: config.sshPrivateKeyPath });
  shutdown.add('SSH connections', () => runner.close());
  const connection = await connectWorker(config);
  shutdown.add('Temporal connection', () => connection.close());
  const workflowBundle = await bundleWorkflows();
  const worker = await createWorker({ connection, config, orm, client, runner, workflowBundle, options: { shutdownGraceTime: '10 seconds' } });
  const running = worker.run();
  shutdown.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  console.log(`Orchestra worker ${worker.options.identity} polling task queue ${config.temporalTaskQueue}`);
  // The worker stops by itself only on a fatal error: then the process stops too, so the supervisor restarts it.
  running.then(
    () => shutdown.run(shutdown.started ? 0 : 1),
    (err: unknown) => {
      console.error('worker failed:', err);
      return shutdown.run(1);
    },
  );
})();
shutdown.holdUntil(starting);
await starting.catch(async (err: unknown) => {
  console.error(err);
  await shutdown.run(1);
});
