import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * Runs a read of the API's hot path (a list page, its count, its contacts, the session check) as a **named prepared
 * statement** on the pg pool behind MikroORM's connection. Why: through `connection.execute`, MikroORM inlines every
 * parameter into the text (formatQuery) and kysely reserves a connection per statement, and PostgreSQL parses and
 * plans the whole text each time; here the text is sent and planned once per pooled connection, then only the
 * statement's name and its parameters (bench/README.md, issue 9, step 7).
 *
 * The same pool as MikroORM's (its type parsers: values come back exactly as through `execute`), the same logger
 * (`executeQuery`: query lines, timings, slow-query log). `sql` uses `?` for parameters, as MikroORM's `execute`
 * does; every `?` in it must be a parameter (the callers' SQL quotes identifiers from entity metadata only).
 *
 * Returns undefined, and runs nothing, where the pool alone would not be what MikroORM runs: inside a transaction
 * (its statements must run on the transaction's connection), with a database session context or a hook on reserving
 * a connection (both set things per reservation). The caller then reads through MikroORM.
 */
export async function readPrepared<T>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[] | undefined> {
  if (em.getTransactionContext() || em.getSessionContext() || em.config.get('onReserveConnection') || em.config.get('sessionContext') === 'connection') return undefined;
  const connection = em.getConnection() as unknown as PoolConnection;
  const pool = pools.get(connection) ?? (await poolOf(connection));
  const statement = statementOf(sql);
  const values = params.map(parameterValue);
  // MikroORM's own wrapper around a statement: it times it and writes the query log line (tests count those).
  return connection.executeQuery(sql, async () => (await pool.query<T & pg.QueryResultRow>({ name: statement.name, text: statement.text, values })).rows, {
    query: sql,
    params: values,
  });
}

/** The part of MikroORM's PostgreSqlConnection used here (`executeQuery` is protected in its typings). */
interface PoolConnection {
  getNativeClient(): Promise<pg.Pool>;
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: object): Promise<T>;
}

const pools = new WeakMap<PoolConnection, pg.Pool>();

async function poolOf(connection: PoolConnection): Promise<pg.Pool> {
  const pool = await connection.getNativeClient();
  pools.set(connection, pool);
  return pool;
}

/**
 * Statement names by text. The texts come from code (a list's where shape, not its values: an `$in` is one array
 * parameter), so there are few; past MAX_NAMED the statement runs unnamed (parsed each time) rather than grow every
 * connection's set of prepared statements without end.
 */
const statements = new Map<string, { name: string | undefined; text: string }>();
const MAX_NAMED = 500;

function statementOf(sql: string): { name: string | undefined; text: string } {
  let statement = statements.get(sql);
  if (statement) return statement;
  let n = 0;
  const text = sql.replaceAll('?', () => `$${++n}`);
  if (statements.size >= MAX_NAMED) return { name: undefined, text };
  statement = { name: `orchestra_read_${statements.size + 1}`, text };
  statements.set(sql, statement);
  return statement;
}

/** A Date as the instant MikroORM writes (UTC, `forceUtcTimezone`), whatever the process's time zone. */
function parameterValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(parameterValue);
  return value;
}
