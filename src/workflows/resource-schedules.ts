import { proxyActivities } from '@temporalio/workflow';
import type { ResourceActivities } from './contracts/resources.js';

const { applyScheduleChanges, compressMonitorData } = proxyActivities<ResourceActivities>({ startToCloseTimeout: '30 minutes', retry: { maximumAttempts: 3 } });

/** Run by the `resource-schedule-relay` schedule: applies resource schedule changes committed but not applied yet. */
export async function resourceScheduleRelayWorkflow(): Promise<number> {
  return await applyScheduleChanges();
}

/** Run daily by the `monitor-retention` schedule. */
export async function monitorRetentionWorkflow(): Promise<{ deleted: number }> {
  return await compressMonitorData();
}
