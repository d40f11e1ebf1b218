import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { dispatchBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Dispatching only signals server queues; keep trying while Temporal or the database is having a moment.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One committed unit of work (workflow id `<queue>-batch-<id>`): hands each of its scripts to its server's queue. The
 * scripts were rendered and stored with the commit (the outbox), so this only wakes the queues; each queue picks
 * its scripts up in commit order.
 */
export async function batchWorkflow(input: { batchId: string }): Promise<{ servers: string[] }> {
  const servers = await dispatchBatch(input.batchId);
  return { servers };
}
