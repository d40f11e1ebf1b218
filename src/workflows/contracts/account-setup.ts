// The contract of the account set-up workflow (standUpAccount, tearDownAccount): names, data and activities.

export const ACCOUNT_SETUP_WORKFLOW = 'accountSetupWorkflow';

export type SetupAction = 'STAND_UP' | 'TEAR_DOWN';

/** READY: every operation succeeded (or had nothing to do); FAILED: all ended, some did not succeed; TIMED_OUT: some had not ended in time. */
export type SetupOutcome = 'READY' | 'FAILED' | 'TIMED_OUT';

export interface AccountSetupInput {
  action: SetupAction;
  accountUsername: string;
  /** The batches the committing use case wrote: their operations are what the workflow waits for. */
  batchIds: string[];
  /** Waits at most this long, then ends TIMED_OUT with the operations still pending. */
  timeoutSeconds: number;
}

export interface OperationState {
  id: string;
  state: string;
}

export interface AccountSetupResult {
  outcome: SetupOutcome;
  /** Every operation of the batches, with its state when the workflow ended. */
  operations: OperationState[];
  /** Ended without success (FAILURE, ERROR, TIMEOUT, REVOKED). */
  failedOperationIds: string[];
  /** Not ended when the timeout came (TIMED_OUT only). */
  pendingOperationIds: string[];
}

/** Workflow id of one set-up run: per task queue (installation), unique per run. */
export function accountSetupWorkflowId(taskQueue: string, action: SetupAction, accountUsername: string, unique: string): string {
  return `${taskQueue}-${action === 'STAND_UP' ? 'standup' : 'teardown'}-${accountUsername}-${unique}`;
}

/** The activities of the set-up workflow (src/activities/standup/). */
export interface AccountSetupActivities {
  /** The operations of the batches with their current states, by id. */
  setupOperationStates(batchIds: string[]): Promise<OperationState[]>;
}
