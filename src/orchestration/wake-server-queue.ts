import type { Client } from '@temporalio/client';
import type { Server } from '../entities/orchestration/server.js';
import { ServerSearchAttribute } from '../temporal/search-attributes.js';
import { SERVER_QUEUE_WORKFLOW, WAKE_SIGNAL, type ServerQueueWorkflow } from '../workflows/contracts/orchestration.js';
import { serverQueueWorkflowId } from '../workflows/contracts/workflow-ids.js';

/**
 * "There may be scripts to run": starts the server's queue workflow if it is not running, and signals it. Sent when a
 * batch is dispatched and when an operator trusts the server's host key (a queue on hold waits for exactly that).
 */
export async function wakeServerQueue(temporal: Client, taskQueue: string, server: Pick<Server, 'id' | 'name'>): Promise<void> {
  await temporal.workflow.signalWithStart<ServerQueueWorkflow>(SERVER_QUEUE_WORKFLOW, {
    workflowId: serverQueueWorkflowId(taskQueue, server.id),
    taskQueue,
    args: [{ serverId: server.id }],
    signal: WAKE_SIGNAL,
    signalArgs: [],
    typedSearchAttributes: [{ key: ServerSearchAttribute, value: [server.name] }],
  });
}
