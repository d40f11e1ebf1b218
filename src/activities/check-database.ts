import type { Orm } from '../db/orm.js';

/** What a health check reports: the database the worker reaches, the database's clock, and which worker ran it. */
export interface HealthCheckResult {
  /** `select version()`, e.g. "PostgreSQL 18.4 on x86_64-pc-linux-gnu, ...". */
  database: string;
  /** The database server's `now()`, ISO 8601. */
  checkedAt: string;
  workerIdentity: string;
}

/**
 * Activity: one round trip to PostgreSQL through the ORM's connection, proving the worker can reach the database.
 * The worker identity comes from the dependencies because activities cannot read it from their context.
 */
export function checkDatabaseActivity(deps: { orm: Orm; workerIdentity: string }) {
  return async function checkDatabase(): Promise<HealthCheckResult> {
    const rows = await deps.orm.em
      .getConnection()
      .execute<{ version: string; now: Date }[]>('select version() as version, now() as now');
    const row = rows[0]!;
    return { database: row.version, checkedAt: new Date(row.now).toISOString(), workerIdentity: deps.workerIdentity };
  };
}
