import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_RUN_ERRORS, type OrchestrationActivities, type RunOutcome, type ScriptRunInput } from './contracts/orchestration.js';

/**
 * A worker that died is noticed after this long without a heartbeat, and its run retried elsewhere. The activity
 * heartbeats every second for its whole life; a starved worker that misses this only costs a spare attempt, never a
 * changed outcome (the stale attempt detaches, the run-once wrapper keeps the script single).
 */
const HEARTBEAT_TIMEOUT = '20 seconds';

/**
 * Runs stored scripts of one server in commit order (workflow id `<queue>-run-<first id>`): one script normally, the
 * next few waiting ones when there is a backlog, so a burst does not pay a workflow per script. Transport failures
 * are retried with backoff for as long as it takes (the run shows RETRYING); a script that ran and failed is final
 * (FAILURE) and waits for an operator. Cancelling this workflow after an operator's cancelOperation kills the script
 * running (REVOKED); a cancel without that intent puts the scripts back in the queue.
 */
export async function scriptRunWorkflow(input: ScriptRunInput): Promise<RunOutcome[]> {
  const { runScript } = proxyActivities<OrchestrationActivities>({
    // The SSH runner enforces each script's own timeout; this leaves room for connecting and saving the output.
    startToCloseTimeout: input.timeoutMs + 60_000,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE_RUN_ERRORS },
  });
  const { markRun } = proxyActivities<OrchestrationActivities>({ startToCloseTimeout: '30 seconds' });
  try {
    return await runScript(input.runIds);
  } catch (err) {
    const cancelled = isCancellation(err);
    const reason = cancelled ? 'its run workflow was cancelled' : err instanceof Error ? err.message : String(err);
    await CancellationScope.nonCancellable(() => markRun(input.runIds, cancelled ? 'CANCELLED' : 'FAILED', reason));
    return [];
  }
}
