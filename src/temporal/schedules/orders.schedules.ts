import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ORDERS_CLEANUP_METRICS_WORKFLOW, ORDERS_UPDATE_WORKFLOW } from '../../workflows/contracts/billing.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/** Daily at 05:30 UTC (the original's time), never overlapping: re-evaluates services marked for periodic updates. */
export const ordersUpdateSchedule: ScheduleDeclaration = {
  name: 'orders-update',
  spec: { calendars: [{ hour: 5, minute: 30 }] },
  workflowType: ORDERS_UPDATE_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '6 hours',
};

/** Daily at 04:30 UTC: prunes metric history invoicing no longer needs. */
export const ordersCleanupMetricsSchedule: ScheduleDeclaration = {
  name: 'orders-cleanup-metrics',
  spec: { calendars: [{ hour: 4, minute: 30 }] },
  workflowType: ORDERS_CLEANUP_METRICS_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '6 hours',
};
