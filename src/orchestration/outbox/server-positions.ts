import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A server's queue position: the id of its last committed script run ('0' without any). Run ids are handed out under
 * the server's outbox lock (server-locks.ts), so the position only grows, and it moves exactly when a transaction that
 * wrote runs for the server commits: two equal readings mean no such commit in between. (A deleted run makes it
 * differ too, which only costs a plan.)
 */
export type ServerPositions = Map<string, string>;

export const toPositions = (rows: { server: string | number; position: string | number | null }[]): ServerPositions =>
  new Map(rows.map((row) => [String(row.server), String(row.position ?? 0)]));

/** The position of every server an active route of one of `backends` names (one statement; index-only per server). */
export async function positionsOfRoutedServers(em: EntityManager, backends: readonly string[]): Promise<ServerPositions> {
  if (backends.length === 0) return new Map();
  const rows = await em.getConnection().execute<{ server: string; position: string | null }[]>(
    `select r.server_id as server, (select max(s.id) from script_run s where s.server_id = r.server_id) as position
       from (select distinct server_id from route where is_active and backend in (?)) r`,
    [[...backends]],
    'all',
    em.getTransactionContext(),
  );
  return toPositions(rows);
}
