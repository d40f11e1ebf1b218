/**
 * The size of a database as its engine reports it, in bytes: one query per engine, ready for the resources issue
 * (monitoring disk use per account), which will run it over SSH with the server's own client as the backends do.
 * Tested on the real servers (tests/database-credentials.test.ts).
 *
 * - PostgreSQL: pg_database_size(), the database directory's size (tables, indexes, TOAST, free space maps).
 * - MariaDB: the sum of data_length + index_length of the database's tables in information_schema (what the engine
 *   keeps for them; a table's file may be larger), 0 for a database without tables.
 */
import { DatabaseType } from '../../entities/services/database-type.js';
import { mariadbLiteral } from '../../orchestration/sql/mariadb-quote.js';
import { pgLiteral } from '../../orchestration/sql/postgresql-quote.js';

/** One statement printing one integer, the size in bytes (null in PostgreSQL when the database does not exist). */
export function databaseSizeQuery(type: DatabaseType, name: string): string {
  if (type === DatabaseType.POSTGRESQL) return `SELECT pg_database_size(datname) FROM pg_database WHERE datname = ${pgLiteral(name)};`;
  return `SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = ${mariadbLiteral(name)};`;
}
