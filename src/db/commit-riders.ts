import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';

/**
 * A statement a transaction owes just before it commits — its audit entry, billing's read of the active services —
 * carried as a part (a `with` item) of the one statement the commit sends then anyway, the outbox's rows, instead of
 * a round trip of its own (issue 17: the API spends about a CPU millisecond per statement). Whatever no statement
 * carried is sent, all in one statement, by the first that needs a read's row (readAtCommit) or by the commit's last
 * subscriber (CommitRiderSender): nothing owed is dropped, and nothing is sent before the commit is under way.
 */
export interface CommitRider {
  /** One statement with `?` placeholders: an insert (sent for its effect) or, with `read`, a select of at most one row. */
  sql: string;
  params: unknown[];
  /** Its row is wanted (readAtCommit). */
  read?: boolean;
  /** Set once sent: a read's row (undefined for an insert or no row). */
  sent?: { row: Record<string, unknown> | undefined };
}

/** Owed per open transaction (keyed by the driver's transaction object), in the order they were added. */
const owed = new WeakMap<object, CommitRider[]>();

function transactionOf(em: EntityManager): object {
  const tx = em.getTransactionContext();
  if (!tx) throw new Error('a commit rider belongs to a transaction');
  return tx;
}

/**
 * Owes `rider` at the commit of `em`'s transaction (rolled back with it). Inside a savepoint, whose release is not the
 * transaction's commit (and whose driver object the commit does not name), it is sent at once instead.
 */
export async function addCommitRider(em: EntityManager, rider: CommitRider, transaction: object = transactionOf(em)): Promise<CommitRider> {
  if (![...em.getEventManager().getSubscribers()].some((s) => s instanceof CommitRiderSender)) {
    // Without the sender, a rider no statement carried (an audit entry) would be lost without a word.
    throw new Error('this ORM sends no commit riders (src/db/orm.ts installs CommitRiderSender)');
  }
  owed.set(transaction, [...(owed.get(transaction) ?? []), rider]);
  if ((transaction as { savepointName?: string }).savepointName) await sendCommitRiders(em, transaction);
  return rider;
}

/** What a statement adds to carry riders: `with` items (after its own, `, ` first), their parameters, and a select list. */
export interface RiderParts {
  withItems: string;
  params: unknown[];
  /** The statement's select list: one column per rider (its row as JSON, null for an insert), or `1` without riders. */
  select: string;
  /** Hands the statement's one row to the riders, marking them sent. */
  deliver(row: Record<string, unknown> | undefined): void;
}

/** Takes (once) what the transaction owes, as parts of a statement that ends `select <select>` (none without one). */
export function takeCommitRiders(transaction: object | undefined): RiderParts {
  const riders = (transaction && owed.get(transaction)) || [];
  if (transaction) owed.delete(transaction);
  return {
    withItems: riders.map((rider, i) => `, rider_${i} as (${rider.sql})`).join(''),
    params: riders.flatMap((rider) => rider.params),
    select: riders.length ? riders.map((rider, i) => (rider.read ? `(select row_to_json(x) from rider_${i} x limit 1) as rider_${i}` : `null as rider_${i}`)).join(', ') : '1',
    deliver: (row) => riders.forEach((rider, i) => (rider.sent = { row: (row?.[`rider_${i}`] ?? undefined) as Record<string, unknown> | undefined })),
  };
}

/** Sends what the transaction still owes, in one statement (none when it owes nothing). */
export async function sendCommitRiders(em: EntityManager, transaction: object = transactionOf(em)): Promise<void> {
  if (!owed.get(transaction)?.length) return;
  const parts = takeCommitRiders(transaction);
  // `with` items need a first one of the statement's own: a constant.
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(`with owed as (select 1)${parts.withItems} select ${parts.select}`, parts.params, 'all', transaction);
  parts.deliver(rows[0]);
}

/** A read rider's row: carried by an earlier statement, or sent now with everything else the transaction owes. */
export async function readAtCommit(em: EntityManager, rider: CommitRider, transaction: object = transactionOf(em)): Promise<Record<string, unknown> | undefined> {
  if (!rider.sent) await sendCommitRiders(em, transaction);
  if (!rider.sent) throw new Error('a commit rider read before it was added');
  return rider.sent.row;
}

/**
 * The commit's last subscriber (registered after every other, src/db/orm.ts): sends what no statement carried. A
 * savepoint commits nothing: the outer commit sends.
 */
export class CommitRiderSender implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    if (!args.transaction || args.transaction.savepointName) return;
    await sendCommitRiders(args.em as EntityManager, args.transaction);
  }
}
