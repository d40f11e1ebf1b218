// Workflow ids of the orchestration workflows. Ids are unique per Temporal namespace, and batch, server and run
// numbers are per database, so they carry the task queue (one per Orchestra installation; `orchestra` by default):
// two installations (or test databases) sharing a namespace never collide. Pure: used by workflows and clients.

export function batchWorkflowId(taskQueue: string, batchId: string): string {
  return `${taskQueue}-batch-${batchId}`;
}

export function serverQueueWorkflowId(taskQueue: string, serverId: string): string {
  return `${taskQueue}-server-${serverId}`;
}

export function scriptRunWorkflowId(taskQueue: string, runId: string): string {
  return `${taskQueue}-run-${runId}`;
}
