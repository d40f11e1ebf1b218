import { ScheduleOverlapPolicy } from '@temporalio/client';
import { BILLING_INVOICE_WORKFLOW } from '../../workflows/contracts/invoicing.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/**
 * Invoicing on a schedule (the original only billed when an admin clicked): monthly by default, on the 1st at 06:00
 * UTC, after the daily orders update; `ORCHESTRA_INVOICE_SCHEDULE` takes a cron expression instead. Never
 * overlapping; a run missed during an outage still runs within 3 days.
 */
export const billingInvoiceSchedule: ScheduleDeclaration = {
  name: 'billing.invoice',
  spec: process.env.ORCHESTRA_INVOICE_SCHEDULE ? { cronExpressions: [process.env.ORCHESTRA_INVOICE_SCHEDULE] } : { calendars: [{ dayOfMonth: 1, hour: 6, minute: 0 }] },
  workflowType: BILLING_INVOICE_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '3 days',
};
