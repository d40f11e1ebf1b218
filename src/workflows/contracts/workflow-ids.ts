// Workflow ids of the orchestration workflows. Ids are unique per Temporal namespace, and server and run
// numbers are per database, so they carry the task queue (one per Orchestra installation; `orchestra` by default):
// two installations (or test databases) sharing a namespace never collide. Pure: used by workflows and clients.

export function serverQueueWorkflowId(taskQueue: string, serverId: string): string {
  return `${taskQueue}-server-${serverId}`;
}

export function scriptRunWorkflowId(taskQueue: string, runId: string): string {
  return `${taskQueue}-run-${runId}`;
}

/** One e-mail of a bill (a `bill_email` row): starting it twice is refused by Temporal while it runs. */
export function billEmailWorkflowId(taskQueue: string, billEmailId: string): string {
  return `${taskQueue}-bill-email-${billEmailId}`;
}
