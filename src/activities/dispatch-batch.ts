import type { Client } from '@temporalio/client';
import { Batch } from '../entities/orchestration/batch.js';
import { RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import type { Orm } from '../db/orm.js';
import { wakeServerQueue } from '../orchestration/wake-server-queue.js';

/** Wakes (starting it when needed) the queue of every server the batch has scripts for. Returns the server ids. */
export function dispatchBatchActivity(deps: { orm: Orm; temporal: Client; taskQueue: string }) {
  return async function dispatchBatch(batchId: string): Promise<string[]> {
    const em = deps.orm.em.fork();
    const runs = await em.find(ScriptRun, { batch: batchId, state: RunState.RECEIVED }, { populate: ['server'], filters: false });
    const servers = new Map(runs.map((r) => [r.server.id, r.server.getEntity()]));
    for (const server of servers.values()) await wakeServerQueue(deps.temporal, deps.taskQueue, server);
    await em.nativeUpdate(Batch, { id: batchId, startedAt: null }, { startedAt: new Date() });
    return [...servers.keys()];
  };
}
