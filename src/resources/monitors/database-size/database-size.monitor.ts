/**
 * Size of each database as its engine reports it (django-orchestra's MysqlDisk used `du` of the data directory), one
 * query per server and run whatever the number of databases, through the server's own client as the database
 * backends do:
 * - PostgreSQL: pg_database_size(), the database directory (tables, indexes, TOAST, free space maps);
 * - MariaDB: the tables' files as InnoDB allocated them (information_schema.INNODB_SYS_TABLESPACES, one file per
 *   table), else data_length + index_length (other engines). The files grow as rows are written; the statistics
 *   behind data_length lag behind a bulk insert.
 * Names are quoted for SQL by ../../../orchestration/sql/, then the statement for the shell by `sh`.
 */
import { Database } from '../../../entities/services/database.js';
import { DatabaseType } from '../../../entities/services/database-type.js';
import { ShellCode, joinShell, sh } from '../../../orchestration/shell/quote.js';
import { bashFragment } from '../../../orchestration/shell/fragment.js';
import { mariadbLiteral } from '../../../orchestration/sql/mariadb-quote.js';
import { pgLiteral } from '../../../orchestration/sql/postgresql-quote.js';
import type { DatabaseSource } from '../../../orchestration/backends/databases/database-snapshots.js';
import type { Monitor, MonitorTarget } from '../monitor.js';

const SIZES = bashFragment(new URL('./database-size.sh', import.meta.url));

type Target = MonitorTarget<{ name: string }>;

/** One statement printing `<id> <bytes>` per database of the list that exists. */
export function postgresqlSizesSql(targets: readonly Target[]): string {
  const values = targets.map((t) => `(${Number(t.objectId)}::bigint, ${pgLiteral(t.data.name)})`).join(',\n  ');
  return `SELECT v.id || ' ' || pg_database_size(d.oid) FROM (VALUES\n  ${values}\n) AS v(id, name) JOIN pg_database d ON d.datname = v.name;`;
}

export function mariadbSizesSql(targets: readonly Target[]): string {
  const rows = targets.map((t, i) => (i === 0 ? `SELECT ${Number(t.objectId)} AS id, ${mariadbLiteral(t.data.name)} AS name` : `SELECT ${Number(t.objectId)}, ${mariadbLiteral(t.data.name)}`));
  return [
    `SELECT CONCAT(v.id, ' ', COALESCE(SUM(COALESCE(ts.ALLOCATED_SIZE, t.DATA_LENGTH + t.INDEX_LENGTH)), 0)) FROM (`,
    `  ${rows.join('\n  UNION ALL ')}`,
    `) v JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = v.name`,
    `LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = v.name`,
    `LEFT JOIN information_schema.INNODB_SYS_TABLESPACES ts ON ts.NAME = CONCAT(t.TABLE_SCHEMA, '/', t.TABLE_NAME)`,
    `GROUP BY v.id;`,
  ].join('\n');
}

function databaseSizeMonitor(engine: 'postgresql' | 'mariadb'): Monitor<{ name: string }> {
  const type = engine === 'postgresql' ? DatabaseType.POSTGRESQL : DatabaseType.MARIADB;
  return {
    name: `${engine}-size`,
    description: `Bytes of each ${engine === 'postgresql' ? 'PostgreSQL' : 'MariaDB'} database, as its engine reports them.`,
    model: 'Database',
    backend: `${engine}-databases`,
    kind: 'disk',
    counter: false,
    timeoutMs: 10 * 60_000,
    async targets(em, objectIds) {
      const where = { type, ...(objectIds ? { id: { $in: [...objectIds] } } : {}) };
      const databases = await em.find(Database, where, { populate: ['account'], filters: false, orderBy: { id: 'asc' } });
      return databases.map((database) => {
        const account = database.account.getEntity();
        const routeSource: DatabaseSource = { name: database.name, type: database.type, users: database.users, account: { username: account.username, type: account.type } };
        return { objectId: database.id, accountId: account.id, routeSource, data: { name: database.name } };
      });
    },
    body(targets) {
      const sql = engine === 'postgresql' ? postgresqlSizesSql(targets) : mariadbSizesSql(targets);
      return joinShell([SIZES, ShellCode.empty, sh`measure_sizes ${engine} ${sql}`], '\n');
    },
  };
}

export const postgresqlSizeMonitor = databaseSizeMonitor('postgresql');
export const mariadbSizeMonitor = databaseSizeMonitor('mariadb');
