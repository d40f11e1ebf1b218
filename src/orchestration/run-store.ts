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
    if (guard.attempt !== undefined) where.startedByAttempt = { $lte: guard.attempt };
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

const FINAL_LIST = FINAL_STATES.map((s) => `'${s}'`).join(', ');

/**
 * Marks a claim's runs STARTED in one statement (a coalesced claim: src/activities/orchestration/run-script.ts),
 * with the same guards as setRunState's: never a final run, never one a later attempt took over. Only the first gets
 * its start time now (it starts at once); the others get theirs when their section begins. The same statement links
 * them to the workflow execution carrying them (`carrier`: their deep link). Returns the ids it started.
 */
export async function markRunsStarted(
  em: EntityManager,
  runIds: readonly string[],
  started: { attempt: number; worker: string; at: Date; carrier?: { workflowId: string; workflowRunId: string } },
): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const rows = await em.getConnection().execute<{ id: string }[]>(
    withOperationsAndNotify(`update "script_run" set "state" = 'STARTED', "attempts" = "attempts" + (case when "started_by_attempt" = ? then 0 else 1 end), "started_by_attempt" = ?, "started_at" = coalesce("started_at", case when "id" = ? then ?::timestamptz end), "heartbeat_at" = ?, "worker" = ?, "updated_at" = ?,
          "workflow_id" = coalesce(?::text, "workflow_id"), "workflow_run_id" = coalesce(?::text, "workflow_run_id")
        where "id" in (select (jsonb_array_elements_text(?::jsonb))::bigint) and "state" not in (${FINAL_LIST}) and "started_by_attempt" <= ?
        returning "id", "state", "updated_at"`),
    [
      started.attempt, started.attempt, runIds[0], started.at, started.at, started.worker, started.at, started.carrier?.workflowId ?? null, started.carrier?.workflowRunId ?? null,
      JSON.stringify(runIds), started.attempt,
    ],
    'all',
  );
  return new Set(rows.map((r) => String(r.id)));
}

/** A run's final outcome, as a coalesced claim records it. */
export interface RunOutcomeRow {
  runId: string;
  state: RunState;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set only when this claim is the run's first start (a retried run keeps its first start). */
  startedAt: Date | null;
  finishedAt: Date;
  lastError: string | null;
}

/**
 * Records final outcomes of several runs in one statement (their runs, their operations, the notifications). Like
 * setRunState: a final run is never changed; any attempt may write the outcome it saw (the script's real exit, run
 * here or replayed by the wrapper). Returns the ids it changed.
 */
export async function recordRunOutcomes(em: EntityManager, outcomes: readonly RunOutcomeRow[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const now = new Date();
  const rows = outcomes.map((o) => ({
    id: o.runId, state: o.state, exit_code: o.exitCode === null ? null : String(o.exitCode), stdout: o.stdout, stderr: o.stderr,
    started_at: o.startedAt?.toISOString() ?? null, finished_at: o.finishedAt.toISOString(), last_error: o.lastError,
  }));
  const changed = await em.getConnection().execute<{ id: string }[]>(
    withOperationsAndNotify(`update "script_run" r set "state" = v."state"::run_state, "exit_code" = v."exit_code", "stdout" = v."stdout", "stderr" = v."stderr",
          "started_at" = coalesce(v."started_at", r."started_at"), "finished_at" = v."finished_at", "heartbeat_at" = ?, "last_error" = v."last_error", "updated_at" = ?
        from jsonb_to_recordset(?::jsonb) as v("id" bigint, "state" text, "exit_code" text, "stdout" text, "stderr" text, "started_at" timestamptz, "finished_at" timestamptz, "last_error" text)
        where r."id" = v."id" and r."state" not in (${FINAL_LIST})
        returning r."id", r."state", r."updated_at"`),
    [now, now, JSON.stringify(rows)],
    'all',
  );
  return new Set(changed.map((r) => String(r.id)));
}

/**
 * An update of script runs made ONE statement that also moves their operations to the runs' new state and notifies
 * API processes (subscriptions; delivered at commit) — one round trip and no transaction around three, as writing a
 * claim's outcomes was before issue 17's session 10. `runUpdate` is an `update "script_run" …` returning the runs' "id", "state" and "updated_at".
 */
function withOperationsAndNotify(runUpdate: string): string {
  return `with "changed" as (${runUpdate}),
      "operations" as (update "operation" o set "state" = c."state", "updated_at" = c."updated_at" from "changed" c where o."run_id" = c."id")
    select c."id", pg_notify('${RUN_STATE_CHANNEL}', json_build_object('runId', c."id"::text, 'state', c."state")::text) from "changed" c`;
}
