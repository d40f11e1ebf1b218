import { outboxRelaySchedule } from './outbox-relay.schedule.js';
import { monitorRetentionSchedule, resourceScheduleRelaySchedule } from './resource-schedules.schedule.js';
import { ordersCleanupMetricsSchedule, ordersUpdateSchedule } from './orders.schedules.js';
import { billingInvoiceSchedule } from './billing-invoice.schedule.js';
import { paymentsProcessSchedule } from './payments-process.schedule.js';
import { renewCertificatesSchedule } from './websites.schedules.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/** Every schedule Orchestra keeps: the one list a new scheduled workflow (monitoring, invoicing…) is added to. */
export const SCHEDULES: readonly ScheduleDeclaration[] = [outboxRelaySchedule, resourceScheduleRelaySchedule, monitorRetentionSchedule, ordersUpdateSchedule, ordersCleanupMetricsSchedule, billingInvoiceSchedule, paymentsProcessSchedule, renewCertificatesSchedule];

export { reconcileSchedules } from './reconcile-schedules.js';
export { relayScheduleId } from './outbox-relay.schedule.js';
export { ordersCleanupMetricsSchedule, ordersUpdateSchedule } from './orders.schedules.js';
export { renewCertificatesSchedule } from './websites.schedules.js';
