import { log, proxyActivities } from '@temporalio/workflow';
import type { BillingActivities, MetricsCleanupResult, OrdersUpdateResult } from './contracts/billing.js';

// Paged and idempotent: a retry after a failure redoes only what is still to do. Long runs are fine (100,000 objects
// take minutes on a busy machine).
const { updatePeriodicOrders, cleanupOrderMetrics } = proxyActivities<BillingActivities>({
  startToCloseTimeout: '2 hours',
  retry: { maximumAttempts: 5, initialInterval: '10 seconds' },
});

/** Run daily by the `orders-update` schedule: re-evaluates match and metric of services marked periodic. */
export async function ordersUpdateWorkflow(): Promise<OrdersUpdateResult> {
  const result = await updatePeriodicOrders();
  log.info('orders updated', { ...result });
  return result;
}

/** Run daily by the `orders-cleanup-metrics` schedule: prunes metric history invoicing no longer reads. */
export async function ordersCleanupMetricsWorkflow(): Promise<MetricsCleanupResult> {
  const result = await cleanupOrderMetrics();
  log.info('order metrics cleaned up', { ...result });
  return result;
}
