import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A read a service module's `source` makes that several objects share (a crontab line's: its user's whole crontab),
 * as one SQL expression whose value is JSON, and the key `source` keeps it under in its plan's `shared` map. A commit
 * sends the reads of its changes with its routes and server positions (routedServers: one statement, so one
 * snapshot, the one the check under the locks compares with), and its first plan finds them in `shared`; a plan
 * without them (under the locks, a dry run, a sync) reads each in a statement of its own (`readSource`). `sql` uses
 * `?` for its parameters, and only for them.
 */
export interface SourceRead {
  key: string;
  sql: string;
  params: readonly unknown[];
}

/** The value of `read`: from `shared` (this plan read it, or the commit sent it ahead), else one statement, kept there. */
export async function readSource<T>(em: EntityManager, read: SourceRead, shared: Map<string, unknown>): Promise<T> {
  if (shared.has(read.key)) return shared.get(read.key) as T;
  const [row] = await em.getConnection().execute<{ value: unknown }[]>(`select ${read.sql} as value`, [...read.params], 'all', em.getTransactionContext());
  const value = jsonValue(row.value);
  shared.set(read.key, value);
  return value as T;
}

/** A JSON column's value, whether or not the driver parsed it. */
export function jsonValue(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}
