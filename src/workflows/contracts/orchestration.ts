// The contract between the orchestration workflows and the code around them: the data they exchange (JSON across
// Temporal), the activities they call, the names clients start and signal them by. Workflows, activities and the
// outbox all import this module, and it imports nothing of theirs, so none of them depends on the others.
import type { SearchAttributePair } from '@temporalio/common';

/** The run workflow's memo key holding the request ids it serves (no search attribute: keyword lists are full). */
export const REQUEST_IDS_MEMO = 'orchestraRequestIds';

/** Workflow type names, as clients start them and schedules run them. */
export const SERVER_QUEUE_WORKFLOW = 'serverQueueWorkflow';
export const OUTBOX_RELAY_WORKFLOW = 'outboxRelayWorkflow';
/** "There may be new scripts for you": sent when a batch is committed and when a host key is trusted. */
export const WAKE_SIGNAL = 'wake';

/** The next scripts a server queue must run, in commit order, as claimNextRun reports them. */
export interface ClaimedRun {
  runIds: string[];
  /** The sum of their timeouts. */
  timeoutMs: number;
  /** OrchestraAccounts / OrchestraServer / OrchestraBackend / OrchestraObjects, for the run's own workflow. */
  searchAttributes: SearchAttributePair[];
  /** The request ids of the API calls whose batches these runs come from (the run workflow's memo). */
  requestIds?: string[];
  /**
   * The stored `traceparent` of the first run's batch (tracing on): the run workflow becomes a child of that span, so
   * the trace of the change that wrote it reaches the SSH exec (the runs after it get their own parents there).
   */
  traceParent?: string;
}

/** The run workflow's input. */
export interface ScriptRunInput {
  runIds: string[];
  timeoutMs: number;
  /** Its parent span (see ClaimedRun.traceParent); read by the workflow interceptor of src/workflows/tracing/. */
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
}

/** How a script run workflow ended without its activity recording everything (see markRun). */
export type RunWorkflowEnd = 'CANCELLED' | 'FAILED';

/** The server queue workflow, as a client starts it (signal-with-start). */
export type ServerQueueWorkflow = (input: ServerQueueInput) => Promise<void>;

/** The activities the orchestration workflows call (src/activities/orchestration/). */
export interface OrchestrationActivities {
  /** The server's next scripts in commit order, or null when none waits (or the server is on hold). */
  claimNextRun(serverId: string): Promise<ClaimedRun | null>;
  /** Runs the scripts over SSH in order and records each outcome. */
  runScript(runIds: string[]): Promise<RunOutcome[]>;
  /** Records what a run workflow that ended early leaves behind. */
  markRun(runIds: string[], end: RunWorkflowEnd, reason: string): Promise<void>;
  /** Starts the batches committed but never started; returns how many. */
  relayBatches(): Promise<number>;
}
