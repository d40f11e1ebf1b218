/**
 * Deep links into the Temporal Web UI (routes of temporalio/ui, see reference/temporal-sdk.md §7), so operators go
 * from an API object straight to the workflow that handled it.
 *
 * With a run id: that run's history page. Without: the workflow id's page, which the UI redirects to its latest run.
 */
export function workflowHistoryUrl(uiBase: string, namespace: string, workflowId: string, runId?: string): string {
  const workflow = `${uiBase.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${workflow}/${encodeURIComponent(runId)}/history` : workflow;
}
