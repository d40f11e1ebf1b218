import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { RunOutcome } from '../../src/workflows/contracts/orchestration.js';

/**
 * The claims each runScript activity of a queue execution carried, as lists of script-run ids, in history order: the
 * activity's input (the queue's claim) and, once the activity completed, the following claims it took itself (from
 * its result, src/activities/orchestration/following-claims.ts).
 */
export async function runScriptClaims(temporal: Client, workflowId: string, runId?: string): Promise<string[][]> {
  const events = (await temporal.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const results = new Map<string, RunOutcome[]>();
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes;
    if (done?.result?.payloads?.[0]) results.set(String(done.scheduledEventId), defaultPayloadConverter.fromPayload<RunOutcome[]>(done.result.payloads[0]));
  }
  const claims: string[][] = [];
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'runScript') continue;
    claims.push(defaultPayloadConverter.fromPayload<{ runIds: string[] }>(scheduled.input!.payloads![0]).runIds);
    const following = new Map<number, string[]>();
    for (const outcome of results.get(String(e.eventId)) ?? []) {
      if (outcome.claim) following.set(outcome.claim, [...(following.get(outcome.claim) ?? []), outcome.scriptRunId]);
    }
    claims.push(...[...following.entries()].sort(([a], [b]) => a - b).map(([, ids]) => ids));
  }
  return claims;
}

/** The runScript activities of a queue execution's history still running (scheduled, not ended). */
export async function runScriptsInFlight(temporal: Client, workflowId: string, runId?: string): Promise<number> {
  const description = await temporal.workflow.getHandle(workflowId, runId).describe();
  return (description.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'runScript').length;
}
