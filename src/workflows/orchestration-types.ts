// Plain data exchanged between the orchestration workflows and their activities (JSON across Temporal).
import type { SearchAttributePair } from '@temporalio/common';

/** The next scripts a server queue must run, in commit order, as claimNextRun reports them. */
export interface ClaimedRun {
  runIds: string[];
  /** The sum of their timeouts. */
  timeoutMs: number;
  /** OrchestraAccounts / OrchestraServer / OrchestraBackend / OrchestraObjects, for the run's own workflow. */
  searchAttributes: SearchAttributePair[];
}

export interface ServerQueueInput {
  serverId: string;
  /** Runs completed by earlier runs of this workflow (continue-as-new), for the query only. */
  completed?: number;
}

export interface RunOutcome {
  runId: string;
  state: string;
  /** The server is on hold (host key not trusted or changed): this script and the rest wait in the queue. */
  held?: boolean;
}
