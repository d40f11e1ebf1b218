import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { RunOutcome } from '../../src/workflows/contracts/orchestration.js';
import { pollUntil } from './resilience.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The run ids a scheduled runScript activity was given (its queue's claim), or undefined for any other event. */
function runScriptInput(e: HistoryEvent): string[] | undefined {
  const scheduled = e.activityTaskScheduledEventAttributes;
  if (scheduled?.activityType?.name !== 'runScript') return undefined;
  return defaultPayloadConverter.fromPayload<{ runIds: string[] }>(scheduled.input!.payloads![0]).runIds;
}

/** The claim each runScript activity of these history events was given as input, in history order. */
export function runScriptInputs(events: readonly HistoryEvent[]): string[][] {
  return events.map(runScriptInput).filter((ids): ids is string[] => ids !== undefined);
}

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
    const input = runScriptInput(e);
    if (!input) continue;
    claims.push(input);
    const following = new Map<number, string[]>();
    for (const outcome of results.get(String(e.eventId)) ?? []) {
      if (outcome.claim) following.set(outcome.claim, [...(following.get(outcome.claim) ?? []), outcome.scriptRunId]);
    }
    claims.push(...[...following.entries()].sort(([a], [b]) => a - b).map(([, ids]) => ids));
  }
  return claims;
}

/** The runScript activities of a queue execution's history still running (scheduled, not ended). */
async function runScriptsInFlight(temporal: Client, workflowId: string, runId?: string): Promise<number> {
  const description = await temporal.workflow.getHandle(workflowId, runId).describe();
  return (description.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'runScript').length;
}

/** runScriptClaims once every runScript activity of the execution has ended (a following claim is in its result). */
export async function endedRunScriptClaims(temporal: Client, workflowId: string, runId?: string): Promise<string[][]> {
  await pollUntil('the execution\'s runScript activities to end', () => runScriptsInFlight(temporal, workflowId, runId), (n) => n === 0, 60_000);
  return runScriptClaims(temporal, workflowId, runId);
}
