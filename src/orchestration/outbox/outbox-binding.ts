import type { EntityManager } from '@mikro-orm/postgresql';
import type { PlannedGroup } from '../collector/plan.js';

/**
 * What a caller tells the outbox about its transaction: who acts, where to report the batches it writes, dry run or
 * not. (Not MikroORM's unit of work, which the flush events also carry as `uow`.)
 */
export interface OutboxBinding {
  actor: string;
  /** Ids of the batches written by this transaction, by the collector or directly (a retry, a sync). */
  batchIds: string[];
  /** Dry run: the plan goes here and nothing is written (the caller then rolls back). */
  dryRun?: (groups: PlannedGroup[]) => void;
}

/** A batch a transaction wrote, and the servers (id, name) whose queues its commit wakes. */
export interface WrittenBatch {
  id: string;
  servers: { id: string; name: string }[];
}

/** Keyed by the driver's transaction object. */
const bindings = new WeakMap<object, OutboxBinding>();
const written = new WeakMap<object, WrittenBatch[]>();

/** Call inside `em.transactional(...)`: the transaction that will commit is described by `binding`. */
export function bindOutbox(em: EntityManager, binding: OutboxBinding): void {
  const tx = em.getTransactionContext();
  if (!tx) throw new Error('bindOutbox needs a transaction');
  bindings.set(tx, binding);
}

export function bindingOf(transaction: object): OutboxBinding | undefined {
  return bindings.get(transaction);
}

/** A batch written in `em`'s transaction: it is started when that transaction commits, whoever wrote it. */
export function noteWrittenBatch(em: EntityManager, batchId: string, servers: WrittenBatch['servers']): void {
  const tx = em.getTransactionContext();
  if (!tx) throw new Error('a batch is written inside a transaction');
  written.set(tx, [...(written.get(tx) ?? []), { id: batchId, servers }]);
  bindings.get(tx)?.batchIds.push(batchId);
}

/** The batches a committed transaction wrote (once: they are forgotten here). */
export function takeWrittenBatches(transaction: object): WrittenBatch[] {
  const ids = written.get(transaction) ?? [];
  written.delete(transaction);
  return ids;
}
