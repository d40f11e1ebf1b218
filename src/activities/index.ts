import type { Client } from '@temporalio/client';
import type { Orm } from '../db/orm.js';
import type { ScriptRunner } from '../orchestration/ssh/index.js';
import { checkDatabaseActivity } from './check-database.js';
import { claimNextRunActivity } from './claim-next-run.js';
import { markRunActivity } from './mark-run.js';
import { runScriptActivity } from './run-script.js';
import { relayBatchesActivity } from './relay-batches.js';

/** What activities may use. Passed in by the worker (no globals), so tests can hand in a test database. */
export interface ActivityDeps {
  orm: Orm;
  workerIdentity: string;
  /** Runs scripts on servers (the SSH pool in production). */
  runner: ScriptRunner;
  /** For activities that start or signal workflows (the relay waking server queues). */
  temporal: Client;
  taskQueue: string;
}

/**
 * Every activity the worker registers, built from its dependencies (the factory style of temporalio/samples-typescript).
 * Workflows see only the type, `Activities`, through `proxyActivities<Activities>()`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    checkDatabase: checkDatabaseActivity(deps),
    claimNextRun: claimNextRunActivity(deps),
    runScript: runScriptActivity(deps),
    markRun: markRunActivity(deps),
    relayBatches: relayBatchesActivity(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { HealthCheckResult } from './check-database.js';
