import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { AccountSetupActivities, AccountSetupInput, AccountSetupResult, OperationState } from '../contracts/account-setup.js';

const { setupOperationStates } = proxyActivities<AccountSetupActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const SUCCEEDED = ['SUCCESS', 'NOTHING'];
const FAILED = ['FAILURE', 'ERROR', 'TIMEOUT', 'REVOKED'];

/** The first look comes soon (a small set-up is done in seconds), then the interval doubles up to its cap. */
const FIRST_INTERVAL_MS = 500;
const MAX_INTERVAL_MS = 5_000;
/** At most this many polls per run, so a long timeout's history stays far below Temporal's 50,000 events. */
const MAX_POLLS = 2_000;

/**
 * Waits until every operation a stand-up or tear-down committed is final, or its timeout: READY, FAILED (naming the
 * failed operations) or TIMED_OUT (naming the pending ones). Started by the API right after the commit, with the
 * account's search attribute; its result is the outcome a client fetches later by the workflow id.
 *
 * It polls the operations' states through an activity (one indexed query) rather than waiting for signals: states are
 * written in many places (runs, retries of transport errors, cancellation, the relay), none of which knows who waits,
 * and a lost signal would hang a waiter until its timeout; a poll is never lost. The interval is bounded: 0.5 s at
 * first for quick set-ups, doubling to 5 s — or timeout / 2000 for very long timeouts, which bounds the history.
 */
export async function accountSetupWorkflow(input: AccountSetupInput): Promise<AccountSetupResult> {
  const timeoutMs = input.timeoutSeconds * 1000;
  const maxInterval = Math.max(MAX_INTERVAL_MS, Math.ceil(timeoutMs / MAX_POLLS));
  const startedAt = workflowInfo().runStartTime.getTime();
  let interval = FIRST_INTERVAL_MS;
  for (;;) {
    const operations = input.batchIds.length ? await setupOperationStates(input.batchIds) : [];
    const pending = operations.filter((op) => !SUCCEEDED.includes(op.state) && !FAILED.includes(op.state));
    if (pending.length === 0) return ended(operations);
    const left = startedAt + timeoutMs - Date.now();
    if (left <= 0) return { outcome: 'TIMED_OUT', operations, failedOperationIds: idsIn(operations, FAILED), pendingOperationIds: pending.map((op) => op.id) };
    await sleep(Math.min(interval, left));
    interval = Math.min(interval * 2, maxInterval);
  }
}

function idsIn(operations: OperationState[], states: string[]): string[] {
  return operations.filter((op) => states.includes(op.state)).map((op) => op.id);
}

function ended(operations: OperationState[]): AccountSetupResult {
  const failedOperationIds = idsIn(operations, FAILED);
  return { outcome: failedOperationIds.length ? 'FAILED' : 'READY', operations, failedOperationIds, pendingOperationIds: [] };
}
