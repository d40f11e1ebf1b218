import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { RunState } from '../entities/orchestration/run-state.js';
import type { ScriptRun } from '../entities/orchestration/script-run.js';
import { setRunState } from './run-store.js';
import { scriptRunWorkflowId } from '../workflows/workflow-ids.js';

/**
 * Cancels a script run. Not started yet: it is REVOKED at once and its queue (or the run workflow that carries it)
 * skips it. Started: the run workflow carrying it is cancelled; the activity kills the remote process group and
 * records REVOKED, and the scripts after it in that workflow stay RECEIVED for the next claim.
 */
export async function cancelRun(em: EntityManager, temporal: Client, taskQueue: string, run: ScriptRun): Promise<void> {
  if (run.state === RunState.RECEIVED && (await setRunState(em, run.id, RunState.REVOKED, { lastError: 'cancelled before it started', finishedAt: new Date() }))) {
    return;
  }
  try {
    await temporal.workflow.getHandle(run.workflowId ?? scriptRunWorkflowId(taskQueue, run.id)).cancel();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Claimed but its workflow not started yet: mark it so the run workflow finds it revoked.
    await setRunState(em, run.id, RunState.REVOKED, { lastError: 'cancelled before it started', finishedAt: new Date() });
  }
}
