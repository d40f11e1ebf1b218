// The contract of the billing workflows (the orders schedules): names, data and activities.

export const ORDERS_UPDATE_WORKFLOW = 'ordersUpdateWorkflow';
export const ORDERS_CLEANUP_METRICS_WORKFLOW = 'ordersCleanupMetricsWorkflow';

/** What a periodic orders update did, over every active service marked for periodic updates. */
export interface OrdersUpdateResult {
  services: number;
  objects: number;
  pages: number;
  created: number;
  updated: number;
  cancelled: number;
  unchanged: number;
  metricFailures: number;
}

export interface MetricsCleanupResult {
  deleted: number;
  pages: number;
}

/** The activities of the billing workflows (src/activities/billing/). */
export interface BillingActivities {
  updatePeriodicOrders(): Promise<OrdersUpdateResult>;
  cleanupOrderMetrics(): Promise<MetricsCleanupResult>;
}
