import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { outboxRelayWorkflow } from '../workflows/outbox-relay.js';

/** One schedule per installation (task queue), like the workflow ids (src/workflows/workflow-ids.ts). */
export function relayScheduleId(taskQueue: string): string {
  return `${taskQueue}-outbox-relay`;
}

/**
 * The outbox relay as a Temporal Schedule (every minute, never overlapping): it starts any batch committed while
 * Temporal was unreachable. The API also sweeps once at start-up. Created by workers at start; idempotent.
 */
export async function ensureRelaySchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: relayScheduleId(taskQueue),
      spec: { intervals: [{ every: '1 minute' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: { type: 'startWorkflow', workflowType: 'outboxRelayWorkflow' satisfies typeof outboxRelayWorkflow.name, taskQueue, args: [] },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
