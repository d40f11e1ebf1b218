import { log, proxyActivities } from '@temporalio/workflow';
import type { InvoiceRunCounts, InvoicingActivities } from './contracts/invoicing.js';

// Each account is billed in a transaction of its own and a billed order is never billed again for the same period, so
// a retry after a failure (or a crash mid-run) completes what is left and doubles nothing.
const { invoicePendingOrders } = proxyActivities<InvoicingActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '5 minutes',
  retry: { maximumAttempts: 5, initialInterval: '1 minute' },
});

/** Run by the `billing.invoice` schedule: bills every pending order up to today. */
export async function billingInvoiceWorkflow(): Promise<InvoiceRunCounts> {
  const result = await invoicePendingOrders();
  log.info('invoiced', { ...result });
  return result;
}
