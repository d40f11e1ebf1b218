// The contract between the orchestration workflows and the code around them: the data they exchange (JSON across
// Temporal), the activities they call, the names clients start and signal them by. Workflows, activities and the
// outbox all import this module, and it imports nothing of theirs, so none of them depends on the others.
/** Workflow type names, as clients start them and schedules run them. */
export const SERVER_QUEUE_WORKFLOW = 'serverQueueWorkflow';
export const OUTBOX_RELAY_WORKFLOW = 'outboxRelayWorkflow';
/** "There may be new scripts for you": sent when a batch is committed and when a host key is trusted. */
export const WAKE_SIGNAL = 'wake';
/**
 * "Kill this script run if you are running it": sent to a server queue by an operator's cancelOperation, after its
 * intent is committed (src/orchestration/cancel.ts). Its argument is the script run's id.
 */
export const CANCEL_RUN_SIGNAL = 'cancelRun';

/**
 * The next scripts a server queue must run, in commit order, as claimNextRun reports them: the input of the
 * runScript activity that runs them (in the history of the queue, where operators find a run by its id).
 */
export interface ClaimedRun {
  /**
   * The server (set by claims from issue 17's following claims on): the activity, once these runs end, claims the
   * server's next scripts itself and runs them too (src/activities/orchestration/following-claims.ts). A claim recorded
   * without it (an older history) runs alone.
   */
  serverId?: string;
  runIds: string[];
  /** The sum of their timeouts. */
  timeoutMs: number;
  /** The request ids of the API calls whose batches these runs come from (logged by the activity). */
  requestIds?: string[];
  /**
   * The stored `traceparent` of the first run's batch (tracing on): the runScript activity becomes a child of that
   * span (./trace-parent-interceptors.ts), so the trace of the change that wrote it reaches the SSH exec (the runs
   * after it get their own parents there).
   */
  traceParent?: string;
}

/** The input of the (legacy) run workflow: before issue 17 each claim ran in a child workflow of its own. */
export interface ScriptRunInput {
  runIds: string[];
  timeoutMs: number;
  traceParent?: string;
}

export interface ServerQueueInput {
  serverId: string;
  /** Runs completed by earlier runs of this workflow (continue-as-new), for the query only. */
  completed?: number;
}

export interface RunOutcome {
  /** The script run (ScriptRun id, a position in the server's queue). */
  scriptRunId: string;
  state: string;
  /** The server is on hold (host key not trusted or changed): this script and the rest wait in the queue. */
  held?: boolean;
  /** Which of the activity's claims carried it: 0 the queue's (the activity's input), 1… its following claims. */
  claim?: number;
}

/**
 * At most this much script time (the sum of its scripts' timeouts) goes to one claim; one script longer than this is a
 * claim of its own. A queue gives a claim's activity this much time beyond its own claim's for its following claims.
 */
export const MAX_CLAIM_TIMEOUT_MS = 30 * 60_000;

/**
 * Errors of a runScript activity that Temporal must not retry (src/orchestration/ssh/errors.ts, the activity's own).
 * The activity records most failures itself and goes on; these stop it only if thrown by code outside a script run.
 */
export const NON_RETRYABLE_RUN_ERRORS = [
  'SshAuthError', 'HostKeyMismatchError', 'HostKeyNotTrustedError', 'ScriptTimeoutError', 'ScriptCancelledError',
  'RunNotRunnable', 'BackendError',
];

/** How a claim's runScript activity ended without recording everything (see markRun). */
export type RunWorkflowEnd = 'CANCELLED' | 'FAILED';

/** The server queue workflow, as a client starts it (signal-with-start). */
export type ServerQueueWorkflow = (input: ServerQueueInput) => Promise<void>;

/** The activities the orchestration workflows call (src/activities/orchestration/). */
export interface OrchestrationActivities {
  /** The server's next scripts in commit order, or null when none waits (or the server is on hold). */
  claimNextRun(serverId: string): Promise<ClaimedRun | null>;
  /** Runs the claimed scripts over SSH in order and records each outcome (a bare id list: a legacy run workflow's call). */
  runScript(claim: ClaimedRun | string[]): Promise<RunOutcome[]>;
  /** Records what a runScript activity that ended early leaves behind. */
  markRun(runIds: string[], end: RunWorkflowEnd, reason: string): Promise<void>;
  /** Starts the batches committed but never started; returns how many. */
  relayBatches(): Promise<number>;
}
