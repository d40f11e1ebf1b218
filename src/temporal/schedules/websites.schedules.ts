import { ScheduleOverlapPolicy } from '@temporalio/client';
import { RENEW_CERTIFICATES_WORKFLOW } from '../../workflows/contracts/web.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/**
 * Daily at 03:15 UTC, never overlapping: every https website's certificate is checked on its servers and renewed
 * when it expires within ORCHESTRA_ACME_RENEW_DAYS (30); only servers where one was renewed reload, once.
 */
export const renewCertificatesSchedule: ScheduleDeclaration = {
  name: 'websites.renew-certificates',
  spec: { calendars: [{ hour: 3, minute: 15 }] },
  workflowType: RENEW_CERTIFICATES_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '12 hours',
};
