import type { EntityManager } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import { getBackend } from './backends/registry.js';
import type { PlannedGroup } from './collector/plan.js';
import { writeOutbox } from './outbox/write-outbox.js';

/**
 * Writes a new batch that replays operations from their stored snapshots (so a delete can be retried after the row
 * is gone), on the same servers, grouped as usual. The caller's transaction commits it; the new operations point to
 * the ones they retry.
 */
export async function writeRetryBatch(em: EntityManager, operations: Operation[], actor: string): Promise<string> {
  const groups = new Map<string, PlannedGroup>();
  for (const op of operations) {
    const backend = getBackend(op.backend);
    const key = `${op.server.id}:${op.backend}`;
    const group = groups.get(key) ?? { server: op.server.getEntity(), backend, operations: [] };
    group.operations.push({
      backend,
      action: op.action as 'save' | 'delete',
      model: op.model,
      objectId: op.objectId,
      label: op.objectLabel,
      // Loaded, not just read: the caller finds the operation without its account (getEntity() threw
      // "Reference<Account> not initialized", so retryOperation failed for every operation that has an account).
      account: (await op.account?.load({ filters: false })) ?? null,
      snapshot: op.snapshot,
      retryOf: op.id,
    });
    groups.set(key, group);
  }
  return writeOutbox(em, [...groups.values()], actor);
}
