import type { EntityManager } from '@mikro-orm/postgresql';
import type { PlannedGroup, RoutesRead } from '../collector/plan.js';
import { toPositions, type RoutedServers, type ServerPositions } from './server-positions.js';
import { OUTBOX_ID_COLUMNS, sizeOf, type OutboxIds, type OutboxSize } from './outbox-rows.js';
import { insertsUnsaved } from '../../db/unsaved-ids.js';

/**
 * The first key of every server's outbox lock, `pg_advisory_xact_lock(SERVER_LOCK_SPACE, <server id>)`. (Two-key
 * locks never collide with the one-key locks used elsewhere, such as the bootstrap's.)
 */
const SERVER_LOCK_SPACE = 724_111;

/** The servers each open transaction has locked so far (keyed by the driver's transaction object). */
const held = new WeakMap<object, Set<string>>();

function heldBy(em: EntityManager): Set<string> {
  const tx = em.getTransactionContext();
  if (!tx) throw new Error('server locks are taken inside a transaction');
  let servers = held.get(tx);
  if (!servers) held.set(tx, (servers = new Set()));
  return servers;
}

/**
 * Locks the outbox of each server until the transaction ends, so a server's script runs get their ids (queue
 * positions) in commit order: two transactions writing runs for one server commit one after the other, and the
 * second takes its ids only once the first has committed. Transactions for other servers do not wait. Locks are
 * taken in ascending server id, so two transactions locking overlapping sets in one call each never deadlock.
 * Locks the transaction already holds are skipped.
 */
export async function lockServers(em: EntityManager, serverIds: Iterable<string>): Promise<void> {
  const servers = heldBy(em);
  const wanted = notHeld(servers, serverIds);
  // One statement per lock: the order of calls inside a single statement is not something PostgreSQL promises.
  for (const id of wanted) {
    await em.getConnection().execute('select pg_advisory_xact_lock(?, ?)', [SERVER_LOCK_SPACE, Number(id)], 'run', em.getTransactionContext());
    servers.add(id);
  }
}

