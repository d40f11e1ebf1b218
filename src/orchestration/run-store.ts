import type { EntityManager } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import { RUN_STATE_CHANNEL } from './run-state-feed.js';

export type RunUpdate = Partial<Pick<ScriptRun, 'stdout' | 'stderr' | 'exitCode' | 'attempts' | 'lastError' | 'startedAt' | 'finishedAt' | 'heartbeatAt' | 'workflowId' | 'runId'>>;

/**
 * Moves a run and its operations to a state in one transaction. A final state is never left: `onlyIfNotFinal`
 * makes late writers (a retry racing a cancel) lose. Returns whether it changed anything.
 */
export async function setRunState(em: EntityManager, runId: string, state: RunState, update: RunUpdate = {}, onlyIfNotFinal = true): Promise<boolean> {
  const changed = await em.transactional(async (tx) => {
    const where = onlyIfNotFinal ? { id: runId, state: { $nin: [...FINAL_STATES] } } : { id: runId };
    const n = await tx.nativeUpdate(ScriptRun, where, { ...update, state, updatedAt: new Date() }, { filters: false });
    if (n) {
      await tx.nativeUpdate(Operation, { run: runId }, { state, updatedAt: new Date() }, { filters: false });
      // Delivered at commit to every API process listening (subscriptions), whichever process made the change.
      await tx.getConnection().execute('select pg_notify(?, ?)', [RUN_STATE_CHANNEL, JSON.stringify({ runId, state })], 'run', tx.getTransactionContext());
    }
    return n > 0;
  });
  return changed;
}

/** Saves output while a run is going, without touching its state. */
export async function saveRunProgress(em: EntityManager, runId: string, update: RunUpdate): Promise<void> {
  await em.nativeUpdate(ScriptRun, { id: runId }, { ...update, updatedAt: new Date() }, { filters: false });
}
