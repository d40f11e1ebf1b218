import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { NON_RETRYABLE_RUN_ERRORS, type RunOutcome } from '../../workflows/contracts/orchestration.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { log } from '../../observability/logger.js';
import type { Attempt } from './claim-attempt.js';
import { claimNext, MAX_RUNS_PER_CLAIM } from './claim-next-run.js';
import { markRunsStarted } from '../../orchestration/run-store.js';
import { markRuns } from './mark-run.js';

/**
 * How long one runScript activity goes on claiming its server's next scripts itself. Each activity costs Temporal a
 * workflow task, an activity task and their events (issue 17: most of Temporal's CPU per change when claims are
 * small, as under a steady stream of commits); a following claim costs one read. The bound keeps the queue's history
 * and queries current and hands a long stream over to a new activity from time to time.
 */
const FOLLOW_FOR_MS = 60_000;
/** Room kept under the activity's start-to-close timeout for connecting and saving, as the queue gives its claim. */
const ROOM_MS = 60_000;
/**
 * After a claim of several scripts (a stream of changes is coming), the next claim gathers for this long, so it
 * carries what arrives meanwhile: each claim costs its reads and marks (about six statements), and until the exec
 * chain (./exec-chain.ts) it was an SSH exec of its own too (issue 17). Its scripts are STARTED first, so commits
 * meanwhile see a claim running and send no wake. After a claim of one script it claims at once: a lone change is
 * never held back.
 */
const GATHER_MS = 100;

/** Runs a claim's scripts in order and records their outcomes (run-script.ts). */
export type RunClaim = (a: Attempt, runIds: string[], following: boolean) => Promise<RunOutcome[]>;

/**
 * Once the queue's claim has ended, the activity claims the server's next scripts itself and runs them, claim after
 * claim (after a claim of several, GATHER_MS later), until none waits, FOLLOW_FOR_MS have passed, the next script
 * does not fit in the activity's start-to-close timeout, or the attempt was stopped. Per-server order is kept as before: one activity runs at a time per queue,
 * and it claims in commit order. What the queue's workflow does for its own claim is done here for these, which no
 * workflow knows:
 * - an operator's cancel: the queue's cancelRun signal only reaches runs of its own claim, so a following claim reads
 *   its runs' cancel intents on each progress tick; a script killed for one is REVOKED, the scripts after it go back
 *   to the queue (as markRun does), and the activity goes on with the next claim;
 * - an error Temporal does not retry: the claim's runs are marked (FAILED: the one in progress ERROR), then it is
 *   rethrown. A retried error is rethrown as it is: the next attempt's queue claim is final, and its following claim
 *   takes these runs again (STARTED or RETRYING), the run-once wrapper reporting what ran.
 * Their runs link to the queue's execution (their deep link); the activity's result lists every run it carried.
 */
export async function runFollowingClaims(a: Attempt, serverId: string, began: number, firstClaimSize: number, runClaim: RunClaim): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  let lastClaimSize = firstClaimSize;
  for (let claim = 1; ; claim++) {
    const elapsed = Date.now() - began;
    if (a.ctx.cancellationSignal.aborted || elapsed >= FOLLOW_FOR_MS) return outcomes;
    const withinMs = a.ctx.info.startToCloseTimeoutMs - elapsed - ROOM_MS;
    let next = await claimNext(a.em.fork(), serverId, withinMs);
    if (!next) return outcomes;
    if (lastClaimSize > 1 && next.runIds.length < MAX_RUNS_PER_CLAIM) {
      await markRunsStarted(a.em.fork(), next.runIds, { attempt: a.number, worker: a.worker, at: new Date() });
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      // The same scripts first (lowest ids, STARTED), then what was committed meanwhile.
      next = (await claimNext(a.em.fork(), serverId, withinMs)) ?? next;
    }
    log.debug({ scriptRunIds: next.runIds, requestIds: next.requestIds, following: true }, 'claim starting');
    lastClaimSize = next.runIds.length;
    try {
      outcomes.push(...(await runClaim(a, next.runIds, true)).map((outcome) => ({ ...outcome, claim })));
    } catch (err) {
      // An operator's cancel of one of these scripts: the activity itself was not cancelled, so it goes on.
      if (err instanceof CancelledFailure && !a.ctx.cancellationSignal.aborted) {
        await markRuns(a.em.fork(), next.runIds, 'CANCELLED', 'an operator cancelled a script before it');
        // Every run of the claim, as it is now (those put back in the queue RECEIVED: a later claim carries them).
        const runs = await a.em.fork().find(ScriptRun, { id: { $in: next.runIds } }, { fields: ['state'], orderBy: { id: 'asc' }, filters: false });
        outcomes.push(...runs.map((run) => ({ scriptRunId: run.id, state: run.state, claim })));
        continue;
      }
      if (!retriedByTemporal(err)) {
        const cancelled = err instanceof CancelledFailure;
        await markRuns(a.em.fork(), next.runIds, cancelled ? 'CANCELLED' : 'FAILED', cancelled ? 'its activity was cancelled' : err instanceof Error ? err.message : String(err));
      }
      throw err;
    }
  }
}

/** Whether Temporal runs the activity again after this error (the queue's retry policy). */
function retriedByTemporal(err: unknown): boolean {
  if (err instanceof CancelledFailure) return false;
  if (err instanceof ApplicationFailure) return !err.nonRetryable && !NON_RETRYABLE_RUN_ERRORS.includes(err.type ?? '');
  return !(err instanceof Error && NON_RETRYABLE_RUN_ERRORS.includes(err.name));
}
