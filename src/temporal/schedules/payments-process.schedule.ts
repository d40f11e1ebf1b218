import { ScheduleOverlapPolicy } from '@temporalio/client';
import { PAYMENTS_PROCESS_WORKFLOW } from '../../workflows/contracts/payments.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/**
 * SEPA files for the transactions waiting processing (the original made them when an admin clicked): daily at 07:00
 * UTC by default, after the monthly invoicing; `ORCHESTRA_PAYMENTS_SCHEDULE` takes a cron expression instead. Never
 * overlapping; a run missed during an outage still runs within a day.
 */
export const paymentsProcessSchedule: ScheduleDeclaration = {
  name: 'payments.process',
  spec: process.env.ORCHESTRA_PAYMENTS_SCHEDULE ? { cronExpressions: [process.env.ORCHESTRA_PAYMENTS_SCHEDULE] } : { calendars: [{ hour: 7, minute: 0 }] },
  workflowType: PAYMENTS_PROCESS_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '1 day',
};
