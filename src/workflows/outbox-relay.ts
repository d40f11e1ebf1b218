import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { relayBatches } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

/** Run by the `outbox-relay` schedule: starts batches committed but never started. Returns how many. */
export async function outboxRelayWorkflow(): Promise<number> {
  return await relayBatches();
}
