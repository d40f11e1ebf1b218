import { proxyActivities } from '@temporalio/workflow';
import type { BillEmailActivities } from './contracts/bill-email.js';
import type { OrchestrationActivities } from './contracts/orchestration.js';

const { relayBatches } = proxyActivities<OrchestrationActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });
const { relayBillEmails } = proxyActivities<BillEmailActivities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

/**
 * Run by the `outbox-relay` schedule: starts batches committed but never started, and the bill e-mails likewise
 * (src/bills/email/). Returns how many batches.
 */
export async function outboxRelayWorkflow(): Promise<number> {
  const batches = await relayBatches();
  await relayBillEmails();
  return batches;
}
