import {
  ParentClosePolicy, condition, continueAsNew, defineQuery, defineSignal, executeChild, proxyActivities, setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { REQUEST_IDS_MEMO, WAKE_SIGNAL, type OrchestrationActivities, type ServerQueueInput } from './contracts/orchestration.js';
import { scriptRunWorkflow } from './script-run.js';
import { scriptRunWorkflowId } from './contracts/workflow-ids.js';

const { claimNextRun } = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** "There may be new scripts for you": sent when a batch is committed and when a host key is trusted. The queue reads what to run from the database. */
export const wakeSignal = defineSignal(WAKE_SIGNAL);
export const queueStateQuery = defineQuery<{ running: string | null; completed: number }>('queueState');

/** How long an idle queue waits before looking at the database again anyway (a lost signal costs at most this). */
const IDLE_RECHECK = '5 minutes';
/** Continue-as-new after this many runs even if the server does not suggest it, to keep histories short. */
const RUNS_PER_HISTORY = 500;

/**
 * The queue of one server (workflow id `<queue>-server-<id>`): runs that server's scripts one at a time, strictly in commit
 * order (script-run ids are handed out in commit order, design §3.6). Each script runs as a child workflow
 * `<queue>-run-<id>`, so every run has its own history, deep link and cancel button.
 */
export async function serverQueueWorkflow(input: ServerQueueInput): Promise<void> {
  let woken = true;
  let running: string | null = null;
  let completed = input.completed ?? 0;
  const startedWith = completed;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  setHandler(queueStateQuery, () => ({ running, completed }));

  for (;;) {
    if (workflowInfo().continueAsNewSuggested || completed - startedWith >= RUNS_PER_HISTORY) {
      await continueAsNew<typeof serverQueueWorkflow>({ serverId: input.serverId, completed });
    }
    woken = false;
    const next = await claimNextRun(input.serverId);
    if (!next) {
      await condition(() => woken || workflowInfo().continueAsNewSuggested, IDLE_RECHECK);
      continue;
    }
    running = next.runIds[0];
    await executeChild(scriptRunWorkflow, {
      workflowId: scriptRunWorkflowId(workflowInfo().taskQueue, next.runIds[0]),
      args: [{ runIds: next.runIds, timeoutMs: next.timeoutMs, traceParent: next.traceParent }],
      typedSearchAttributes: next.searchAttributes,
      memo: next.requestIds?.length ? { [REQUEST_IDS_MEMO]: next.requestIds } : undefined,
      // The run must finish even if the queue is terminated or continues as new meanwhile.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    }).catch(() => undefined); // its outcome is in the database; a failed or cancelled run must not stop the queue
    running = null;
    completed += next.runIds.length;
  }
}
