// `npm run orchestrate -- <Model> [field=value …] [--server NAME] [--backend NAME] [--dry-run]`
// Regenerates and runs the configuration of the matching objects (like django-orchestra's `orchestrate` command).
// With --dry-run it prints the scripts and where they would run; nothing is written or run, and Temporal is not needed.
import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';

const argv = process.argv.slice(2);
const dryRun = argv.includes('--dry-run');
// A dry run needs only the database; the other settings get harmless placeholders.
const config = loadConfigOrExit(
  dryRun ? { TEMPORAL_ADDRESS: '127.0.0.1:7233', ORCHESTRA_TOKEN_SECRET: 'x'.repeat(32), ORCHESTRA_SSH_KEY: '-', ...process.env } : process.env,
);
const { createOrm } = await import('../db/orm.js');
const { OrchestrateUsageError, parseOrchestrateArgs, planOrchestrate } = await import('../orchestration/orchestrate-command.js');
const { renderPlan } = await import('../orchestration/collector/render-plan.js');
const { writeOutbox } = await import('../orchestration/outbox/write-outbox.js');

let args;
try {
  args = parseOrchestrateArgs(argv);
} catch (err) {
  if (!(err instanceof OrchestrateUsageError)) throw err;
  console.error(`orchestrate: ${err.message}\nusage: orchestrate <Model> [field=value …] [--server NAME] [--backend NAME] [--dry-run]`);
  process.exit(2);
}

const orm = await createOrm(config.databaseUrl);
try {
  const em = orm.em.fork();
  if (dryRun) {
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
    const { serverQueueWorkflowId } = await import('../workflows/workflow-ids.js');
    const { ScriptRun } = await import('../entities/orchestration/script-run.js');
    const batchId = await em.transactional(async (tx) => {
      const groups = await planOrchestrate(tx, args);
      return groups.length ? writeOutbox(tx, groups, 'orchestrate') : null;
    });
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
} catch (err) {
  if (!(err instanceof OrchestrateUsageError)) throw err;
  console.error(`orchestrate: ${err.message}`);
  process.exitCode = 2;
} finally {
  await orm.close(true);
}
