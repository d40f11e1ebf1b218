import type { ScheduleOverlapPolicy, ScheduleSpec } from '@temporalio/client';

/**
 * A Temporal Schedule Orchestra keeps: declared once (src/temporal/schedules/index.ts), reconciled at every worker
 * start (reconcile-schedules.ts). One per installation: its id carries the task queue, like workflow ids.
 */
export interface ScheduleDeclaration {
  /** Short, stable: the schedule id is `<task queue>-<name>`. */
  name: string;
  spec: ScheduleSpec;
  /** The workflow type it starts, with no arguments, on the installation's task queue. */
  workflowType: string;
  overlap: ScheduleOverlapPolicy;
  /** How late a missed action may still run (after an outage). */
  catchupWindow: string;
}

export function scheduleId(taskQueue: string, declaration: Pick<ScheduleDeclaration, 'name'>): string {
  return `${taskQueue}-${declaration.name}`;
}
