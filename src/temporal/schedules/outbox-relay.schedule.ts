import { ScheduleOverlapPolicy } from '@temporalio/client';
import { OUTBOX_RELAY_WORKFLOW } from '../../workflows/contracts/orchestration.js';
import { scheduleId, type ScheduleDeclaration } from './schedule-declaration.js';

/**
 * The outbox relay every minute, never overlapping: it starts any batch committed while Temporal was unreachable
 * (the API also sweeps once at start-up).
 */
export const outboxRelaySchedule: ScheduleDeclaration = {
  name: 'outbox-relay',
  spec: { intervals: [{ every: '1 minute' }] },
  workflowType: OUTBOX_RELAY_WORKFLOW,
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '1 minute',
};

export function relayScheduleId(taskQueue: string): string {
  return scheduleId(taskQueue, outboxRelaySchedule);
}
