import type { EntityManager } from '@mikro-orm/postgresql';
import { Batch } from '../../entities/orchestration/batch.js';
import type { BatchStarter } from './batch-starter.js';

/**
 * Starts every committed batch whose workflow was not started (Temporal was down at commit, or the process died
 * between commit and start). Oldest first, so servers still get them in commit order. Batches younger than
 * `minAgeMs` are left to the request that committed them. Returns how many it started.
 */
export async function relayUnstartedBatches(em: EntityManager, starter: BatchStarter, minAgeMs = 5_000, limit = 500): Promise<number> {
  const batches = await em.find(
    Batch,
    { startedAt: null, createdAt: { $lt: new Date(Date.now() - minAgeMs) } },
    { orderBy: { id: 'asc' }, limit, filters: false },
  );
  for (const batch of batches) await starter.start(batch.id);
  return batches.length;
}
