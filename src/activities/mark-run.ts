import { RunState } from '../entities/orchestration/run-state.js';
import type { Orm } from '../db/orm.js';
import { setRunState } from '../orchestration/run-store.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';

/**
 * When the run activity ended without recording it (cancelled while its worker was gone, or an unexpected failure):
 * the script it was running gets the state the workflow decided, REVOKED or ERROR, so the queue does not claim it
 * again. After a failure with nothing in progress, the first script is ERROR (it is what keeps failing). Scripts the
 * activity had not reached stay RECEIVED for the next claim.
 */
export function markRunActivity(deps: { orm: Orm }) {
  return async function markRun(runIds: string[], state: 'REVOKED' | 'ERROR', reason: string): Promise<void> {
    const em = deps.orm.em.fork();
    const runs = await em.find(ScriptRun, { id: { $in: runIds } }, { orderBy: { id: 'asc' } });
    const inProgress = runs.find((r) => r.state === RunState.STARTED || r.state === RunState.RETRYING);
    const current = inProgress ?? (state === 'ERROR' ? runs.find((r) => r.state === RunState.RECEIVED) : undefined);
    if (current) await setRunState(em, current.id, RunState[state], { lastError: reason, finishedAt: new Date() });
  };
}
