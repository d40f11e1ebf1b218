import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventArgs, EventSubscriber } from '@mikro-orm/core';
import { randomInt } from 'node:crypto';

/**
 * Ids for rows a dry run inserts. A dry run really inserts its changes (the plan is made from the state being committed,
 * by the same code as a real run), then rolls back; but a sequence is not transactional, so each insert would take an
 * id for good and the next real object would skip it. Rows of a dry run get ids from a reserved range instead, far
 * above anything a sequence reaches (bigint ends at 9.22e18): no sequence moves, and an id in that range says the
 * object was never saved (`isUnsavedId`), so payloads and plans can leave it out.
 *
 * Ids count up from a random start per process, so the objects of one dry run keep their creation order (crontab
 * entries are ordered by id); two processes' ranges meeting would at worst make one dry run wait for the other's
 * rollback on the primary key.
 */
const UNSAVED_ID_BASE = 9_000_000_000_000_000_000n;
let next = UNSAVED_ID_BASE + BigInt(randomInt(0, 2 ** 47)) * 1024n;

const dryRunTransactions = new WeakSet<object>();

/** Call inside the dry run's `em.transactional(...)`: rows it inserts get unsaved ids. */
export function insertAsUnsaved(em: EntityManager): void {
  const tx = em.getTransactionContext();
  if (!tx) throw new Error('insertAsUnsaved needs a transaction');
  dryRunTransactions.add(tx);
}

/** Whether `em`'s transaction is a dry run's (its rows get unsaved ids). */
export function insertsUnsaved(em: EntityManager): boolean {
  const tx = em.getTransactionContext();
  return !!tx && dryRunTransactions.has(tx);
}

export function isUnsavedId(id: string | number | bigint): boolean {
  return /^\d+$/.test(String(id)) && BigInt(id) >= UNSAVED_ID_BASE;
}

/** Gives each entity inserted in a dry run's transaction an unsaved id before its insert (every ORM has it). */
export class UnsavedIds implements EventSubscriber {
  beforeCreate({ em, meta, entity }: EventArgs<Record<string, unknown>>): void {
    const tx = em.getTransactionContext();
    if (!tx || !dryRunTransactions.has(tx) || meta.primaryKeys.length !== 1) return;
    const key = meta.primaryKeys[0];
    if (entity[key] === undefined || entity[key] === null) entity[key] = String(next++);
  }
}

/**
 * `count` unsaved ids when `em`'s transaction is a dry run's, for rows written in plain SQL (the outbox), which the
 * ORM's `beforeCreate` never sees; null otherwise (take them from the sequence).
 */
export function unsavedIdsFor(em: EntityManager, count: number): string[] | null {
  if (!insertsUnsaved(em)) return null;
  return Array.from({ length: count }, () => String(next++));
}
