import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { Server } from '../../entities/orchestration/server.js';
import type { Orm } from '../../db/orm.js';
import { noteHoldOnWaitingRuns, serverHold } from '../../orchestration/server-hold.js';
import { MAX_CLAIM_TIMEOUT_MS, type ClaimedRun } from '../../workflows/contracts/orchestration.js';
import type { Em } from './claim-attempt.js';

/** At most this many waiting scripts go to one claim (a backlog); and at most MAX_CLAIM_TIMEOUT_MS of script time. */
export const MAX_RUNS_PER_CLAIM = 20;

/**
 * The server's next scripts in commit order (lowest ids not final): the first, and while there is a backlog the ones
 * right after it, up to a bound, so one runScript activity carries them in order. Cancelled (REVOKED) and empty
 * (NOTHING) runs are final, so they are skipped. A run STARTED or RETRYING here was left by a queue execution that
 * ended with its activity in flight (terminated, reset): the queue runs one claim at a time and always waits for it,
 * so nothing else carries it, and the run-once wrapper reports it if it ran. Nothing while the server is on hold
 * (host key not trusted or changed): its waiting scripts are told why instead.
 */
export function claimNextRunActivity(deps: { orm: Orm }) {
  return async function claimNextRun(serverId: string): Promise<ClaimedRun | null> {
    return claimNext(deps.orm.em.fork(), serverId);
  };
}

/**
 * The claim itself. `withinMs` bounds the claim's script time when a running activity claims for itself (a following
 * claim, ./following-claims.ts): null if even the next script does not fit, so it waits for an activity of its own.
 */
export async function claimNext(em: Em, serverId: string, withinMs?: number): Promise<ClaimedRun | null> {
  const server = await em.findOne(Server, { id: serverId }, { filters: false });
  if (!server) return null;
  const hold = serverHold(server);
  if (hold) {
    await noteHoldOnWaitingRuns(em, serverId, hold);
    return null;
  }
  // With their batches' request ids and trace parents, in the same statement.
  const waiting = await em.find(
    ScriptRun,
    { server: serverId, state: { $in: [RunState.RECEIVED, RunState.STARTED, RunState.RETRYING] } },
    {
      orderBy: { id: 'asc' }, limit: MAX_RUNS_PER_CLAIM, populate: ['batch'], strategy: 'joined',
      fields: ['id', 'backend', 'timeoutMs', 'batch.requestId', 'batch.traceParent'], filters: false,
    },
  );
  const limitMs = Math.min(withinMs ?? Infinity, MAX_CLAIM_TIMEOUT_MS);
  const runs: typeof waiting = [];
  let timeoutMs = 0;
  for (const run of waiting) {
    // The first script is always claimed by the queue's own claim (a longer one gets the time it needs).
    if ((runs.length || withinMs !== undefined) && timeoutMs + run.timeoutMs > limitMs) break;
    runs.push(run);
    timeoutMs += run.timeoutMs;
  }
  if (runs.length === 0) return null;
  const batches = runs.map((r) => r.batch.getEntity());
  const requestIds = [...new Set(batches.map((b) => b.requestId).filter((id): id is string => !!id))];
  const traceParent = batches[0].traceParent ?? undefined;
  return { serverId, runIds: runs.map((r) => r.id), timeoutMs, requestIds, traceParent };
}
