import { ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RunOutcome } from './orchestration-types.js';

/** Names of the errors that must not be retried (src/orchestration/ssh/errors.ts, src/activities/run-script.ts). */
const NON_RETRYABLE = [
  'SshAuthError', 'HostKeyMismatchError', 'HostKeyNotTrustedError', 'ScriptTimeoutError', 'ScriptCancelledError',
  'RunNotRunnable', 'BackendError',
];

/**
 * Runs one stored script on its server (workflow id `<queue>-run-<id>`). Transport failures are retried with backoff for as
 * long as it takes (the run shows RETRYING); a script that ran and failed is final (FAILURE) and waits for an
 * operator. Cancelling this workflow kills the remote process (REVOKED).
 */
export async function scriptRunWorkflow(input: { runId: string; timeoutMs: number }): Promise<RunOutcome> {
  const { runScript } = proxyActivities<Activities>({
    // The SSH runner enforces the script's own timeout; this leaves room for connecting and saving the output.
    startToCloseTimeout: input.timeoutMs + 60_000,
    // The activity heartbeats every second: a worker that died is noticed within 10 s and the run retried elsewhere.
    heartbeatTimeout: '10 seconds',
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE },
  });
  const { markRun } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });
  try {
    return await runScript(input.runId);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => markRun(input.runId, 'REVOKED', 'cancelled by an operator'));
      return { runId: input.runId, state: 'REVOKED' };
    }
    // The activity has recorded TIMEOUT or ERROR with the reason; markRun only fills in a state if it could not.
    const timedOut = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'ScriptTimeoutError';
    await markRun(input.runId, 'ERROR', err instanceof Error ? err.message : String(err));
    return { runId: input.runId, state: timedOut ? 'TIMEOUT' : 'ERROR' };
  }
}
