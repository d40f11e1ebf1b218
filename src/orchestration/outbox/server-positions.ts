import type { EntityManager } from '@mikro-orm/postgresql';
import type { RouteRow, RoutesRead } from '../collector/plan.js';
import { jsonValue, type SourceRead } from '../../services/source-read.js';

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

/** At most this many source reads ride on the routes statement (routedServers). */
const SENT_AHEAD = 100;

/**
 * The active routes of `backends` with each one's server position (index-only per server), and the values of `reads`
 * (its changes' source reads, services/source-read.ts) into `routes.shared`: ONE statement, where the positions, the
 * first plan's routes and its sources' reads were round trips of their own on every commit. All are read at once,
 * before any other snapshot, so a routing change or a source row committed after them is as visible to the check under
 * the locks (planUnderServerLocks) as one committed between two reads was. At most SENT_AHEAD reads ride along (a
 * commit of thousands of users' lines reads the rest as its plan goes).
 */
export async function routedServers(em: EntityManager, backends: readonly string[], reads: readonly SourceRead[] = []): Promise<RoutedServers> {
  if (backends.length === 0) return { positions: new Map(), routes: { backends, rows: [] } };
  const ahead = reads.slice(0, SENT_AHEAD);
  const rows = await em.getConnection().execute<(RouteRow & { position: string | null; read_key: string | null; read_value: unknown })[]>(
    `select r."backend", r."match", s."id" as server_id, s."name" as server_name,
            (select max(sr.id) from script_run sr where sr.server_id = s.id) as position, null as read_key, null::json as read_value
       from "route" r join "server" s on s."id" = r."server_id"
      where r."backend" in (?) and r."is_active"
     ${ahead.map((read) => `union all select null, null, null, null, null, ?, ${read.sql}`).join('\n')}
      order by server_name asc`,
    [[...backends], ...ahead.flatMap((read) => [read.key, ...read.params])],
    'all',
    em.getTransactionContext(),
  );
  const routes = rows.filter((row) => row.read_key === null);
  const shared = new Map(rows.filter((row) => row.read_key !== null).map((row) => [row.read_key!, jsonValue(row.read_value)]));
  return { positions: toPositions(routes.map((row) => ({ server: row.server_id, position: row.position }))), routes: { backends, rows: routes, shared } };
}
