import type { Client } from '@temporalio/client';
import type { Orm } from '../../db/orm.js';
import { relayUnstartedBatches } from '../../orchestration/outbox/relay.js';
import { TemporalBatchStarter } from '../../orchestration/outbox/temporal-batch-starter.js';

export function relayBatchesActivity(deps: { orm: Orm; temporal: Client; taskQueue: string }) {
  return async function relayBatches(): Promise<number> {
    const em = deps.orm.em.fork();
    return relayUnstartedBatches(em, new TemporalBatchStarter(deps.temporal, deps.taskQueue, em));
  };
}
