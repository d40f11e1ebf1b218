import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { FINAL_STATES, RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import { setRunState } from './run-store.js';
import { CANCEL_RUN_SIGNAL } from '../workflows/contracts/orchestration.js';
import { serverQueueWorkflowId } from '../workflows/contracts/workflow-ids.js';

/**
 * An operator cancels a script run, in two steps, because only a cancel whose intent is committed may revoke:
 *
 * 1. `recordCancelIntent`, in the operator's transaction: the intent (when, who) goes on the run; a run not started
 *    yet is REVOKED at once (its queue, or the run workflow that carries it, skips it). Returns whether the run has
 *    started, i.e. whether step 2 is needed.
 * 2. `cancelRunningScript`, after commit: cancels the workflow carrying the run. Its activity reads the intent,
 *    kills the remote process group and records REVOKED. If the script it is running by then is another one (the
 *    cancelled one ended meanwhile), that one has no intent: it is left to finish and goes back to the queue.
 */
export async function recordCancelIntent(em: EntityManager, run: ScriptRun, actor: string): Promise<{ started: boolean }> {
  await em.nativeUpdate(ScriptRun, { id: run.id, state: { $nin: [...FINAL_STATES] } }, { cancelRequestedAt: new Date(), cancelRequestedBy: actor }, { filters: false });
  const revoked = await setRunState(em, run.id, RunState.REVOKED, { lastError: `cancelled by ${actor} before it started`, finishedAt: new Date() }, { from: [RunState.RECEIVED] });
  return { started: !revoked };
}

export async function cancelRunningScript(em: EntityManager, temporal: Client, taskQueue: string, runId: string): Promise<void> {
  const run = await em.findOne(ScriptRun, { id: runId }, { refresh: true, filters: false });
  if (!run || FINAL_STATES.includes(run.state)) return;
  if (run.workflowId && (await stopCarrier(temporal, run.workflowId, serverQueueWorkflowId(taskQueue, run.server.id), runId))) return;
  // No workflow carries it (its carrier is gone): nothing runs it, so the intent alone decides.
  await setRunState(em, run.id, RunState.REVOKED, { lastError: `cancelled by ${run.cancelRequestedBy ?? 'an operator'}`, finishedAt: new Date() }, {
    from: [RunState.STARTED, RunState.RETRYING],
  });
}

/**
 * Asks the workflow carrying the run to kill it: its server queue by signal (the queue's current execution: a claim
 * in flight is never handed over to the next one), or a run workflow of before issue 17 still in flight by
 * cancelling it. False when there is no such workflow running.
 */
async function stopCarrier(temporal: Client, workflowId: string, queueId: string, runId: string): Promise<boolean> {
  try {
    const handle = temporal.workflow.getHandle(workflowId);
    await (workflowId === queueId ? handle.signal(CANCEL_RUN_SIGNAL, runId) : handle.cancel());
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
