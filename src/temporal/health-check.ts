import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { HEALTH_CHECK_WORKFLOW, type HealthCheckResult } from '../workflows/contracts/system.js';
import { ObjectSearchAttribute } from './search-attributes.js';

/**
 * Runs healthCheckWorkflow on the task queue and waits for its result (at most 10 s: no worker, no answer).
 * Returns the workflow and run ids too, so a caller can link to the run (ui-links.ts). The workflow is started by
 * name with a type-only import: the API process does not load workflow code.
 */
export async function runHealthCheck(
  client: Client,
  taskQueue: string,
): Promise<HealthCheckResult & { workflowId: string; runId: string }> {
  const handle = await client.workflow.start<() => Promise<HealthCheckResult>>(HEALTH_CHECK_WORKFLOW, {
    taskQueue,
    workflowId: `health-${randomUUID()}`,
    workflowExecutionTimeout: '10 seconds',
    typedSearchAttributes: [{ key: ObjectSearchAttribute, value: 'health' }],
  });
  const result = await handle.result();
  return { ...result, workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}
