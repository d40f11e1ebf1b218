import { log, proxyActivities } from '@temporalio/workflow';
import type { PaymentsActivities, PaymentsProcessCounts } from './contracts/payments.js';

// The processing is one database transaction: a failed attempt stored nothing, and a retry takes the transactions
// still waiting. A file that does not validate fails for good (non-retryable): it would fail the same way again.
const { processWaitingTransactions } = proxyActivities<PaymentsActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 5, initialInterval: '1 minute' },
});

/** Run by the `payments.process` schedule: every SEPA transaction waiting processing into its file. */
export async function paymentsProcessWorkflow(): Promise<PaymentsProcessCounts> {
  const result = await processWaitingTransactions();
  log.info('payments processed', { ...result });
  return result;
}