/** The servers of `serverIds` the transaction has not locked yet, in ascending id. */
function notHeld(servers: Set<string>, serverIds: Iterable<string>): string[] {
  return [...new Set(serverIds)].filter((id) => !servers.has(id)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/**
 * Locks `serverIds` as `lockServers` does, then reads their positions: ONE statement (a PL/pgSQL function, migration
 * 20261130060000, whose read takes a fresh snapshot after the locks), where a lock statement then a read were two
 * round trips on every commit. With `reserve` (and not in a dry run, whose ids are unsaved ones), the same statement
 * also hands out the ids of a batch of that size under the locks (migration 20261130090000).
 */
async function lockAndReadPositions(em: EntityManager, serverIds: string[], reserve?: OutboxSize): Promise<{ positions: ServerPositions; ids?: OutboxIds }> {
  const servers = heldBy(em);
  const wanted = notHeld(servers, serverIds);
  const locks = [SERVER_LOCK_SPACE, `{${wanted.join(',')}}`, `{${serverIds.join(',')}}`];
  const reserving = reserve && !insertsUnsaved(em);
  const rows = await em.getConnection().execute<{ server: string; position: string | null; batch?: string; runs?: string[]; operations?: string[] }[]>(
    reserving
      ? `select locked_server as server, server_position as position, ${OUTBOX_ID_COLUMNS}
           from server_positions_after_locks_reserving(?, ?::bigint[], ?::bigint[], ?, ?)`
      : 'select locked_server as server, server_position as position from server_positions_after_locks(?, ?::bigint[], ?::bigint[])',
    reserving ? [...locks, reserve.runs, reserve.operations] : locks,
    'all',
    em.getTransactionContext(),
  );
  for (const id of wanted) servers.add(id);
  const [first] = rows;
  const ids = reserving && first ? { batch: first.batch!, runs: first.runs!, operations: first.operations! } : undefined;
  return { positions: toPositions(rows), ids };
}

/** Ids handed out under the locks for the plan they were counted from, until writeOutbox takes them. */
const reservedFor = new WeakMap<readonly PlannedGroup[], OutboxIds>();

/** The ids reserved for exactly these groups (as many runs and operations), taken once; undefined otherwise. */
export function takeReservedIds(groups: readonly PlannedGroup[]): OutboxIds | undefined {
  const ids = reservedFor.get(groups);
  reservedFor.delete(groups);
  const size = sizeOf(groups);
  return ids && ids.runs.length === size.runs && ids.operations.length === size.operations ? ids : undefined;
}

export const serversOf = (groups: readonly PlannedGroup[]): string[] => [...new Set(groups.map((g) => g.server.id))];

/**
 * Plans with the locks of every server the plan selects held BEFORE the plan reads its snapshots. A snapshot carries
 * more than the changed row (a crontab's is its user's whole crontab); read before the lock it could miss a change
 * another transaction commits meanwhile, whose run then gets the lower id, and the later run would overwrite the
 * host with the stale snapshot (found by the burst test: concurrent updates of two entries of one crontab left the
 * host with an old command). Read after the lock, under READ COMMITTED, every earlier commit for those servers is
 * visible.
 *
 * Which servers depends on the snapshots (routes match on them), so a first plan on a fork (same transaction, an
 * identity map of its own: entities it loads must not be reused stale by the real plan) finds them. That plan is kept
 * when no transaction writing runs for its servers committed since before it started: `readBefore`'s positions (read
 * first, for every server the plan could select, by the statement that also reads the routes the first plan uses:
 * routedServers) equal their positions read once their locks are held. Otherwise, or without `readBefore`, the real
 * plan runs under the locks. If it selects a server more (a concurrent commit
 * changed the routing of this very change), that one is locked too and the plan repeats: out of the ascending order,
 * so two such transactions could deadlock; PostgreSQL then aborts one of them (an error to its caller, nothing
 * written).
 *
 * The positions are compared by a read after the locks in a statement of its own — inside the function that takes
 * them (lockAndReadPositions): a single SQL statement that waited for a lock would still read with the snapshot it
 * took before waiting, blind to the very commit it waited for.
 */
export async function planUnderServerLocks(
  em: EntityManager,
  plan: (em: EntityManager, routesRead?: RoutesRead) => Promise<PlannedGroup[]>,
  readBefore?: (em: EntityManager) => Promise<RoutedServers>,
): Promise<PlannedGroup[]> {
  const servers = heldBy(em);
  const before = await readBefore?.(em);
  // The first plan may use the routes read with the positions; the plans under the locks read them again.
  let groups = await plan(em.fork({ keepTransactionContext: true }), before?.routes);
  if (before) {
    if (await unchangedUnderLocks(em, groups, before.positions)) return groups;
    groups = await plan(em); // under the locks of the first plan's servers, taken by the check
  }
  // Locks are only taken between plans, so a plan whose servers were all locked when it ended was read under them.
  for (;;) {
    const missing = serversOf(groups).filter((id) => !servers.has(id));
    if (missing.length === 0) return groups;
    await lockServers(em, missing);
    groups = await plan(em);
  }
}

/**
 * Locks the servers of `groups`; whether none of them has a run committed since `before` was read. The same statement
 * reserves the ids of the batch `groups` would write, for writeOutbox if the plan is kept. A plan that selects no
 * server locks nothing and writes nothing: no statement.
 */
async function unchangedUnderLocks(em: EntityManager, groups: PlannedGroup[], before: ServerPositions): Promise<boolean> {
  const serverIds = serversOf(groups);
  if (serverIds.length === 0) return true;
  if (!serverIds.every((id) => before.has(id))) return false; // a server no route named then: its routes changed
  const now = await lockAndReadPositions(em, serverIds, sizeOf(groups));
  const unchanged = serverIds.every((id) => now.positions.get(id) === before.get(id));
  if (unchanged && now.ids) reservedFor.set(groups, now.ids);
  return unchanged;
}
