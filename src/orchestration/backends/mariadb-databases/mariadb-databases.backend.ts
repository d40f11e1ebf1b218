/**
 * MariaDB databases: a database per Database of type mariadb, with its users' privileges, through the server's own
 * `mariadb` client as root over its socket.
 *
 * Decisions (the grants are the API's documented contract: docs/architecture.md §6):
 * - The owner: ALL PRIVILEGES on the database WITH GRANT OPTION (as django-orchestra did).
 * - The other users are read-write: SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,
 *   SHOW VIEW. What an earlier owner had beyond that is revoked when it becomes one of the others.
 * - Database names in GRANT are patterns (`_` and `%` are wildcards): every GRANT and REVOKE names the database with
 *   them escaped (../../sql/mariadb-quote.ts), or `a_b`'s users would also get `axb`, another account's database.
 * - A save converges: users no longer listed lose every privilege on the database (an anonymous block walks
 *   mysql.db for the database's pattern and REVOKEs each, with the server's own QUOTE() for the names it found).
 * - delete: DROP DATABASE IF EXISTS, then the privileges on it are revoked (MariaDB keeps grants of a dropped
 *   database: a database created later under the same name would inherit them). The users stay.
 * - Statements of the whole group go to the client in one session (../databases/mariadb.sh).
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { mariadbAccount, mariadbGrantDatabase, mariadbGrantPattern, mariadbIdent, mariadbLiteral } from '../../sql/mariadb-quote.js';
import { DATABASE_MATCH_FIELDS, isOfEngine, validateDatabaseSnapshot, type DatabaseSnapshot } from '../databases/database-snapshots.js';
import { MARIADB_USER_HOST, mariadbEcho } from '../mariadb-users/mariadb-users.backend.js';

const MARIADB = bashFragment(new URL('../databases/mariadb.sh', import.meta.url));

export const READ_WRITE_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, SHOW VIEW';
const OWNER_ONLY_PRIVILEGES =
  'CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY, GRANT OPTION';

/** What a database over its allocation loses (resource limit actions). */
export const LIMITED_PRIVILEGES = 'INSERT, UPDATE, CREATE';

const snapshotOf = (raw: unknown, fromSource: boolean) => validateDatabaseSnapshot(raw, fromSource, 'mariadb-databases', 'mariadb');

/** Revokes every privilege on the database from the accounts that have one and are not `keep` (user names, host %). */
export function revokeOthersSql(name: string, keep: readonly string[]): string {
  const on = mariadbGrantDatabase(name);
  const kept = keep.length ? ` AND NOT (Host = ${mariadbLiteral(MARIADB_USER_HOST)} AND User IN (${keep.map(mariadbLiteral).join(', ')}))` : '';
  return [
    'DELIMITER ;;',
    'BEGIN NOT ATOMIC',
    // Collected first (a session's temporary table, in the mysql schema: no database is selected): REVOKE changes
    // mysql.db, which a cursor over it would be reading.
    '  CREATE OR REPLACE TEMPORARY TABLE mysql.orchestra_stale_grantees AS',
    `    SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) AS grantee FROM mysql.db WHERE Db = ${mariadbLiteral(mariadbGrantPattern(name))}${kept};`,
    '  FOR stale IN (SELECT grantee FROM mysql.orchestra_stale_grantees) DO',
    // GRANT OPTION first: while the account still has its row, revoking what it may not hold is no error.
    `    EXECUTE IMMEDIATE CONCAT(${mariadbLiteral(`REVOKE GRANT OPTION ON ${on}.* FROM `)}, stale.grantee);`,
    `    EXECUTE IMMEDIATE CONCAT(${mariadbLiteral(`REVOKE ALL PRIVILEGES ON ${on}.* FROM `)}, stale.grantee);`,
    '  END FOR;',
    '  DROP TEMPORARY TABLE mysql.orchestra_stale_grantees;',
    'END;;',
    'DELIMITER ;',
  ].join('\n');
}

export function saveDatabaseSql(s: DatabaseSnapshot): string {
  const on = `${mariadbGrantDatabase(s.name)}.*`;
  const lines = [
    mariadbEcho(`database ${s.name}: saved, owner ${s.owner}${s.others.length ? `, read-write ${s.others.join(' ')}` : ''}`),
    `CREATE DATABASE IF NOT EXISTS ${mariadbIdent(s.name)};`,
    revokeOthersSql(s.name, [s.owner, ...s.others]),
    `GRANT ALL PRIVILEGES ON ${on} TO ${mariadbAccount(s.owner, MARIADB_USER_HOST)} WITH GRANT OPTION;`,
  ];
  for (const user of s.others) {
    const account = mariadbAccount(user, MARIADB_USER_HOST);
    lines.push(`GRANT ${READ_WRITE_PRIVILEGES} ON ${on} TO ${account};`, `REVOKE ${OWNER_ONLY_PRIVILEGES} ON ${on} FROM ${account};`);
  }
  // Over its size allocation: no user writes until it recovers (the grants above give it back on the next save).
  if (s.overLimit) {
    for (const user of [s.owner, ...s.others]) lines.push(`REVOKE ${LIMITED_PRIVILEGES} ON ${on} FROM ${mariadbAccount(user, MARIADB_USER_HOST)};`);
    lines.push(mariadbEcho(`database ${s.name}: over its allocation, INSERT, UPDATE and CREATE revoked`));
  }
  return lines.join('\n');
}

export function dropDatabaseSql(s: DatabaseSnapshot): string {
  return [`DROP DATABASE IF EXISTS ${mariadbIdent(s.name)};`, revokeOthersSql(s.name, []), mariadbEcho(`database ${s.name}: dropped`)].join('\n');
}

export const mariadbDatabasesBackend = defineBackend<DatabaseSnapshot>({
  name: 'mariadb-databases',
  description: 'MariaDB databases (mariadb as root): all privileges WITH GRANT OPTION for their first user, read-write for the others.',
  model: 'Database',
  ignoredFields: ['createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 10 * 60_000,
  matchFields: DATABASE_MATCH_FIELDS,
  serves: (source) => isOfEngine(source, 'mariadb'),
  snapshot: (source) => snapshotOf(source, true),
  parseSnapshot: (raw) => snapshotOf(raw, false),
  matchContext: (s) => ({ database: { name: s.name }, account: { username: s.accountUsername, type: s.accountType } }),
  label: (s) => s.name,
  prepare: () => MARIADB,
  section(op: TypedOperation<DatabaseSnapshot>) {
    return sh`mariadb_queue ${op.action === 'delete' ? dropDatabaseSql(op.snapshot) : saveDatabaseSql(op.snapshot)}`;
  },
  commit: () => ShellCode.trusted('mariadb_run'),
});
