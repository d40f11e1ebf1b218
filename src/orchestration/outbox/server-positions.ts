import type { EntityManager } from '@mikro-orm/postgresql';
import type { RouteRow, RoutesRead } from '../collector/plan.js';

/**
 * A server's queue position: the id of its last committed script run ('0' without any). Run ids are handed out under
 * the server's outbox lock (server-locks.ts), so the position only grows, and it moves exactly when a transaction that
 * wrote runs for the server commits: two equal readings mean no such commit in between. (A deleted run makes it
 * differ too, which only costs a plan.)
 */
export type ServerPositions = Map<string, string>;

export const toPositions = (rows: { server: string | number; position: string | number | null }[]): ServerPositions =>
  new Map(rows.map((row) => [String(row.server), String(row.position ?? 0)]));

/** What a commit reads before its first plan: the routes of its backends, and the position of every server they name. */
export interface RoutedServers {
  positions: ServerPositions;
  routes: RoutesRead;
}

/**
 * The active routes of `backends` with each one's server position (index-only per server): ONE statement, where the
 * positions and then the first plan's routes were two round trips on every commit. The routes and the positions are
 * read at once, before any snapshot, so a routing change committed after them is as visible to the check under the
 * locks (planUnderServerLocks) as one committed between two reads was.
 */
export async function routedServers(em: EntityManager, backends: readonly string[]): Promise<RoutedServers> {
  if (backends.length === 0) return { positions: new Map(), routes: { backends, rows: [] } };
  const rows = await em.getConnection().execute<(RouteRow & { position: string | null })[]>(
    `select r."backend", r."match", s."id" as server_id, s."name" as server_name,
            (select max(sr.id) from script_run sr where sr.server_id = s.id) as position
       from "route" r join "server" s on s."id" = r."server_id"
      where r."backend" in (?) and r."is_active"
      order by s."name" asc`,
    [[...backends]],
    'all',
    em.getTransactionContext(),
  );
  return { positions: toPositions(rows.map((row) => ({ server: row.server_id, position: row.position }))), routes: { backends, rows } };
}
