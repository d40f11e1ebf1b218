import type { EntityManager } from '@mikro-orm/postgresql';
import { Batch } from '../../entities/orchestration/batch.js';
import type { BatchStarter } from './batch-starter.js';

/**
 * A script still waiting after this long has its server's queue woken by the relay: the wake after its commit was
 * skipped because a claim was running there (temporal-batch-starter.ts), and that queue may have ended since without
 * claiming again (terminated or reset by an operator), or the committing process died before its wake.
 */
export const WAITING_BEFORE_WAKE_MS = 30_000;

/**
 * Starts every committed batch whose workflow was not started (Temporal was down at commit, or the process died
 * between commit and start). Oldest first, so servers still get them in commit order. Batches younger than
 * `minAgeMs` are left to the request that committed them. Then wakes the queues of servers whose scripts have waited
 * longer than WAITING_BEFORE_WAKE_MS. Returns how many batches it started.
 */
export async function relayUnstartedBatches(em: EntityManager, starter: BatchStarter, minAgeMs = 5_000, limit = 500): Promise<number> {
  const batches = await em.find(
    Batch,
    { startedAt: null, createdAt: { $lt: new Date(Date.now() - minAgeMs) } },
    { orderBy: { id: 'asc' }, limit, filters: false },
  );
  for (const batch of batches) await starter.start(batch.id);
  await starter.wakeWaiting?.(WAITING_BEFORE_WAKE_MS);
  return batches.length;
}
