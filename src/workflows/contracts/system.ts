// The contract of the system workflows (health check): data and activities.

/** What a health check reports: the database the worker reaches, the database's clock, and which worker ran it. */
export interface HealthCheckResult {
  /** `select version()`, e.g. "PostgreSQL 18.4 on x86_64-pc-linux-gnu, ...". */
  database: string;
  /** The database server's `now()`, ISO 8601. */
  checkedAt: string;
  workerIdentity: string;
}

export const HEALTH_CHECK_WORKFLOW = 'healthCheckWorkflow';

/** The activities of the system workflows (src/activities/system/). */
export interface SystemActivities {
  checkDatabase(): Promise<HealthCheckResult>;
}
