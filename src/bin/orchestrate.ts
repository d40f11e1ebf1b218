// `npm run orchestrate -- <Model> [field=value …] [--server NAME] [--backend NAME] [--dry-run]`
// Regenerates and runs the configuration of the matching objects (like django-orchestra's `orchestrate` command).
// With --dry-run it prints the scripts and where they would run; nothing is written or run, and Temporal is not needed.
//
// It uses DATABASE_URL and TEMPORAL_ADDRESS (plus TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_UI_URL) when set;
// what is not set comes from the `npm start` of this clone while it runs (.data/running.json).
import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';
import { DATA_DIR, findRunningInstallation, withRunningInstallation } from '../embedded/running-installation.js';

const USAGE = 'usage: orchestrate <Model> [field=value …] [--server NAME] [--backend NAME] [--dry-run]';
const argv = process.argv.slice(2);

const { OrchestrateUsageError, parseOrchestrateArgs, planOrchestrate } = await import('../orchestration/orchestrate-command.js');
let args;
try {
  args = parseOrchestrateArgs(argv);
} catch (err) {
  if (!(err instanceof OrchestrateUsageError)) throw err;
  console.error(`orchestrate: ${err.message}\n${USAGE}`);
  process.exit(2);
}

const env = withRunningInstallation(process.env, findRunningInstallation(DATA_DIR));
const missing = ['DATABASE_URL', ...(args.dryRun ? [] : ['TEMPORAL_ADDRESS'])].filter((name) => !env[name]);
if (missing.length) {
  console.error(
    [
      `orchestrate: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set, and no \`npm start\` of this clone is running.`,
      `  Start Orchestra here with \`npm start\` and run this again, or set ${missing.join(' and ')} to the installation to use.`,
    ].join('\n'),
  );
  process.exit(1);
}
// The command signs no session token and opens no SSH connection (the worker does): those settings get placeholders,
// and so does Temporal for a dry run. Whatever is set wins; an empty variable counts as unset.
const config = loadConfigOrExit({
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  ORCHESTRA_TOKEN_SECRET: 'x'.repeat(32),
  ORCHESTRA_SSH_KEY: '-',
  ...Object.fromEntries(Object.entries(env).filter(([, value]) => value)),
});

const { createOrm } = await import('../db/orm.js');
const { renderPlan } = await import('../orchestration/collector/render-plan.js');
const { runUseCase } = await import('../use-cases/run-use-case.js');
const { systemActor } = await import('../use-cases/actor.js');
const { orchestrateObjects } = await import('../orchestration/use-cases/orchestrate-objects.js');

try {
  const orm = await createOrm(config.databaseUrl);
  try {
    const em = orm.em.fork();
    if (args.dryRun) {
      const plan = renderPlan(await planOrchestrate(em, args));
      for (const script of plan) {
        console.log(`### ${script.backend} on ${script.serverName}: ${script.operations.map((o) => `${o.action} ${o.model} ${o.objectLabel}`).join(', ')}`);
        console.log(script.script);
      }
      console.log(`${plan.length} script(s); dry run: nothing was saved or run.`);
    } else {
      const { connectTemporalClient } = await import('../temporal/client.js');
      const { TemporalBatchStarter } = await import('../orchestration/outbox/temporal-batch-starter.js');
      const { workflowHistoryUrl } = await import('../temporal/ui-links.js');
      const { serverQueueWorkflowId } = await import('../workflows/contracts/workflow-ids.js');
      const { ScriptRun } = await import('../entities/orchestration/script-run.js');
      // A use case like any change through the API: one transaction with its outbox, and an audit entry.
      const runArgs = args;
      const outcome = await runUseCase(em, systemActor('orchestrate'), 'orchestrate', (uc) => orchestrateObjects(uc, runArgs));
      const batchId = outcome.result;
      if (!batchId) console.log('nothing to do: no route selects these objects');
      else {
        const client = await connectTemporalClient(config);
        try {
          await new TemporalBatchStarter(client, config.temporalTaskQueue, orm.em).start(batchId);
        } finally {
          await client.connection.close();
        }
        const runs = await orm.em.fork().find(ScriptRun, { batch: batchId }, { populate: ['server'], orderBy: { id: 'asc' } });
        console.log(`batch ${batchId} started: ${runs.length} script(s) queued`);
        for (const run of runs) {
          const queue = workflowHistoryUrl(config.temporalUiUrl, config.temporalNamespace, serverQueueWorkflowId(config.temporalTaskQueue, run.server.id));
          console.log(`  ${run.backend} on ${run.server.getEntity().name}: ${queue}`);
        }
        console.log('follow it with the `operations` query (filter by state, server, backend).');
      }
    }
  } finally {
    await orm.close(true);
  }
} catch (err) {
  if (err instanceof OrchestrateUsageError) {
    console.error(`orchestrate: ${err.message}`);
    process.exitCode = 2;
  } else {
    // One line (a database or Temporal that does not answer, ...); the stack only when asked for.
    console.error(`orchestrate: ${err instanceof Error ? err.message : String(err)}`);
    if (config.logLevel === 'debug' && err instanceof Error) console.error(err.stack);
    process.exitCode = 1;
  }
}
