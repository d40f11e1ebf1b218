import { RunState } from '../entities/orchestration/run-state.js';
import type { Orm } from '../db/orm.js';
import { setRunState } from '../orchestration/run-store.js';

/** Records a final state the workflow decided (REVOKED on cancel, ERROR on an unexpected failure), unless one is set. */
export function markRunActivity(deps: { orm: Orm }) {
  return async function markRun(runId: string, state: 'REVOKED' | 'ERROR', reason: string): Promise<void> {
    await setRunState(deps.orm.em.fork(), runId, RunState[state], { lastError: reason, finishedAt: new Date() });
  };
}
