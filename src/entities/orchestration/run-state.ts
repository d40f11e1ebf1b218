/** States of a script run and of its operations (design §3). */
export enum RunState {
  /** Committed, waiting in its server's queue. */
  RECEIVED = 'RECEIVED',
  STARTED = 'STARTED',
  /** A transport failure (refused, timeout, reset): Temporal retries with backoff; `lastError` says why. */
  RETRYING = 'RETRYING',
  SUCCESS = 'SUCCESS',
  /** The script exited non-zero. Not retried automatically. */
  FAILURE = 'FAILURE',
  /** Orchestra's fault or configuration (bad snapshot, untrusted or changed host key). */
  ERROR = 'ERROR',
  TIMEOUT = 'TIMEOUT',
  /** Cancelled by an operator. */
  REVOKED = 'REVOKED',
  /** The script was empty: nothing to run. */
  NOTHING = 'NOTHING',
}

export const FINAL_STATES: readonly RunState[] = [
  RunState.SUCCESS, RunState.FAILURE, RunState.ERROR, RunState.TIMEOUT, RunState.REVOKED, RunState.NOTHING,
];
