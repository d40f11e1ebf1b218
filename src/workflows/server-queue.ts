import {
  CancellationScope, condition, continueAsNew, defineQuery, defineSignal, isCancellation, patched, proxyActivities, proxyLocalActivities,
  setHandler, workflowInfo,
} from '@temporalio/workflow';
import {
  CANCEL_RUN_SIGNAL, MAX_CLAIM_TIMEOUT_MS, NON_RETRYABLE_RUN_ERRORS, WAKE_SIGNAL, type ClaimedRun, type OrchestrationActivities, type ServerQueueInput,
} from './contracts/orchestration.js';

const CLAIM_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { claimNextRun } = proxyActivities<OrchestrationActivities>({ startToCloseTimeout: '30 seconds', retry: CLAIM_RETRY });
/**
 * The claim as a local activity (issue 17): a short read of the database run by the worker inside the workflow task
 * that asks for it, recorded as a marker in that task's completion — no activity task through the server and no
 * workflow task of its own to take its result, which were a third of Temporal's work per claim.
 */
const { claimNextRun: claimNextRunLocally } = proxyLocalActivities<OrchestrationActivities>({ startToCloseTimeout: '30 seconds', retry: CLAIM_RETRY });
/** Histories written before the claim was a local activity replay with the activity they recorded. */
const CLAIM_AS_LOCAL_ACTIVITY = 'claim-as-local-activity';
const { markRun } = proxyActivities<OrchestrationActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * A worker that died is noticed after this long without a heartbeat, and its run retried elsewhere. The activity
 * heartbeats every second for its whole life; a starved worker that misses this only costs a spare attempt, never a
 * changed outcome (the stale attempt detaches, the run-once wrapper keeps the script single).
 */
const HEARTBEAT_TIMEOUT = '20 seconds';

/** "There may be new scripts for you": sent when a batch is committed and when a host key is trusted. The queue reads what to run from the database. */
export const wakeSignal = defineSignal(WAKE_SIGNAL);
/** An operator's cancelOperation, its intent committed: kill the script run named if the running claim carries it. */
export const cancelRunSignal = defineSignal<[runId: string]>(CANCEL_RUN_SIGNAL);
export const queueStateQuery = defineQuery<{ running: string | null; completed: number; cancelSignals: number }>('queueState');

/** How long an idle queue waits before looking at the database again anyway (a lost signal costs at most this). */
const IDLE_RECHECK = '5 minutes';
/** Continue-as-new after this many runs even if the server does not suggest it, to keep histories short. */
const RUNS_PER_HISTORY = 500;
/**
 * An idle queue with more history than this continues as new before it waits: a worker that starts later (a restart,
 * a deploy, the sticky cache evicted) replays each queue's current history before its next claim, so a queue left
 * idle after a burst must not keep the burst's history. About three claims; low enough that a replay is a few
 * milliseconds, high enough that a trickle of single changes does not start a new run (a new workflow context on the
 * worker) for every change.
 */
const IDLE_HISTORY_EVENTS = 40;

/**
 * The queue of one server (workflow id `<queue>-server-<id>`): runs that server's scripts one at a time, strictly in commit
 * order (script-run ids are handed out in commit order, design §3.6). Each claim (one script, or the next few of a
 * backlog) runs as a `runScript` activity of this workflow, in a cancellation scope of its own: the cancelRun signal
 * cancels it when it carries the run named, and its activity kills the script. Once its claim has ended, the
 * activity claims the server's next scripts itself for a while (src/activities/orchestration/following-claims.ts:
 * one activity for a stream of small claims); an operator's cancel of those is read by the activity from the
 * database. A run's deep link is this workflow's run (execution) that carried it; its history holds the activity
 * with the claim's run ids as input and every run it carried in its result.
 */
export async function serverQueueWorkflow(input: ServerQueueInput): Promise<void> {
  let woken = true;
  let running: string | null = null;
  let carrying: { runIds: string[]; scope: CancellationScope } | null = null;
  let completed = input.completed ?? 0;
  let cancelSignals = 0;
  const startedWith = completed;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  setHandler(cancelRunSignal, (runId) => {
    cancelSignals++;
    // A run not carried is either not claimed yet (its intent REVOKED it) or finished: nothing to kill.
    if (carrying?.runIds.includes(runId)) carrying.scope.cancel();
  });
  setHandler(queueStateQuery, () => ({ running, completed, cancelSignals }));

  for (;;) {
    // Only between claims: a claim's activity is never in flight when the history is handed to the next run.
    if (workflowInfo().continueAsNewSuggested || completed - startedWith >= RUNS_PER_HISTORY) {
      await continueAsNew<typeof serverQueueWorkflow>({ serverId: input.serverId, completed });
    }
    woken = false;
    const next = patched(CLAIM_AS_LOCAL_ACTIVITY) ? await claimNextRunLocally(input.serverId) : await claimNextRun(input.serverId);
    if (!next) {
      // Nothing to run: keep only a short history while waiting. The next run claims first, so a wake that arrives
      // during the hand-over is not lost.
      if (workflowInfo().historyLength > IDLE_HISTORY_EVENTS) {
        await continueAsNew<typeof serverQueueWorkflow>({ serverId: input.serverId, completed });
      }
      await condition(() => woken || workflowInfo().continueAsNewSuggested, IDLE_RECHECK);
      continue;
    }
    running = next.runIds[0];
    const scope = new CancellationScope();
    carrying = { runIds: next.runIds, scope };
    // The activity may carry more than its claim: the server's following claims (their outcomes are in its result).
    let carried = next.runIds.length;
    try {
      carried = Math.max(carried, (await scope.run(() => runClaim(next))).length);
    } catch (err) {
      // Its outcome is in the database; a failed or cancelled claim must not stop the queue.
      const cancelled = isCancellation(err);
      const reason = cancelled ? 'its activity was cancelled' : err instanceof Error ? err.message : String(err);
      await CancellationScope.nonCancellable(() => markRun(next.runIds, cancelled ? 'CANCELLED' : 'FAILED', reason));
    }
    carrying = null;
    running = null;
    completed += carried;
  }
}

/**
 * Transport failures are retried with backoff for as long as it takes (the run shows RETRYING); a script that ran and
 * failed is final (FAILURE) and waits for an operator. Cancelled (WAIT_CANCELLATION_COMPLETED), the activity kills the
 * script if an operator's intent is recorded, and otherwise detaches from it (markRun puts it back in the queue).
 */
function runClaim(claim: ClaimedRun) {
  const { runScript } = proxyActivities<OrchestrationActivities>({
    // The SSH runner enforces each script's own timeout; this leaves room for connecting and saving the output, and
    // for the claims the activity follows its own with (a claim recorded before those has no serverId).
    startToCloseTimeout: claim.timeoutMs + 60_000 + (claim.serverId ? MAX_CLAIM_TIMEOUT_MS : 0),
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE_RUN_ERRORS },
  });
  return runScript(claim);
}
