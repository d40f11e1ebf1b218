import type { Orm } from '../../db/orm.js';
import type { HealthCheckResult } from '../../workflows/contracts/system.js';

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
