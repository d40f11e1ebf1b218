// The contract of the monitoring workflows: names, data and activities (src/activities/resources/).
import type { SearchAttributePair } from '@temporalio/common';

export const MONITOR_RESOURCE_WORKFLOW = 'monitorResourceWorkflow';
export const RESOURCE_SCHEDULE_RELAY_WORKFLOW = 'resourceScheduleRelayWorkflow';
export const MONITOR_RETENTION_WORKFLOW = 'monitorRetentionWorkflow';

export interface MonitorResourceInput {
  resourceId: string;
  /** Objects of the resource's model to measure; all when absent. */
  objectIds?: string[];
}

export interface PlannedMonitoring {
  runIds: string[];
  /** OrchestraServer / OrchestraBackend (the monitors) / OrchestraAccounts / OrchestraObjects of what it covers. */
  searchAttributes: SearchAttributePair[];
}

export interface MonitoringOutcome {
  runs: { runId: string; state: string; stored: number; malformed: number }[];
  objects: number;
  exceeded: number;
  recovered: number;
}

export interface ResourceActivities {
  /** Writes the run's MonitorRuns (one per server and monitor); null when the resource is gone or inactive. */
  planMonitoring(input: MonitorResourceInput): Promise<PlannedMonitoring | null>;
  /** Runs one monitor script over SSH (not through the configuration queue) and stores its samples. */
  runMonitor(runId: string): Promise<{ runId: string; state: string; stored: number; malformed: number }>;
  /** Recomputes usage, queues the notices of limit transitions, commits them (their saves are operations). */
  updateUsage(input: MonitorResourceInput): Promise<{ objects: number; exceeded: number; recovered: number }>;
  /** Makes the resources' Temporal Schedules match the committed resources (the schedule outbox). */
  applyScheduleChanges(): Promise<number>;
  /** Compresses old samples and deletes those past retention. */
  compressMonitorData(): Promise<{ deleted: number }>;
}
