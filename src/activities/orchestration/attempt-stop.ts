import type { ActivityCancellationDetails } from '@temporalio/common';

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
