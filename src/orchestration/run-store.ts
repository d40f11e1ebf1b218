import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import { RUN_STATE_CHANNEL } from './run-state-feed.js';

export type RunUpdate = Partial<Pick<
  ScriptRun,
  'stdout' | 'stderr' | 'exitCode' | 'attempts' | 'lastError' | 'startedAt' | 'finishedAt' | 'heartbeatAt' | 'workflowId' | 'workflowRunId' | 'worker'
>>;

/** Which runs a state change may touch. */
export interface RunStateGuard {
  /** Only runs in one of these states (default: any state that is not final: a final state is never left). */
  from?: readonly RunState[];
  /** Only while no later attempt took the run over (a stale attempt must not overwrite a newer one's state). */
  attempt?: number;
}

/**
 * Moves a run and its operations to a state in one transaction, if the guard allows: late writers (a stale attempt,
 * a retry racing a cancel) lose. Notifies API processes (subscriptions). Returns whether it changed anything.
 */
export async function setRunState(em: EntityManager, runId: string, state: RunState, update: RunUpdate = {}, guard: RunStateGuard = {}): Promise<boolean> {
  return em.transactional(async (tx) => {
    const where: FilterQuery<ScriptRun> = { id: runId, state: guard.from ? { $in: [...guard.from] } : { $nin: [...FINAL_STATES] } };
    if (guard.attempt !== undefined) where.attempts = { $lte: guard.attempt };
    const n = await tx.nativeUpdate(ScriptRun, where, { ...update, state, updatedAt: new Date() }, { filters: false });
    if (n) {
      await tx.nativeUpdate(Operation, { run: runId }, { state, updatedAt: new Date() }, { filters: false });
      // Delivered at commit to every API process listening (subscriptions), whichever process made the change.
      await tx.getConnection().execute('select pg_notify(?, ?)', [RUN_STATE_CHANNEL, JSON.stringify({ runId, state })], 'run', tx.getTransactionContext());
    }
    return n > 0;
  });
}

/** Saves output and signs of life while a run is going, without touching its state; never over a final run's log. */
export async function saveRunProgress(em: EntityManager, runId: string, update: RunUpdate): Promise<void> {
  await em.nativeUpdate(ScriptRun, { id: runId, state: { $nin: [...FINAL_STATES] } }, { ...update, updatedAt: new Date() }, { filters: false });
}
