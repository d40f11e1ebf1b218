import { ScheduleOverlapPolicy } from '@temporalio/client';
import { MONITOR_RETENTION_WORKFLOW, RESOURCE_SCHEDULE_RELAY_WORKFLOW } from '../../workflows/contracts/resources.js';
import type { ScheduleDeclaration } from './schedule-declaration.js';

/** Every minute: applies resource schedule changes committed while Temporal was unreachable (src/resources/resource-schedules.ts). */
export const resourceScheduleRelaySchedule: ScheduleDeclaration = {
  name: 'resource-schedule-relay',
  spec: { intervals: [{ every: '1 minute' }] },
  workflowType: RESOURCE_SCHEDULE_RELAY_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '1 minute',
};

/** Daily at 02:30 UTC: compresses old monitor samples, deletes those past retention (src/resources/retention.ts). */
export const monitorRetentionSchedule: ScheduleDeclaration = {
  name: 'monitor-retention',
  spec: { calendars: [{ hour: 2, minute: 30 }] },
  workflowType: MONITOR_RETENTION_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '1 hour',
};
