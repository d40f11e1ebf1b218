import { proxyActivities } from '@temporalio/workflow';
import type { OrchestrationActivities } from './contracts/orchestration.js';

const { relayBatches } = proxyActivities<OrchestrationActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

/** Run by the `outbox-relay` schedule: starts batches committed but never started. Returns how many. */
export async function outboxRelayWorkflow(): Promise<number> {
  return await relayBatches();
}
