import { ApplicationFailure, CancelledFailure, type ActivityCancellationDetails } from '@temporalio/common';
import type { Attempt } from './claim-attempt.js';

/** Why Temporal ended an activity attempt, in an operator's words (from the SDK's cancellation details). */
export function whyAttemptStopped(details: ActivityCancellationDetails | undefined): string {
  if (!details) return 'cancelled (no reason given)';
  if (details.timedOut) return 'its heartbeat or start-to-close timeout expired (a busy or starved worker)';
  if (details.notFound) return 'Temporal no longer knows this attempt (it timed out meanwhile)';
  if (details.workerShutdown) return 'the worker is shutting down';
  if (details.cancelRequested) return 'its workflow was cancelled without an operator\'s cancelOperation';
  if (details.paused) return 'it was paused';
  if (details.reset) return 'its workflow was reset';
  return 'cancelled (no reason given)';
}

/** The error that ends an attempt stopped by anything but an operator's cancel; the script is left to finish. */
export function attemptStopped(a: Attempt): Error {
  const details = a.ctx.cancellationDetails;
  // Its workflow cancelled it (a cancelRun signal for a script that ended meanwhile, a cancel from the Temporal UI):
  // the workflow puts the scripts back in the queue (none of them is revoked).
  if (details?.cancelRequested) return new CancelledFailure(`attempt ${a.number} stopped: ${whyAttemptStopped(details)}`);
  // Timed out, unknown to Temporal or shutting down: Temporal retries (a timed-out attempt's result is dropped anyway).
  return ApplicationFailure.retryable(`attempt ${a.number} stopped: ${whyAttemptStopped(details)}`, 'AttemptStopped');
}
