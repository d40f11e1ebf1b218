import { proxyActivities } from '@temporalio/workflow';
import type { HealthCheckResult, SystemActivities } from './contracts/system.js';

const { checkDatabase } = proxyActivities<SystemActivities>({
  startToCloseTimeout: '5 seconds',
  // A health check reports the current state: one retry for a blip, not a long back-off that hides an outage.
  retry: { maximumAttempts: 2, initialInterval: '500 milliseconds' },
});

/**
 * Proves the whole chain works: Temporal schedules a workflow task, a worker runs it, and that worker reaches the
 * database. Backs the `systemHealth` GraphQL query (see src/temporal/health-check.ts).
 */
export async function healthCheckWorkflow(): Promise<HealthCheckResult> {
  return await checkDatabase();
}
