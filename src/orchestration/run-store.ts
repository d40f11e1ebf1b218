import type { EntityManager } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';

export type RunUpdate = Partial<Pick<ScriptRun, 'stdout' | 'stderr' | 'exitCode' | 'attempts' | 'lastError' | 'startedAt' | 'finishedAt' | 'heartbeatAt' | 'workflowId' | 'runId'>>;

/** Listeners for state changes (the GraphQL subscription); in-process, best effort. */
type Listener = (event: { runId: string; state: RunState }) => void;
const listeners = new Set<Listener>();
export function onRunStateChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Moves a run and its operations to a state in one transaction. A final state is never left: `onlyIfNotFinal`
 * makes late writers (a retry racing a cancel) lose. Returns whether it changed anything.
 */
export async function setRunState(em: EntityManager, runId: string, state: RunState, update: RunUpdate = {}, onlyIfNotFinal = true): Promise<boolean> {
  const changed = await em.transactional(async (tx) => {
    const where = onlyIfNotFinal ? { id: runId, state: { $nin: [...FINAL_STATES] } } : { id: runId };
    const n = await tx.nativeUpdate(ScriptRun, where, { ...update, state, updatedAt: new Date() });
    if (n) await tx.nativeUpdate(Operation, { run: runId }, { state, updatedAt: new Date() });
    return n > 0;
  });
  if (changed) for (const listener of listeners) listener({ runId, state });
  return changed;
}

/** Saves output while a run is going, without touching its state. */
export async function saveRunProgress(em: EntityManager, runId: string, update: RunUpdate): Promise<void> {
  await em.nativeUpdate(ScriptRun, { id: runId }, { ...update, updatedAt: new Date() });
}
