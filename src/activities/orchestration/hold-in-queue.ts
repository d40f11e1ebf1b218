import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { setRunState } from '../../orchestration/run-store.js';
import type { RunOutcome } from '../../workflows/contracts/orchestration.js';
import type { Attempt } from './claim-attempt.js';

/**
 * The server is on hold (host key not trusted, or changed): the scripts wait in the queue, saying why, linked to it
 * again. Nothing was sent to the server, so putting them back is safe.
 */
export async function holdInQueue(a: Attempt, runs: ScriptRun[], reason: string): Promise<RunOutcome[]> {
  for (const run of runs) {
    const requeued = await setRunState(a.em, run.id, RunState.RECEIVED, { lastError: reason }, { from: [RunState.STARTED, RunState.RETRYING] });
    if (!requeued) await a.em.nativeUpdate(ScriptRun, { id: run.id, state: RunState.RECEIVED }, { lastError: reason }, { filters: false });
  }
  await a.em.nativeUpdate(ScriptRun, { id: { $in: runs.map((r) => r.id) }, state: RunState.RECEIVED }, { workflowId: null, workflowRunId: null }, { filters: false });
  return runs.map((run, i) => ({ scriptRunId: run.id, state: RunState.RECEIVED, ...(i === 0 && { held: true }) }));
}
