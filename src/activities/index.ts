import type { Orm } from '../db/orm.js';
import { checkDatabaseActivity } from './check-database.js';

/** What activities may use. Passed in by the worker (no globals), so tests can hand in a test database. */
export interface ActivityDeps {
  orm: Orm;
  workerIdentity: string;
}

/**
 * Every activity the worker registers, built from its dependencies (the factory style of temporalio/samples-typescript).
 * Workflows see only the type, `Activities`, through `proxyActivities<Activities>()`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    checkDatabase: checkDatabaseActivity(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { HealthCheckResult } from './check-database.js';
