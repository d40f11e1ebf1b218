import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import type { Orm } from '../../db/orm.js';
import { setRunState } from '../../orchestration/run-store.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import type { RunWorkflowEnd } from '../../workflows/contracts/orchestration.js';
import type { Em } from './claim-attempt.js';


/**
 * When the run activity ended without recording it (its workflow was cancelled, or an unexpected failure): the
 * scripts it carried get a state that keeps the queue right.
 *  - CANCELLED: a script with an operator's cancel intent is REVOKED; any other that had started goes back to the
 *    queue (RECEIVED): a cancel without intent (from the Temporal UI, say) never revokes anything, and the run-once
 *    wrapper reports a script that did run instead of running it again.
 *  - FAILED: the script in progress (else the first waiting one: it is what keeps failing) is ERROR.
 * Scripts not reached stay RECEIVED for the next claim, linked to their queue again.
 */
export function markRunActivity(deps: { orm: Orm }) {
  return async function markRun(scriptRunIds: string[], end: RunWorkflowEnd, reason: string): Promise<void> {
    await markRuns(deps.orm.em.fork(), scriptRunIds, end, reason);
  };
}

/** The same, for a claim that the activity took for itself (./following-claims.ts): no workflow knows its runs. */
export async function markRuns(em: Em, scriptRunIds: string[], end: RunWorkflowEnd, reason: string): Promise<void> {
  const runs = await em.find(ScriptRun, { id: { $in: scriptRunIds }, state: { $nin: [...FINAL_STATES] } }, { orderBy: { id: 'asc' }, filters: false });
  if (end === 'CANCELLED') {
    for (const run of runs) {
      if (run.cancelRequestedAt) {
        await setRunState(em, run.id, RunState.REVOKED, { lastError: `cancelled by ${run.cancelRequestedBy ?? 'an operator'}`, finishedAt: new Date() });
      } else if (run.state !== RunState.RECEIVED) {
        await setRunState(em, run.id, RunState.RECEIVED, { lastError: `back in the queue: ${reason}` }, { from: [RunState.STARTED, RunState.RETRYING] });
      }
    }
  } else {
    const inProgress = runs.find((r) => r.state === RunState.STARTED || r.state === RunState.RETRYING);
    const current = inProgress ?? runs.find((r) => r.state === RunState.RECEIVED);
    if (current) await setRunState(em, current.id, RunState.ERROR, { lastError: reason, finishedAt: new Date() });
  }
  await em.nativeUpdate(ScriptRun, { id: { $in: scriptRunIds }, state: RunState.RECEIVED }, { workflowId: null, workflowRunId: null }, { filters: false });
}
