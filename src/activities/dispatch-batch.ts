import type { Client } from '@temporalio/client';
import { Batch } from '../entities/orchestration/batch.js';
import { RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import type { Orm } from '../db/orm.js';
import { ServerSearchAttribute } from '../temporal/search-attributes.js';
import type { serverQueueWorkflow } from '../workflows/server-queue.js';
import { serverQueueWorkflowId } from '../workflows/workflow-ids.js';


/** Wakes (starting it when needed) the queue of every server the batch has scripts for. Returns the server ids. */
export function dispatchBatchActivity(deps: { orm: Orm; temporal: Client; taskQueue: string }) {
  return async function dispatchBatch(batchId: string): Promise<string[]> {
    const em = deps.orm.em.fork();
    const runs = await em.find(ScriptRun, { batch: batchId, state: RunState.RECEIVED }, { fields: ['server'] });
    const servers = [...new Set(runs.map((r) => r.server.id))];
    for (const serverId of servers) {
      await deps.temporal.workflow.signalWithStart<typeof serverQueueWorkflow>('serverQueueWorkflow', {
        workflowId: serverQueueWorkflowId(deps.taskQueue, serverId),
        taskQueue: deps.taskQueue,
        args: [{ serverId }],
        signal: 'wake',
        signalArgs: [],
        typedSearchAttributes: [{ key: ServerSearchAttribute, value: serverId }],
      });
    }
    await em.nativeUpdate(Batch, { id: batchId, startedAt: null }, { startedAt: new Date() });
    return servers;
  };
}
